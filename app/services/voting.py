"""Dot voting: one budget per participant and workshop, enforced by the database."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, literal_column, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Card, Membership, Participant, Vote, Workshop
from app.models.event import VOTING_PHASES
from app.services.board import require_membership
from app.services.errors import ServiceError


@dataclass(frozen=True)
class Voter:
    """Who puts a dot on a card: all this service needs to know of a participant."""

    id: str


@dataclass(frozen=True)
class DotChange:
    """The result of one dot given or taken back: what the participant's screens update."""

    card_id: str
    #: This participant's dots on the card now.
    dots: int
    dots_left: int

    def as_payload(self) -> dict:
        """Return the change as sent to the participant's screens."""
        return {"card": self.card_id, "dots": self.dots, "dots_left": self.dots_left}


def my_votes(workshop: Workshop, participant: Participant) -> dict:
    """Return the participant's dots per card and the dots they have left."""
    membership = require_membership(workshop, participant)
    rows = db.session.execute(
        select(Vote.card_id, Vote.dots)
        .join(Card, Card.id == Vote.card_id)
        .where(
            Vote.participant_id == participant.id,
            Card.workshop_id == workshop.id,
            Vote.dots > 0,
        )
    )
    return {
        "votes": {card_id: dots for card_id, dots in rows},
        "dots_left": max(workshop.dot_budget - membership.dots_spent, 0),
    }


# Votes are the hottest path (a whole room at once), so they use the tables
# directly rather than ORM objects, with statements built once, and load no
# workshop: the phase, the budget and the per-card limit are read by the
# statement that spends the dot, from the workshop's row, so no stale copy of
# them can let a dot through. Only a refusal loads the workshop, to say why.
_membership = Membership.__table__
_vote = Vote.__table__
_P, _W, _C = bindparam("participant"), bindparam("workshop"), bindparam("card")


# The voting phases as SQL literals: an IN with a parameter list is expanded anew
# for every execution, which on this path costs more than the statement.
_VOTING = or_(*(Workshop.phase == literal_column(f"'{p.value}'") for p in sorted(VOTING_PHASES)))


def _open_workshop(column):
    """The workshop's ``column`` while it is in a voting phase, else NULL (no row matches)."""
    return select(column).where(Workshop.id == _W, _VOTING).scalar_subquery()


_card_on_board = (
    select(Card.id).where(Card.id == _C, Card.workshop_id == _W, Card.on_board).exists()
)
_mine = (_membership.c.participant_id == _P) & (_membership.c.workshop_id == _W)
_my_vote = (_vote.c.participant_id == _P) & (_vote.c.card_id == _C)

_SPEND = (
    _membership.update()
    .where(_mine, _membership.c.dots_spent < _open_workshop(Workshop.dot_budget), _card_on_board)
    .values(dots_spent=_membership.c.dots_spent + 1)
    .returning(_membership.c.dots_spent, _open_workshop(Workshop.dot_budget))
)


def _add_dot(insert):
    """One dot more on the card: a new vote row, or one more on it within the per-card limit.

    One statement (an upsert) for both; no row comes back when the card is full.
    """
    statement = insert(_vote).values(participant_id=_P, card_id=_C, dots=1)
    return statement.on_conflict_do_update(
        index_elements=[_vote.c.participant_id, _vote.c.card_id],
        set_={"dots": _vote.c.dots + 1},
        where=_vote.c.dots < _open_workshop(Workshop.max_dots_per_card),
    ).returning(_vote.c.dots)


_ADD_DOT = {"sqlite": _add_dot(sqlite_insert), "postgresql": _add_dot(postgresql_insert)}
_REFUND = (
    _membership.update()
    .where(_mine, _membership.c.dots_spent > 0, _open_workshop(Workshop.id) == _W, _card_on_board)
    .values(dots_spent=_membership.c.dots_spent - 1)
    .returning(_membership.c.dots_spent, _open_workshop(Workshop.dot_budget))
)
_REMOVE_DOT = (
    _vote.update()
    .where(_my_vote, _vote.c.dots > 0)
    .values(dots=_vote.c.dots - 1)
    .returning(_vote.c.dots)
)


def _workshop_id(workshop: Workshop | int) -> int:
    return workshop if isinstance(workshop, int) else workshop.id


def _refuse(workshop: Workshop | int, participant: Participant | Voter, card_id, message, code):
    """Undo the command's writes, then say why: the first rule the vote broke, in this order."""
    db.session.rollback()
    found = db.session.get(Workshop, _workshop_id(workshop))
    if found is None:
        raise ServiceError(_l("Diesen Workshop gibt es nicht mehr."), "not_found")
    if not found.voting:
        raise ServiceError(
            _l("Punkte können nur in der Abstimmungsphase vergeben werden."), "phase"
        )
    card = db.session.execute(
        select(Card.id).where(Card.id == card_id, Card.workshop_id == found.id, Card.on_board)
    ).scalar_one_or_none()
    if card is None:
        raise ServiceError(_l("Diese Karte gibt es nicht (mehr)."), "not_found")
    require_membership(found, participant)
    if callable(message):
        message = message(found)
    raise ServiceError(message, code)


def cast_vote(
    workshop: Workshop | int, participant: Participant | Voter, *, card_id: str
) -> DotChange:
    """Put one dot on a card.

    Both limits are conditional UPDATEs: the database re-checks the condition
    on the row it locks, so two tabs voting at the same moment cannot
    overspend. The membership row is always locked first.
    """
    params = {"participant": participant.id, "workshop": _workshop_id(workshop), "card": card_id}
    connection = db.session.connection()
    spent = connection.execute(_SPEND, params).one_or_none()
    if spent is None:
        _refuse(workshop, participant, card_id, _l("Du hast alle deine Punkte vergeben."), "budget")
    dots = connection.execute(_ADD_DOT[connection.dialect.name], params).scalar_one_or_none()
    if dots is None:
        _refuse(
            workshop,
            participant,
            card_id,
            lambda found: _l(
                "Auf eine Karte passen höchstens %(n)s Punkte.", n=found.max_dots_per_card
            ),
            "card_limit",
        )
    db.session.commit()
    return DotChange(card_id, dots, spent[1] - spent[0])


def take_back_vote(
    workshop: Workshop | int, participant: Participant | Voter, *, card_id: str
) -> DotChange:
    """Take one dot back from a card."""
    params = {"participant": participant.id, "workshop": _workshop_id(workshop), "card": card_id}
    connection = db.session.connection()
    spent = connection.execute(_REFUND, params).one_or_none()
    dots = None
    if spent is not None:
        dots = connection.execute(_REMOVE_DOT, params).scalar_one_or_none()
    if dots is None:
        _refuse(
            workshop, participant, card_id, _l("Auf dieser Karte hast du keinen Punkt."), "no_dot"
        )
    db.session.commit()
    return DotChange(card_id, dots, spent[1] - spent[0])
