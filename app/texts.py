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
        "kind_need": _("Bedarf"),
        "from_synthesis": _("übergreifender Bedarf der Woche"),
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
        "new_card_need": _("Neuer Bedarf zur Abstimmung: {text}"),
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
        "blind_note": _("Verdeckt: Ihr seht nur eure eigenen Karten, bis die Moderation aufdeckt."),
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
        "no_pending": _("Keine Karte wartet."),
        # Asking once before a step that is hard to take back.
        "confirm_leave_collect": _(
            "Wirklich zu „{phase}“ wechseln? Dann können keine Karten mehr geschrieben werden."
        ),
        "confirm_close": _("Wirklich beenden? Danach ist nichts mehr zu ändern."),
        # Marks on a card.
        "flag_pending": _("wartet auf Freigabe"),
        "flag_hidden": _("ausgeblendet"),
        "flag_pinned": _("angeheftet"),
        "flag_paper": _("Papier"),
        "flag_moderated": _("von der Moderation bearbeitet"),
        # Controls on a card; {text} is the card's text, for screen readers.
        "approve": _("Freigeben"),
        "approve_label": _("Freigeben: {text}"),
        "hide": _("Ausblenden"),
        "hide_label": _("Ausblenden: {text}"),
        "restore": _("Wieder zeigen"),
        "restore_label": _("Wieder zeigen: {text}"),
        "pin": _("Anheften"),
        "pin_label": _("Anheften: {text}"),
        "unpin": _("Nicht anheften"),
        "unpin_label": _("Nicht anheften: {text}"),
        "edit": _("Bearbeiten"),
        "edit_label": _("Text bearbeiten: {text}"),
        "edit_field": _("Neuer Text"),
        "save": _("Speichern"),
        "cancel": _("Abbrechen"),
        "merge": _("Zusammenführen …"),
        "merge_label": _("Zusammenführen … in: {text}"),
        "merge_legend": _("Welche Karten gehören zu „{text}“?"),
        "merge_submit": _("Zusammenführen"),
        "merge_none": _("Keine andere Karte dieser Art."),
        "link_field": _("Antwort auf Problem"),
        "link_none": _("– keinem Problem –"),
        "link_submit": _("Verbinden"),
        "link_submit_label": _("Verbinden: {text}"),
        "paper_dots_field": _("Papier-Punkte"),
        "paper_dots_add": _("+ dazu"),
        "paper_dots_add_label": _("+ dazu: Papier-Punkte für {text}"),
        "paper_dots_remove": _("− weg"),
        "paper_dots_remove_label": _("− weg: Papier-Punkte von {text}"),
        # Replies the console announces.
        "done": _("Erledigt."),
        "done_hide_card": _("Karte ausgeblendet."),
        "done_restore_card": _("Karte wieder sichtbar."),
        "done_approve_card": _("Karte freigegeben."),
        "done_edit_card": _("Text gespeichert."),
        "done_pin_card": _("Karte angeheftet."),
        "done_unpin_card": _("Karte nicht mehr angeheftet."),
        "done_link_card": _("Verbindung gespeichert."),
        "done_merge_cards": _("Karten zusammengeführt."),
        "done_paper_card": _("Papier-Karte eingetragen."),
        "done_paper_dots": _("Papier-Punkte eingetragen."),
        "done_undo": _("Rückgängig gemacht."),
        "done_set_options": _("Einstellungen gespeichert."),
        "no_reply": _("Keine Antwort vom Server – bitte noch einmal versuchen."),
        "new_pending": _("Neue Karte wartet auf Freigabe: {text}"),
        # The timer.
        "timer_idle": _("Kein Timer läuft."),
        "timer_running": _("läuft"),
        "timer_paused": _("angehalten"),
        "timer_done": _("Die Zeit ist um."),
        "timer_minutes_invalid": _("Gib eine Zahl von Minuten an (1 bis 600)."),
        # The moderation log.
        "log_empty": _("Noch nichts geschehen."),
        "log_undo": _("Rückgängig"),
        "log_undo_label": _("Rückgängig machen: {what}"),
        "log_undone": _("rückgängig gemacht"),
        "log_undone_by": _("rückgängig gemacht von {who}"),
        "log_hide_card": _("ausgeblendet"),
        "log_restore_card": _("wieder gezeigt"),
        "log_approve_card": _("freigegeben"),
        "log_edit_card": _("Text geändert"),
        "log_pin_card": _("angeheftet"),
        "log_unpin_card": _("nicht mehr angeheftet"),
        "log_link_card": _("Verbindung geändert"),
        "log_merge_cards": _("zusammengeführt"),
        "log_paper_card": _("Papier-Karte eingetragen"),
        "log_paper_dots": _("{dots} Papier-Punkte"),
        "log_set_phase": _("Phase gewechselt: {phase}"),
        "log_set_options": _("Einstellungen geändert"),
        "log_reveal_results": _("Ergebnisse aufgedeckt"),
        "log_hide_results": _("Ergebnisse verdeckt"),
        "log_reveal_cards": _("Karten aufgedeckt"),
        "log_timer_start": _("Timer gestartet"),
        "log_timer_pause": _("Timer angehalten"),
        "log_timer_resume": _("Timer weiter"),
        "log_timer_add": _("Timer verlängert"),
        "log_timer_reset": _("Timer zurückgesetzt"),
    }


