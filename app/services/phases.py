"""Running a workshop: its phases, its options, the results' reveal and the timer of each step."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Phase, Workshop
from app.models._types import utcnow
from app.models.event import RESULTS_PHASES
from app.services.errors import ServiceError
from app.services.facts import next_seq
from app.services.moderation import log

#: The longest timer a facilitator may set: a whole workshop day.
TIMER_MAX_SECONDS = 10 * 60 * 60


def _commit(workshop: Workshop) -> Workshop:
    db.session.flush()
    next_seq(workshop)
    db.session.commit()
    return workshop


def set_phase(workshop: Workshop, phase: str, actor: str = "") -> Workshop:
    """Switch the workshop to a phase; facilitators may go back as well as forward.

    Leaving the results takes their reveal back: they are revealed anew after the next vote.
    """
    try:
        target = Phase(phase)
    except ValueError:
        raise ServiceError(_l("Diese Phase gibt es nicht."), "invalid") from None
    if target == workshop.current_phase:
        raise ServiceError(_l("Der Workshop ist schon in dieser Phase."), "unchanged")
    log(workshop, actor, "set_phase", phase=target.value, was=str(workshop.phase))
    workshop.phase = target
    workshop.phase_changed_at = utcnow()
    if target not in RESULTS_PHASES:
        workshop.results_revealed = False
    return _commit(workshop)


def reveal_results(workshop: Workshop, actor: str, shown: bool = True) -> Workshop:
    """Show the results to the room (ending the vote if it still runs), or hide them again."""
    if shown and workshop.current_phase not in RESULTS_PHASES | {Phase.VOTE}:
        raise ServiceError(_l("Ergebnisse gibt es erst nach der Abstimmung."), "phase")
    if bool(workshop.results_revealed) == shown and workshop.current_phase in RESULTS_PHASES:
        raise ServiceError(_l("Daran ändert sich nichts."), "unchanged")
    log(workshop, actor, "reveal_results" if shown else "hide_results")
    if shown and workshop.current_phase == Phase.VOTE:
        workshop.phase = Phase.RESULTS
        workshop.phase_changed_at = utcnow()
    workshop.results_revealed = shown
    return _commit(workshop)


def reveal_cards(workshop: Workshop, actor: str) -> Workshop:
    """End a blind collect: every phone now sees every card."""
    if not workshop.blind:
        raise ServiceError(_l("Die Karten sind schon für alle sichtbar."), "unchanged")
    log(workshop, actor, "reveal_cards")
    workshop.cards_revealed = True
    return _commit(workshop)


#: The options of a workshop that may change while it runs.
OPTIONS = ("dot_budget", "max_dots_per_card", "blind_collect", "premoderation")


def apply_options(workshop: Workshop, actor: str, **values) -> dict:
    """Set the options among ``values`` that differ, logged as one step; nothing committed.

    Dots already given stay where they are; a blind collect switched on or off starts
    with its cards unrevealed. Shared by the console and the organizer's workshop form.

    :return: the options that changed, with their new values.
    """
    changes = {key: value for key, value in values.items() if getattr(workshop, key) != value}
    if changes:
        log(workshop, actor, "set_options", **changes)
        for key, value in changes.items():
            setattr(workshop, key, value)
        if "blind_collect" in changes:
            workshop.cards_revealed = False
    return changes


def set_options(
    workshop: Workshop,
    actor: str,
    *,
    dot_budget: int,
    max_dots_per_card: int,
    blind_collect: bool,
    premoderation: bool,
) -> Workshop:
    """Change the workshop's options while it runs; dots already given stay where they are."""
    if max_dots_per_card > dot_budget:
        raise ServiceError(
            _l("Pro Karte können nicht mehr Punkte erlaubt sein als jede Person hat."), "invalid"
        )
    changes = apply_options(
        workshop,
        actor,
        dot_budget=dot_budget,
        max_dots_per_card=max_dots_per_card,
        blind_collect=blind_collect,
        premoderation=premoderation,
    )
    if not changes:
        raise ServiceError(_l("Daran ändert sich nichts."), "unchanged")
    return _commit(workshop)


def timer_state(workshop: Workshop) -> dict:
    """The timer as the screens show it; they count down from ``ends_at`` themselves."""
    if workshop.timer_ends_at is not None:
        left = (workshop.timer_ends_at - utcnow()).total_seconds()
        return {
            "state": "running",
            "ends_at": workshop.timer_ends_at.isoformat(),
            "remaining": max(0, round(left)),
            "duration": workshop.timer_duration,
        }
    if workshop.timer_remaining is not None:
        return {
            "state": "paused",
            "ends_at": None,
            "remaining": workshop.timer_remaining,
            "duration": workshop.timer_duration,
        }
    return {"state": "idle", "ends_at": None, "remaining": None, "duration": None}


def _seconds(seconds: int) -> int:
    if not isinstance(seconds, int) or not 1 <= seconds <= TIMER_MAX_SECONDS:
        raise ServiceError(_l("Die Zeit muss zwischen 1 Sekunde und 10 Stunden liegen."))
    return seconds


def timer(workshop: Workshop, actor: str, command: str, seconds: int = 0) -> Workshop:
    """Start, pause, resume, lengthen or clear the timer of the current step.

    :param command: ``start`` (``seconds`` from now), ``pause``, ``resume``,
        ``add`` (``seconds`` more, running or paused) or ``reset``.
    """
    state = timer_state(workshop)["state"]
    now = utcnow()
    if command == "start":
        workshop.timer_duration = _seconds(seconds)
        workshop.timer_ends_at = now + timedelta(seconds=seconds)
        workshop.timer_remaining = None
    elif command == "pause" and state == "running":
        left = max(0, round((workshop.timer_ends_at - now).total_seconds()))
        workshop.timer_ends_at, workshop.timer_remaining = None, left
    elif command == "resume" and state == "paused":
        workshop.timer_ends_at = now + timedelta(seconds=workshop.timer_remaining)
        workshop.timer_remaining = None
    elif command == "add" and state in ("running", "paused"):
        _seconds(seconds)
        if state == "running":
            base = max(workshop.timer_ends_at, now)
            workshop.timer_ends_at = base + timedelta(seconds=seconds)
        else:
            workshop.timer_remaining += seconds
        workshop.timer_duration = (workshop.timer_duration or 0) + seconds
    elif command == "reset" and state != "idle":
        workshop.timer_ends_at = workshop.timer_remaining = workshop.timer_duration = None
    else:
        raise ServiceError(_l("Das geht mit dem Timer gerade nicht."), "timer")
    log(workshop, actor, f"timer_{command}", seconds=seconds or None)
    return _commit(workshop)
