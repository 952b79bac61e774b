"""What facilitators do on the synthesis board, each written once; the /event area offers them.

The context is the event's id (``app.organize.sockets.context`` checked the
facilitator's access). Every change is told to all event-wide screens of the
event, so several facilitators see each other's steps live.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import jobs, realtime
from app.actions import Action, action
from app.extensions import db
from app.models import Event, Workshop
from app.organize.forms import (
    CreateNeedForm,
    DismissSuggestionForm,
    MergeNeedsForm,
    NeedCardsForm,
    NeedForm,
    RenameNeedForm,
    SplitNeedForm,
    SuggestionsForm,
    SynthesisUndoForm,
    UpdateNeedForm,
)
from app.organize.synthesis_forms import PutToVoteForm
from app.services import needs
from app.services.errors import ServiceError
from app.services.overview import event_overview
from app.synthesis.scheduling import schedule_embedding


def _event(event_id: int) -> Event:
    return db.session.get(Event, event_id)


def _changed(event_id: int, done: needs.Changed) -> dict:
    """Tell every event-wide screen what a step changed, and reply with it."""
    view = needs.SynthesisView(event_id)
    payloads = [view.need_payload(need) for need in done.needs]
    for payload in payloads:
        realtime.need_changed(event_id, payload)
    for need_id in done.gone:
        realtime.need_deleted(event_id, need_id)
    entry = needs.entry_payload(done.entry) if done.entry is not None else None
    if entry is not None:
        realtime.synthesis_logged(event_id, entry)
    _tell_vote_boards(done)
    return {"needs": payloads, "gone": done.gone, "entry": entry}


def _tell_vote_boards(done: needs.Changed) -> None:
    """Show the vote cards a step made or changed on their workshop's screens, one fact each."""
    by_workshop: dict[int, tuple[list, list]] = {}
    for card in done.posted + done.cards:
        shown, gone = by_workshop.setdefault(card.workshop_id, ([], []))
        (shown if card.on_board else gone).append(card if card.on_board else card.id)
    for workshop_id, (shown, gone) in by_workshop.items():
        realtime.cards_changed(db.session.get(Workshop, workshop_id), shown, gone)


def _job_args(event_id: int, **more) -> dict:
    """The arguments of a suggestion job: the event and this app's encoder settings."""
    config = current_app.config
    return {
        "event_id": event_id,
        "encoder": config["SYNTHESIS_ENCODER"],
        "blend_weight": float(config["SYNTHESIS_BLEND_WEIGHT"]),
        **more,
    }


def _notify(event_id: int):
    return realtime.job_notifier(realtime.EVENT_NAMESPACE, realtime.event_room(event_id))


class WatchingOnly(int):
    """The event's id as the synthesis projector holds it: it may look, not change."""


#: The commands that only read; every other one is refused to a projector.
READ_ONLY = ("sync", "synth_sync", "synth_cards")


def _refuse_watchers(act: Action) -> Action:
    """The action, refused before anything else when the context may only watch."""
    if act.name in READ_ONLY:
        return act

    def run(event_id, form):
        if isinstance(event_id, WatchingOnly):
            raise ServiceError(_l("Die Projektor-Ansicht kann nichts ändern."), "forbidden")
        return act.run(event_id, form)

    return Action(act.name, act.form, run, act.done)


@action()
def sync(event_id: int, form) -> dict:
    """Return every workshop of the event with its phase and counts."""
    return {"event": {"workshops": event_overview(event_id, realtime.phones_connected)}}


@action()
def synth_sync(event_id: int, form) -> dict:
    """Return the synthesis board: every card on a board of the week, the needs, the matrix.

    With a sentence encoder it also queues the embedding of cards that have no vector
    yet, so the first suggestions need not wait for it.
    """
    view = needs.SynthesisView(event_id)
    all_needs = needs.event_needs(event_id)
    schedule_embedding(event_id)
    return {
        "synthesis": {
            "workshops": [{"id": w, "title": t} for w, t in view.workshops.items()],
            "cards": [card.payload(view.workshops) for card in view.cards.values()],
            "needs": [view.need_payload(need) for need in all_needs],
            "matrix": view.matrix(all_needs),
        }
    }