def synthesis_projector_texts() -> dict:
    """Return the texts of the synthesis board's read-only projector view."""
    return {
        **_common(),
        "online": _("Verbunden – alles ist aktuell."),
        "offline": _("Keine Verbindung. Neuer Versuch läuft …"),
        "no_needs": _("Noch keine übergreifenden Bedarfe."),
        "card_count": _("{n} Karten"),
        "card_count_one": _("1 Karte"),
        "origin_themes": _("aus {n} Themen: {themes}"),
        "origin_themes_one": _("aus 1 Thema: {themes}"),
        "origin_groups": _("Gruppen: {groups}"),
        "goals": _("{n} Ziele"),
        "goals_one": _("1 Ziel"),
        "vote_dots": _("{n} Punkte in der Abstimmung"),
        "vote_dots_one": _("1 Punkt in der Abstimmung"),
        "more_needs": _("+{n} weitere Bedarfe"),
        "more_needs_one": _("+1 weiterer Bedarf"),
        "matrix_caption": _("Bedarfe × Themen: Karten (und Punkte) je Zelle"),
        "matrix_empty": _("Noch keine Bedarfe – die Matrix füllt sich, sobald es welche gibt."),
        "matrix_need": _("Bedarf"),
        "matrix_cell": _("{cards} ({dots})"),
        "matrix_total": _("Summe"),
        "matrix_votes": _("Abstimmung"),
    }


