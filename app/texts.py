"""The texts and limits each live screen gets in its page config (``client_config``).

The JavaScript shows only these texts (``t(key)`` in static/js/config.js), and the
board without JavaScript takes the same ones from the config, so every text and
every limit a screen shows has one source: here. Keys ending in ``_one`` are the
singular of the key without it; ``{name}`` placeholders are filled in by the client.
"""

from flask_babel import gettext as _

from app.facilitate.forms import PHASE_LABELS
from app.fields import CARD_TEXT_MAX, NAME_MAX


def limits(config) -> dict:
    """Return the limits the screens check before sending, from the app's config."""
    return {
        "card_text": CARD_TEXT_MAX,
        "name": NAME_MAX,
        "message_bytes": config["MAX_MESSAGE_BYTES"],
    }


def _phase_labels() -> dict:
    return {f"phase_{phase.value}": str(label) for phase, label in PHASE_LABELS.items()}


def _common() -> dict:
    """Texts of a card and of sending, the same on every screen."""
    return {
        "anonymous": _("anonym"),
        "edited": _("bearbeitet"),
        "answers": _("Antwort auf: {text}"),
        "answered_by": _("Lösungen dazu"),
        "kind_problem": _("Problem"),
        "kind_solution": _("Lösung"),
        "dots_total": _("{n} Punkte"),
        "dots_total_one": _("{n} Punkt"),
        "too_large": _("Zu lang zum Senden – bitte kürzer fassen."),
    }


def board_texts() -> dict:
    """Return the texts of the participant's board (phone), with and without JavaScript."""
    return {
        **_common(),
        "online": _("Verbunden – alles ist aktuell."),
        "offline": _(
            "Keine Verbindung. Deine Karten werden auf diesem Gerät gespeichert und gesendet, "
            "sobald die Verbindung wieder steht."
        ),
        "reconnecting": _("Verbinde neu …"),
        "pending": _("wird gesendet …"),
        "pending_count": _("{n} Karten warten auf Verbindung."),
        "pending_count_one": _("1 Karte wartet auf Verbindung."),
        "sent": _("Deine Karte hängt am Board."),
        "rejected": _("Nicht angenommen: {error} – Text: „{text}“"),
        "new_card_problem": _("Neues Problem: {text}"),
        "new_card_solution": _("Neue Lösung: {text}"),
        "card_removed": _("Eine Karte wurde entfernt."),
        "no_problems": _("Noch keine Probleme. Schreib das erste!"),
        "no_solutions": _("Noch keine Lösungen."),
        "edit": _("Bearbeiten"),
        "save": _("Speichern"),
        "cancel": _("Abbrechen"),
        "withdraw": _("Zurückziehen"),
        "withdraw_confirm": _("Diese Karte wirklich zurückziehen?"),
        "vote": _("Punkt geben"),
        "vote_label": _("Punkt geben für: {text}"),
        "unvote": _("Punkt zurücknehmen"),
        "unvote_label": _("Punkt zurücknehmen von: {text}"),
        "my_dots": _("Deine Punkte: {n}"),
        "my_dots_full": _("Deine Punkte: {n} – mehr passen nicht auf eine Karte."),
        "dots_left": _("Du hast noch {n} von {budget} Punkten."),
        "dots_none": _(
            "Alle Punkte vergeben. Wenn du umverteilen willst, nimm einen Punkt zurück."
        ),
        "dot_given": _("Punkt vergeben. Noch {n} übrig."),
        "dot_taken": _("Punkt zurückgenommen. Noch {n} übrig."),
        "offline_vote": _("Punkte kannst du nur mit Verbindung vergeben. Bitte warte kurz."),
        "phase_collect": _("Sammeln: Schreib Probleme und Lösungen auf."),
        "phase_discuss": _("Diskussion: Die Karten werden besprochen."),
        "phase_vote": _("Abstimmung: Verteile deine Punkte auf das, was dir am wichtigsten ist."),
        "phase_results": _("Ergebnisse: So wurde abgestimmt."),
        "phase_closed": _("Der Workshop ist beendet. Danke fürs Mitmachen!"),
        "answer_none": _("– keinem bestimmten Problem –"),
        "answer_this": _("Lösung dazu schreiben"),
        "empty_text": _("Bitte gib einen Text ein."),
        # The limit is filled in here and {n} left for the client: one number, one place.
        "too_long": _("Höchstens %(max)s Zeichen, du hast %(n)s.", max=CARD_TEXT_MAX, n="{n}"),
        "max_chars": _("Höchstens %(max)s Zeichen.", max=CARD_TEXT_MAX),
        "chars_left": _("Noch {n} Zeichen"),
        "awaiting_approval": _("wartet auf Freigabe"),
        "moderated": _("von der Moderation bearbeitet"),
        "paper": _("Papier"),
        "blind_card": _("verdeckte Karte"),
        "new_blind_card": _("Eine neue verdeckte Karte."),
        "blind_note": _(
            "Verdeckt: Ihr seht nur eure eigenen Karten, bis die Moderation aufdeckt."
        ),
        "results_pending": _("Die Ergebnisse werden gleich aufgedeckt."),
        "results_shown": _("Die Ergebnisse sind aufgedeckt."),
        "timer": _("Noch {time}"),
        "timer_paused": _("Angehalten bei {time}"),
        "timer_done": _("Die Zeit ist um."),
        "timer_started": _("Die Zeit läuft: {time}."),
        "refused": _("Nicht angenommen: {error}"),
    }


def projector_texts() -> dict:
    """Return the texts of the projector's wall."""
    return {
        **_common(),
        **_phase_labels(),
        "dots_given": _("{n} Punkte vergeben"),
        "dots_given_one": _("{n} Punkt vergeben"),
        "online": _("verbunden"),
        "offline": _("Verbindung unterbrochen – verbinde neu …"),
        "new_card": _("Neue Karte: {text}"),
        "new_blind_card": _("Eine neue verdeckte Karte."),
        "voters": _("{n} Personen haben abgestimmt"),
        "voters_one": _("{n} Person hat abgestimmt"),
        "more": _("+{n} weitere"),
        "results_pending": _("Ergebnisse folgen gleich"),
        "thanks": _("Danke fürs Mitmachen!"),
        "blind_title": _("Verdeckt gesammelt – die Karten werden gleich aufgedeckt."),
        "blind_problems": _("{n} Probleme geschrieben"),
        "blind_problems_one": _("{n} Problem geschrieben"),
        "blind_solutions": _("{n} Lösungen geschrieben"),
        "blind_solutions_one": _("{n} Lösung geschrieben"),
        "timer_label": _("Zeit"),
        "timer_done": _("Die Zeit ist um"),
        "timer_paused": _("angehalten"),
        "paper": _("Papier"),
    }


def console_texts() -> dict:
    """Return the texts of the facilitator's console."""
    return {
        **_common(),
        **_phase_labels(),
        "phase_now": _("Phase: %(p)s", p="{phase}"),
        "dots_given": _("{n} Punkte vergeben"),
        "dots_given_one": _("{n} Punkt vergeben"),
        "online": _("verbunden"),
        "offline": _("Verbindung unterbrochen – verbinde neu …"),
        "no_cards": _("Noch keine Karten."),
    }
