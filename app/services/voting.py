"""Dot voting: one budget per participant and workshop, enforced by the database."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.models import Card, CardStatus, Membership, Participant, Phase, Vote, Workshop
from app.services.board import require_membership
from app.services.errors import ServiceError


@dataclass(frozen=True)
class DotState:
    """What a participant's screens show of their own dots."""

    #: Dots per card this participant has given.
    votes: dict[str, int]
    dots_left: int

    def as_payload(self) -> dict:
        """Return the state as sent to the participant's screens."""
        return {"votes": self.votes, "dots_left": self.dots_left}


def dot_state(workshop: Workshop, participant: Participant) -> DotState:
    """Return the participant's dots in the workshop."""
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
    return DotState(
        votes={card_id: dots for card_id, dots in rows},
        dots_left=max(workshop.dot_budget - membership.dots_spent, 0),
    )


def _votable_card(workshop: Workshop, card_id: str) -> Card:
    if workshop.current_phase != Phase.VOTE:
        raise ServiceError(
            _l("Punkte können nur in der Abstimmungsphase vergeben werden."), "phase"
        )
    card = db.session.get(Card, card_id)
    if card is None or card.workshop_id != workshop.id or card.status != CardStatus.VISIBLE:
        raise ServiceError(_l("Diese Karte gibt es nicht (mehr)."), "not_found")
    return card


def cast_vote(workshop: Workshop, participant: Participant, *, card_id: str) -> DotState:
    """Put one dot on a card.

    Both limits are conditional UPDATEs, so two tabs voting at the same moment
    cannot overspend: the database re-checks the condition on the locked row.
    """
    card = _votable_card(workshop, card_id)
    membership = require_membership(workshop, participant)
    spent = db.session.execute(
        update(Membership)
        .where(Membership.id == membership.id, Membership.dots_spent < workshop.dot_budget)
        .values(dots_spent=Membership.dots_spent + 1)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        db.session.rollback()
        raise ServiceError(_l("Du hast alle deine Punkte vergeben."), "budget")
    placed = db.session.execute(
        update(Vote)
        .where(
            Vote.participant_id == participant.id,
            Vote.card_id == card.id,
            Vote.dots < workshop.max_dots_per_card,
        )
        .values(dots=Vote.dots + 1)
        .execution_options(synchronize_session=False)
    )
    if placed.rowcount != 1:
        already = db.session.scalar(
            select(Vote.id).filter_by(participant_id=participant.id, card_id=card.id)
        )
        if already is not None:
            db.session.rollback()
            raise ServiceError(
                _l(
                    "Auf eine Karte passen höchstens %(n)s Punkte.",
                    n=workshop.max_dots_per_card,
                ),
                "card_limit",
            )
        # The membership row is locked by the UPDATE above, so no other tab of
        # this participant can insert the same vote row concurrently.
        db.session.add(Vote(participant_id=participant.id, card_id=card.id, dots=1))
    db.session.commit()
    return dot_state(workshop, participant)


def take_back_vote(workshop: Workshop, participant: Participant, *, card_id: str) -> DotState:
    """Take one dot back from a card."""
    card = _votable_card(workshop, card_id)
    membership = require_membership(workshop, participant)
    # Membership first, as in cast_vote, so concurrent tabs lock rows in one order.
    refunded = db.session.execute(
        update(Membership)
        .where(Membership.id == membership.id, Membership.dots_spent > 0)
        .values(dots_spent=Membership.dots_spent - 1)
        .execution_options(synchronize_session=False)
    )
    removed = db.session.execute(
        update(Vote)
        .where(Vote.participant_id == participant.id, Vote.card_id == card.id, Vote.dots > 0)
        .values(dots=Vote.dots - 1)
        .execution_options(synchronize_session=False)
    )
    if refunded.rowcount != 1 or removed.rowcount != 1:
        db.session.rollback()
        raise ServiceError(_l("Auf dieser Karte hast du keinen Punkt."), "no_dot")
    db.session.commit()
    return dot_state(workshop, participant)
