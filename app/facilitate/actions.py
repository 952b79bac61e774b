"""What a facilitator does in the console, each written once for the HTTP forms and the socket."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import realtime
from app.actions import action
from app.extensions import db
from app.facilitate.forms import (
    CardForm,
    LinkForm,
    MergeForm,
    ModerateTextForm,
    OptionsForm,
    PaperCardForm,
    PaperDotsForm,
    PhaseForm,
    TimerForm,
    UndoForm,
)
from app.models import FacilitatorAccess, Workshop
from app.models.screens import Screen
from app.services import moderation, phases
from app.services.errors import ServiceError
from app.services.facts import next_seq
from app.services.snapshot import board_snapshot, card_for, workshop_payload


@dataclass
class ConsoleContext:
    """A facilitator running one workshop, as the entry point found them."""

    workshop: Workshop
    sid: str | None = None
    #: Name of the facilitator's access, as the moderation log shows it.
    actor: str = ""


def console_context(workshop_id: int, access_id: int, sid: str | None = None) -> ConsoleContext:
    """Load the workshop and check, at every command, that the facilitator's access is active."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise ServiceError(_l("Diesen Workshop gibt es nicht mehr."), "not_found")
    access = db.session.get(FacilitatorAccess, access_id)
    if access is None or access.workshop_id != workshop.id or not access.active:
        raise ServiceError(_l("Das dürfen nur Moderierende."), "forbidden")
    return ConsoleContext(workshop, sid, actor=access.name)


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _workshop_reply(ctx: ConsoleContext) -> dict:
    return {"workshop": workshop_payload(ctx.workshop)}


def _moderated(ctx: ConsoleContext, done: moderation.Moderated, *, new: bool = False) -> dict:
    """Tell every screen what a moderation step changed, show it in the log, and reply."""
    if len(done.cards) == 1 and not done.gone:
        [card] = done.cards
        (realtime.card_posted if new else realtime.card_edited)(card, ctx.workshop)
    elif done.cards or done.gone:
        if not done.cards and len(done.gone) == 1:
            realtime.publish(ctx.workshop, lambda screen: ("card_withdrawn", {"id": done.gone[0]}))
        else:
            realtime.cards_changed(ctx.workshop, done.cards, done.gone)
    if done.entry is not None:
        realtime.log_entry(ctx.workshop, done.entry)
    secret = _secret()
    return {
        "cards": [card_for(card, Screen.CONSOLE, ctx.workshop, secret) for card in done.cards],
        "gone": done.gone,
        "entry": moderation.entry_payload(done.entry) if done.entry else None,
    }


def _workshop_step(ctx: ConsoleContext, fact) -> dict:
    """Tell every screen how the workshop now stands, show the step in the log, and reply."""
    fact(ctx.workshop)
    entry = moderation.log_entries(ctx.workshop, limit=1)
    if entry:
        realtime.log_entry(ctx.workshop, entry[0])
    return _workshop_reply(ctx)


@action(PhaseForm, done=_l("Phase gewechselt."))
def set_phase(ctx: ConsoleContext, form) -> dict:
    """Switch the workshop's phase; every screen is told what the new phase shows."""
    phases.set_phase(ctx.workshop, form.phase.data, ctx.actor)
    return _workshop_step(ctx, realtime.phase_changed)


@action(OptionsForm, done=_l("Einstellungen gespeichert."))
def set_options(ctx: ConsoleContext, form) -> dict:
    """Change the dot budget, dots per card, blind collect or pre-moderation while it runs."""
    was_blind = bool(ctx.workshop.blind)
    phases.set_options(
        ctx.workshop,
        ctx.actor,
        dot_budget=form.dot_budget.data,
        max_dots_per_card=form.max_dots_per_card.data,
        blind_collect=bool(form.blind_collect.data),
        premoderation=bool(form.premoderation.data),
    )
    announce_options(ctx.workshop, was_blind)
    return _workshop_reply(ctx)


def announce_options(workshop, was_blind: bool) -> None:
    """Tell every screen a workshop's new options, from the console or the organizer's form.

    :param was_blind: whether the room's cards were blind before the change.
    """
    realtime.workshop_changed(workshop)
    entry = moderation.log_entries(workshop, limit=1)
    if entry:
        realtime.log_entry(workshop, entry[0])
    if bool(workshop.blind) != was_blind:
        # What the room may read changed for every card at once: screens fetch the board.
        _commit_reset(workshop)


def _commit_reset(workshop) -> None:
    """Number and send the fact that every screen must fetch the board anew."""
    next_seq(workshop)
    db.session.commit()
    realtime.cards_reset(workshop)


@action()
def reveal_cards(ctx: ConsoleContext, form) -> dict:
    """End a blind collect: every phone sees every card."""
    phases.reveal_cards(ctx.workshop, ctx.actor)
    reply = _workshop_step(ctx, realtime.workshop_changed)
    _commit_reset(ctx.workshop)
    return reply