@action()
def synth_cards(event_id: int, form) -> dict:
    """Return the cards of the week and the needs as they now stand, after cards changed.

    The board asks for it when ``synth_cards_changed`` arrives, which can be a few
    times a second while a room posts: unlike ``synth_sync`` it leaves out the
    matrix (the board draws its own) and queues no embedding job.
    """
    view = needs.SynthesisView(event_id)
    return {
        "synthesis": {
            "workshops": [{"id": w, "title": t} for w, t in view.workshops.items()],
            "cards": [card.payload(view.workshops) for card in view.cards.values()],
            "needs": [view.need_payload(need) for need in needs.event_needs(event_id)],
        }
    }


@action(CreateNeedForm)
def create_need(event_id: int, form) -> dict:
    """Make a new need, with the cards it starts with."""
    done = needs.create_need(_event(event_id), form.title.data, form.cards.data or ())
    return _changed(event_id, done)


@action(RenameNeedForm)
def rename_need(event_id: int, form) -> dict:
    """Rename a need; a rename on a stale view is refused with the need as it is now."""
    done = needs.rename_need(_event(event_id), form.need.data, form.title.data, form.version.data)
    return _changed(event_id, done)


@action(UpdateNeedForm)
def update_need(event_id: int, form) -> dict:
    """Make a need concrete: what is needed, by whom, first steps, priority."""
    done = needs.update_need(
        _event(event_id),
        form.need.data,
        what=form.what.data or "",
        actors=form.actors.data or "",
        first_steps=form.first_steps.data or "",
        priority=form.priority.data,
        version=form.version.data,
    )
    return _changed(event_id, done)


@action(NeedCardsForm)
def add_cards(event_id: int, form) -> dict:
    """Put cards into a need."""
    return _changed(event_id, needs.add_cards(_event(event_id), form.need.data, form.cards.data))


@action(NeedCardsForm)
def remove_cards(event_id: int, form) -> dict:
    """Take cards out of a need."""
    done = needs.remove_cards(_event(event_id), form.need.data, form.cards.data)
    return _changed(event_id, done)


@action(MergeNeedsForm)
def merge_needs(event_id: int, form) -> dict:
    """Merge needs into one: their cards move, the others are deleted."""
    done = needs.merge_needs(_event(event_id), form.into.data, form.others.data)
    return _changed(event_id, done)


@action(SplitNeedForm)
def split_need(event_id: int, form) -> dict:
    """Move some cards of a need into a new need."""
    done = needs.split_need(_event(event_id), form.need.data, form.cards.data, form.title.data)
    return _changed(event_id, done)


@action(NeedForm)
def delete_need(event_id: int, form) -> dict:
    """Delete a need; its cards stay on their boards."""
    return _changed(event_id, needs.delete_need(_event(event_id), form.need.data))


@action(SynthesisUndoForm)
def undo(event_id: int, form) -> dict:
    """Take back one step of the synthesis board."""
    return _changed(event_id, needs.undo(_event(event_id), form.entry.data))


@action(PutToVoteForm)
def put_to_vote(event_id: int, form) -> dict:
    """Put every need on the closing meeting's board as a card to dot-vote on."""
    return _changed(event_id, needs.put_to_vote(_event(event_id), form.workshop.data))


@action(DismissSuggestionForm)
def dismiss_suggestion(event_id: int, form) -> dict:
    """Dismiss a suggested group of cards: it is not suggested again."""
    return {"key": needs.dismiss_suggestion(_event(event_id), form.cards.data)}


@action(SuggestionsForm)
def request_suggestions(event_id: int, form) -> dict:
    """Start computing suggestions; progress and result reach the event's screens as ``job``."""
    need_id = form.need.data if form is not None else None
    job = jobs.submit(
        "suggestions",
        "app.synthesis.jobs:suggest",
        _job_args(event_id, need_id=need_id),
        notify=_notify(event_id),
    )
    return {"job": job}


#: The commands of the event-wide area.
ALL = tuple(
    _refuse_watchers(act)
    for act in (
        sync,
        synth_sync,
        synth_cards,
        create_need,
        rename_need,
        update_need,
        add_cards,
        remove_cards,
        merge_needs,
        split_need,
        delete_need,
        undo,
        put_to_vote,
        dismiss_suggestion,
        request_suggestions,
    )
)