def synthesis_texts() -> dict:
    """Return the texts of the synthesis board."""
    return {
        **_common(),
        "online": _("Verbunden – alles ist aktuell."),
        "offline": _("Keine Verbindung. Neuer Versuch läuft …"),
        "loading": _("Lädt …"),
        "error": _("Das hat nicht geklappt: {error}"),
        "no_answer": _("Keine Antwort vom Server. Bitte noch einmal versuchen."),
        "cards_shown": _("{n} von {total} Karten"),
        "no_cards": _("Keine Karte passt zu diesen Filtern."),
        "no_cards_week": _(
            "Noch keine Karten in dieser Woche. Sie erscheinen hier, sobald in einem Workshop "
            "Karten gepostet werden."
        ),
        "select_card": _("Auswählen"),
        "selected": _("{n} Karten ausgewählt"),
        "selected_one": _("1 Karte ausgewählt"),
        "group": _("Gruppe: {group}"),
        "add_to_need": _("Zu Bedarf hinzufügen …"),
        "add": _("Hinzufügen"),
        "choose_need": _("– Bedarf wählen –"),
        "no_needs_yet": _("Noch kein Bedarf"),
        "added": _("Zu „{need}“ hinzugefügt."),
        "no_needs": _("Noch keine Bedarfe. Wähle links Karten aus und lege einen neuen Bedarf an."),
        "need_created": _("Bedarf „{title}“ angelegt."),
        "need_title": _("Titel"),
        "rename": _("Umbenennen"),
        "renamed": _("Umbenannt in „{title}“."),
        "conflict": _(
            "Jemand hat diesen Bedarf inzwischen geändert. Jetzt steht dort: „{current}“. "
            "Deine Eingabe ist erhalten – prüfe sie und speichere noch einmal."
        ),
        "origin": _("Herkunft"),
        "card_count": _("{n} Karten"),
        "card_count_one": _("1 Karte"),
        "origin_themes": _("Themen: {themes}"),
        "origin_groups": _("Gruppen: {groups}"),
        "need_cards": _("Probleme dieses Bedarfs"),
        "need_no_problems": _("Noch keine Problemkarten."),
        "need_no_cards": _("Noch keine Karten."),
        "remove": _("Entfernen"),
        "removed": _("Karte aus „{need}“ entfernt."),
        "concrete": _("Konkret machen"),
        "what": _("Was wird gebraucht?"),
        "actors": _("Wer könnte es übernehmen? (Akteur*innen)"),
        "first_steps": _("Erste Schritte"),
        "priority": _("Priorität"),
        "no_priority": _("– keine –"),
        "save": _("Speichern"),
        "saved": _("Gespeichert."),
        "delete_need": _("Bedarf löschen"),
        "deleted": _("Bedarf gelöscht."),
        "find_cards": _("Passende Karten finden"),
        "merge_with": _("Zusammenführen mit …"),
        "no_other_needs": _("Kein anderer Bedarf"),
        "merge": _("Bedarfe zusammenführen"),
        "merged": _("„{other}“ in „{need}“ zusammengeführt."),
        "split_open": _("Aufteilen …"),
        "split_cards": _("Karten für den neuen Bedarf"),
        "split_title": _("Titel des neuen Bedarfs"),
        "split": _("Bedarf aufteilen"),
        "split_need_cards": _("Wähle die Karten für den neuen Bedarf."),
        "split_need_title": _("Gib dem neuen Bedarf einen Titel."),
        "split_done": _("Neuer Bedarf „{title}“ aus den gewählten Karten angelegt."),
        "ranked_heading": _("Passende Karten"),
        "ranked_none": _("Keine weiteren passenden Karten gefunden."),
        "undo": _("Letzten Schritt rückgängig machen"),
        "undone": _("Rückgängig gemacht."),
        "undo_what": _("Zuletzt: {step} ({time})"),
        "step_create_need": _("Bedarf angelegt"),
        "step_rename_need": _("Bedarf umbenannt"),
        "step_update_need": _("Bedarf konkretisiert"),
        "step_add_cards": _("Karten hinzugefügt"),
        "step_remove_cards": _("Karten entfernt"),
        "step_merge_needs": _("Bedarfe zusammengeführt"),
        "step_split_need": _("Bedarf aufgeteilt"),
        "step_delete_need": _("Bedarf gelöscht"),
        "nothing_to_undo": _("Es gibt keinen Schritt, der rückgängig gemacht werden kann."),
        "suggesting": _("Vorschläge werden berechnet … {percent} %"),
        "suggest_failed": _("Die Vorschläge konnten nicht berechnet werden."),
        "suggestions_none": _("Keine Vorschläge gefunden."),
        "suggestions_ready": _("{n} Vorschläge"),
        "suggestions_ready_one": _("1 Vorschlag"),
        "suggestion": _("Diese {n} Karten aus {themes} Themen sehen nach einem Bedarf aus"),
        "accept": _("Als Bedarf übernehmen"),
        "suggestion_keep": _("Karten, die in den Bedarf kommen"),
        "suggestion_none_kept": _("Wähle mindestens eine Karte des Vorschlags."),
        "dismiss": _("Verwerfen"),
        "dismissed": _("Vorschlag verworfen. Er kommt nicht wieder."),
        "matrix_caption": _("Bedarfe × Themen: Karten (und Punkte) je Zelle"),
        "matrix_empty": _("Noch keine Bedarfe – die Matrix füllt sich, sobald es welche gibt."),
        "matrix_need": _("Bedarf"),
        "matrix_cell": _("{cards} ({dots})"),
        "matrix_total": _("Summe"),
        "matrix_votes": _("Abstimmung"),
        "vote_dots": _("{n} Punkte in der Abstimmung ({theme})"),
        "vote_dots_one": _("1 Punkt in der Abstimmung ({theme})"),
        "goals": _("Ziele (Lösungen, die dem Bedarf dienen)"),
        "goals_none": _("Noch keine Ziele verknüpft."),
        "goal_add_label": _("Ziel verknüpfen (Lösungskarte)"),
        "goal_choose": _("– Lösungskarte wählen –"),
        "goal_no_solutions": _("Keine weitere Lösungskarte"),
        "goal_add": _("Als Ziel verknüpfen"),
        "goal_added": _("Ziel mit „{need}“ verknüpft."),
        "put_to_vote_done": _("Die Bedarfe stehen zur Abstimmung im Workshop „{workshop}“."),
    }
