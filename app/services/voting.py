"""Dot voting: one budget per participant and workshop, enforced by the database."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Card, Membership, Participant, Vote, Workshop
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
# directly rather than ORM objects: the same SQL, without the ORM's bookkeeping.
_membership = Membership.__table__
_vote = Vote.__table__


def _votable_card(workshop: Workshop, card_id: str) -> str:
    if not workshop.voting:
        raise ServiceError(
            _l("Punkte können nur in der Abstimmungsphase vergeben werden."), "phase"
        )
    found = db.session.execute(
        select(Card.id).where(
            Card.id == card_id,
            Card.workshop_id == workshop.id,
            Card.on_board,
        )
    ).scalar_one_or_none()
    if found is None:
        raise ServiceError(_l("Diese Karte gibt es nicht (mehr)."), "not_found")
    return found


def _refuse(workshop: Workshop, participant: Participant | Voter, message, code: str):
    """Roll back, then explain: not a member at all, or the given reason."""
    db.session.rollback()
    require_membership(workshop, participant)
    raise ServiceError(message, code)


def cast_vote(
    workshop: Workshop, participant: Participant | Voter, *, card_id: str
) -> DotChange:
    """Put one dot on a card.

    Both limits are conditional UPDATEs: the database re-checks the condition
    on the row it locks, so two tabs voting at the same moment cannot
    overspend. The membership row is always locked first.
    """
    card_id = _votable_card(workshop, card_id)
    budget, per_card = workshop.dot_budget, workshop.max_dots_per_card
    spent = db.session.execute(
        _membership.update()
        .where(
            _membership.c.participant_id == participant.id,
            _membership.c.workshop_id == workshop.id,
            _membership.c.dots_spent < budget,
        )
        .values(dots_spent=_membership.c.dots_spent + 1)
        .returning(_membership.c.dots_spent)
    ).scalar_one_or_none()
    if spent is None:
        _refuse(workshop, participant, _l("Du hast alle deine Punkte vergeben."), "budget")
    mine = (_vote.c.participant_id == participant.id) & (_vote.c.card_id == card_id)
    dots = db.session.execute(
        _vote.update()
        .where(mine, _vote.c.dots < per_card)
        .values(dots=_vote.c.dots + 1)
        .returning(_vote.c.dots)
    ).scalar_one_or_none()
    if dots is None:
        already = db.session.execute(select(_vote.c.id).where(mine)).scalar_one_or_none()
        if already is not None:
            _refuse(
                workshop,
                participant,
                _l("Auf eine Karte passen höchstens %(n)s Punkte.", n=per_card),
                "card_limit",
            )
        # No other tab of this participant can insert the same row meanwhile:
        # the membership row stays locked by the UPDATE above until commit.
        db.session.execute(
            _vote.insert().values(participant_id=participant.id, card_id=card_id, dots=1)
        )
        dots = 1
    db.session.commit()
    return DotChange(card_id, dots, budget - spent)


def take_back_vote(
    workshop: Workshop, participant: Participant | Voter, *, card_id: str
) -> DotChange:
    """Take one dot back from a card."""
    card_id = _votable_card(workshop, card_id)
    budget = workshop.dot_budget
    spent = db.session.execute(
        _membership.update()
        .where(
            _membership.c.participant_id == participant.id,
            _membership.c.workshop_id == workshop.id,
            _membership.c.dots_spent > 0,
        )
        .values(dots_spent=_membership.c.dots_spent - 1)
        .returning(_membership.c.dots_spent)
    ).scalar_one_or_none()
    dots = None
    if spent is not None:
        dots = db.session.execute(
            _vote.update()
            .where(
                _vote.c.participant_id == participant.id,
                _vote.c.card_id == card_id,
                _vote.c.dots > 0,
            )
            .values(dots=_vote.c.dots - 1)
            .returning(_vote.c.dots)
        ).scalar_one_or_none()
    if dots is None:
        _refuse(workshop, participant, _l("Auf dieser Karte hast du keinen Punkt."), "no_dot")
    db.session.commit()
    return DotChange(card_id, dots, budget - spent)