@action(done=_l("Ergebnisse aufgedeckt."))
def reveal_results(ctx: ConsoleContext, form) -> dict:
    """Show the results to the room: the ranking on the projector, the totals on the phones."""
    phases.reveal_results(ctx.workshop, ctx.actor, shown=True)
    return _workshop_step(ctx, realtime.phase_changed)


@action(done=_l("Ergebnisse verdeckt."))
def hide_results(ctx: ConsoleContext, form) -> dict:
    """Hide the results from the room again."""
    phases.reveal_results(ctx.workshop, ctx.actor, shown=False)
    return _workshop_step(ctx, realtime.phase_changed)


def _timer(command: str):
    def run(ctx: ConsoleContext, form) -> dict:
        seconds = form.length() if form is not None else 0
        phases.timer(ctx.workshop, ctx.actor, command, seconds)
        return _workshop_step(ctx, realtime.workshop_changed)

    run.__doc__ = f"The timer: {command}."
    return action(TimerForm, name=f"timer_{command}")(run)


timer_start, timer_pause, timer_resume, timer_add, timer_reset = (
    _timer(command) for command in ("start", "pause", "resume", "add", "reset")
)


@action(CardForm)
def hide_card(ctx: ConsoleContext, form) -> dict:
    """Hide a card from every screen but the console."""
    return _moderated(ctx, moderation.hide_card(ctx.workshop, ctx.actor, form.id.data))


@action(CardForm)
def restore_card(ctx: ConsoleContext, form) -> dict:
    """Put a hidden card back on the board."""
    return _moderated(ctx, moderation.restore_card(ctx.workshop, ctx.actor, form.id.data))


@action(CardForm)
def approve_card(ctx: ConsoleContext, form) -> dict:
    """Let a card that waits for approval onto the board."""
    done = moderation.approve_card(ctx.workshop, ctx.actor, form.id.data)
    return _moderated(ctx, done, new=True)


@action(ModerateTextForm, name="edit_card")
def edit_card(ctx: ConsoleContext, form) -> dict:
    """Change a card's text; everyone sees that it was edited."""
    done = moderation.edit_card(ctx.workshop, ctx.actor, form.id.data, form.text.data)
    return _moderated(ctx, done)


@action(CardForm)
def pin_card(ctx: ConsoleContext, form) -> dict:
    """Pin a card to the top of its lane."""
    return _moderated(ctx, moderation.pin_card(ctx.workshop, ctx.actor, form.id.data, True))


@action(CardForm)
def unpin_card(ctx: ConsoleContext, form) -> dict:
    """Unpin a card."""
    return _moderated(ctx, moderation.pin_card(ctx.workshop, ctx.actor, form.id.data, False))


@action(LinkForm)
def link_card(ctx: ConsoleContext, form) -> dict:
    """Link a solution to a problem, or unlink it."""
    done = moderation.link_card(ctx.workshop, ctx.actor, form.id.data, form.answers.data or None)
    return _moderated(ctx, done)


@action(MergeForm)
def merge_cards(ctx: ConsoleContext, form) -> dict:
    """Merge duplicates into one card; dots and answers move with them."""
    done = moderation.merge_cards(ctx.workshop, ctx.actor, form.into.data, form.ids.data)
    return _moderated(ctx, done)


@action(PaperCardForm)
def paper_card(ctx: ConsoleContext, form) -> dict:
    """Type in a card written on paper."""
    done = moderation.paper_card(ctx.workshop, ctx.actor, **form.card_values())
    return _moderated(ctx, done, new=True)


@action(PaperDotsForm)
def paper_dots(ctx: ConsoleContext, form) -> dict:
    """Add dots counted on a paper poster (a negative number takes some back)."""
    done = moderation.paper_dots(ctx.workshop, ctx.actor, form.id.data, form.dots.data)
    return _moderated(ctx, done)


@action(UndoForm)
def undo(ctx: ConsoleContext, form) -> dict:
    """Take back one moderation step."""
    done = moderation.undo(ctx.workshop, ctx.actor, form.entry.data)
    return _moderated(ctx, done)


@action()
def log(ctx: ConsoleContext, form) -> dict:
    """Return the workshop's moderation log, newest first."""
    return {"entries": [moderation.entry_payload(e) for e in moderation.log_entries(ctx.workshop)]}


@action()
def sync(ctx: ConsoleContext, form) -> dict:
    """Return the board as the console shows it: all cards, with the dots per card."""
    board = board_snapshot(ctx.workshop, Screen.CONSOLE, _secret())
    board["phones"] = realtime.phones_connected(ctx.workshop.id)
    return {"board": board}


#: The console's commands.
ALL = (
    set_phase,
    set_options,
    reveal_cards,
    reveal_results,
    hide_results,
    timer_start,
    timer_pause,
    timer_resume,
    timer_add,
    timer_reset,
    hide_card,
    restore_card,
    approve_card,
    edit_card,
    pin_card,
    unpin_card,
    link_card,
    merge_cards,
    paper_card,
    paper_dots,
    undo,
    log,
    sync,
)

#: The console's actions by command name.
BY_NAME = {act.name: act for act in ALL}
