"""What a participant does on the board, each written once for the HTTP forms and the socket."""

from dataclasses import dataclass
from functools import cached_property

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import realtime
from app.actions import action
from app.extensions import db
from app.models import Participant, Workshop
from app.models.screens import Screen
from app.participant.forms import CardRefForm, EditCardForm, PostCardForm
from app.services import board, voting
from app.services.errors import ServiceError
from app.services.snapshot import board_snapshot


@dataclass
class BoardContext:
    """A participant at one workshop's board, as the entry point found them.

    Only the ids are known at first: a command loads the workshop and the
    participant when it needs them. A vote needs neither, since its
    statement reads the phase and the budget from the workshop's row.
    """

    workshop_id: int
    participant_id: str
    #: The socket the command came from, None for a form; its own reply tells it the news.
    sid: str | None = None

    @cached_property
    def workshop(self) -> Workshop:
        """The workshop, loaded for this command when it is first needed."""
        workshop = db.session.get(Workshop, self.workshop_id)
        if workshop is None:
            raise ServiceError(_l("Diesen Workshop gibt es nicht mehr."), "not_found")
        return workshop

    @cached_property
    def participant(self) -> Participant:
        """The participant, loaded when a command needs more than their id."""
        participant = db.session.get(Participant, self.participant_id)
        if participant is None:
            raise ServiceError(_l("Diesen Workshop gibt es nicht mehr."), "not_found")
        return participant

    @property
    def voter(self) -> voting.Voter:
        """The participant as the vote service knows them: by id, with no query."""
        return voting.Voter(self.participant_id)

    @classmethod
    def of(cls, workshop: Workshop, participant: Participant, sid=None) -> "BoardContext":
        """A context for a workshop and participant the entry point has loaded already."""
        ctx = cls(workshop.id, participant.id, sid)
        ctx.__dict__["workshop"] = workshop
        ctx.__dict__["participant"] = participant
        return ctx

    @property
    def secret(self) -> str:
        return current_app.config["SECRET_KEY"]


def board_context(workshop_id: int, participant_id: str, sid: str | None = None) -> BoardContext:
    """The context of a socket command: ids only, nothing loaded until a command needs it.

    That the participant is still a member is checked by every board service
    in the statement that does the work (a vote's conditional UPDATE of the
    membership, say): a whole room votes through here, so no query is spent twice.
    """
    return BoardContext(workshop_id, participant_id, sid)


def _card_reply(ctx: BoardContext, card) -> dict:
    return {"card": board.card_payload(card, ctx.secret)}


@action(PostCardForm, done=_l("Deine Karte hängt am Board."))
def post_card(ctx: BoardContext, form) -> dict:
    """Post a card; a resend of the same id is acknowledged without a second card."""
    card, created = board.post_card(ctx.workshop, ctx.participant, **form.card_values())
    if created:
        realtime.card_posted(card, ctx.workshop)
    return _card_reply(ctx, card)


@action(EditCardForm)
def edit_card(ctx: BoardContext, form) -> dict:
    """Change the text of one's own card."""
    card = board.edit_card(ctx.workshop, ctx.participant, **form.card_values())
    realtime.card_edited(card, ctx.workshop)
    return _card_reply(ctx, card)


@action(CardRefForm)
def withdraw_card(ctx: BoardContext, form) -> dict:
    """Take one's own card off the board."""
    card = board.withdraw_card(ctx.workshop, ctx.participant, card_id=form.id.data)
    realtime.card_withdrawn(card, ctx.workshop)
    return {"id": card.id}


def _dots(ctx: BoardContext, change) -> dict:
    payload = change.as_payload()
    realtime.dots_changed(ctx.participant_id, ctx.workshop_id, payload, skip_sid=ctx.sid)
    return payload


@action(CardRefForm)
def cast_vote(ctx: BoardContext, form) -> dict:
    """Put a dot on a card."""
    return _dots(ctx, voting.cast_vote(ctx.workshop_id, ctx.voter, card_id=form.id.data))


@action(CardRefForm)
def take_back_vote(ctx: BoardContext, form) -> dict:
    """Take a dot back from a card."""
    return _dots(ctx, voting.take_back_vote(ctx.workshop_id, ctx.voter, card_id=form.id.data))


@action()
def sync(ctx: BoardContext, form) -> dict:
    """Return the board as this phone shows it; asked on every (re)connect and after a gap."""
    return {"board": board_snapshot(ctx.workshop, Screen.PHONE, ctx.secret, ctx.participant)}


#: The board's commands, offered over the socket; the forms offer all but ``sync``.
ALL = (post_card, edit_card, withdraw_card, cast_vote, take_back_vote, sync)
