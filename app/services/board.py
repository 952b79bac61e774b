"""Posting, editing and withdrawing cards, and the board state each screen is built from."""

import hashlib
import hmac

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Card, CardKind, CardStatus, Membership, Participant, Vote, Workshop
from app.models._types import utcnow
from app.services.errors import ServiceError
from app.services.facts import next_seq

#: Cards their author may still change: on the board, or waiting for approval.
OWN_CHANGEABLE = frozenset({CardStatus.VISIBLE, CardStatus.PENDING})


def author_key(secret: str, participant_id: str, workshop_id: int) -> str:
    """Return a per-workshop pseudonym that lets a phone recognise its own cards.

    Other phones see it too, but it does not link a person's cards across workshops.
    """
    msg = f"{participant_id}:{workshop_id}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()[:16]


def require_membership(workshop: Workshop, participant: Participant | None) -> Membership:
    """Return the participant's membership in the workshop, or refuse."""
    membership = None
    if participant is not None:
        membership = db.session.scalar(
            select(Membership).filter_by(participant_id=participant.id, workshop_id=workshop.id)
        )
    if membership is None:
        raise ServiceError(_l("Bitte tritt dem Workshop zuerst bei."), "not_member")
    return membership


def _own_card(workshop: Workshop, participant: Participant, card_id: str) -> Card:
    card = db.session.get(Card, card_id)
    if card is None or card.workshop_id != workshop.id or card.status not in OWN_CHANGEABLE:
        raise ServiceError(_l("Diese Karte gibt es nicht (mehr)."), "not_found")
    if card.author_id != participant.id:
        raise ServiceError(_l("Du kannst nur deine eigenen Karten ändern."), "forbidden")
    return card


def _require_collecting(workshop: Workshop) -> None:
    if not workshop.collecting:
        raise ServiceError(
            _l("Karten können nur in der Sammelphase geschrieben oder geändert werden."), "phase"
        )


def _answered_problem(workshop: Workshop, kind: str, answers_id: str | None) -> str | None:
    if not answers_id:
        return None
    if kind != CardKind.SOLUTION:
        raise ServiceError(_l("Nur eine Lösung kann auf ein Problem antworten."))
    problem = db.session.get(Card, answers_id)
    if (
        problem is None
        or problem.workshop_id != workshop.id
        or problem.kind != CardKind.PROBLEM
        or not problem.on_board
    ):
        raise ServiceError(_l("Das Problem, auf das du antwortest, gibt es nicht (mehr)."))
    return problem.id


def post_card(
    workshop: Workshop,
    participant: Participant,
    *,
    card_id: str,
    kind: str,
    text: str,
    answers_id: str | None = None,
) -> tuple[Card, bool]:
    """Put a new card on the board; sending the same card again returns it unchanged.

    :param card_id: UUID made by the phone, so a resend after a lost reply is recognised.
    :return: the card and whether it was created now.
    """
    existing = db.session.get(Card, card_id)
    if existing is not None:
        return _same_card(existing, workshop, participant), False
    require_membership(workshop, participant)
    _require_collecting(workshop)
    card = Card(
        id=card_id,
        workshop_id=workshop.id,
        author_id=participant.id,
        kind=CardKind(kind).value,
        text=text,
        answers_id=_answered_problem(workshop, kind, answers_id),
        status=CardStatus.PENDING if workshop.premoderation else CardStatus.VISIBLE,
    )
    db.session.add(card)
    try:
        db.session.flush()
        next_seq(workshop)
        db.session.commit()
    except IntegrityError:
        # The same card arrived twice at once (two tabs, a resend racing its original).
        db.session.rollback()
        existing = db.session.get(Card, card_id)
        if existing is None:
            raise
        return _same_card(existing, workshop, participant), False
    return card, True


def _same_card(existing: Card, workshop: Workshop, participant: Participant) -> Card:
    if existing.workshop_id != workshop.id or existing.author_id != participant.id:
        raise ServiceError(_l("Diese Karten-ID ist schon vergeben."), "conflict")
    return existing


def edit_card(
    workshop: Workshop,
    participant: Participant,
    *,
    card_id: str,
    text: str,
    answers_id: str | None = None,
) -> Card:
    """Change the text (and the answered problem) of one's own card while collecting."""
    card = _own_card(workshop, participant, card_id)
    _require_collecting(workshop)
    if answers_id == card.id:
        raise ServiceError(_l("Eine Karte kann nicht auf sich selbst antworten."))
    card.answers_id = _answered_problem(workshop, card.kind, answers_id)
    if text != card.text:
        card.text = text
        card.edited_at = utcnow()
    next_seq(workshop)
    db.session.commit()
    return card


def withdraw_card(workshop: Workshop, participant: Participant, *, card_id: str) -> Card:
    """Take one's own card off the board while collecting; dots on it go back to their owners."""
    card = _own_card(workshop, participant, card_id)
    _require_collecting(workshop)
    refund_votes(card)
    card.status = CardStatus.WITHDRAWN.value
    db.session.execute(
        Card.__table__.update().where(Card.answers_id == card.id).values(answers_id=None)
    )
    next_seq(workshop)
    db.session.commit()
    return card


def refund_votes(card: Card) -> None:
    """Give the dots on a card back to the people who spent them (caller commits).

    Two statements however many people voted for the card.
    """
    membership, vote = Membership.__table__, Vote.__table__
    dots_on_card = (
        select(vote.c.dots)
        .where(vote.c.card_id == card.id, vote.c.participant_id == membership.c.participant_id)
        .scalar_subquery()
    )
    db.session.execute(
        membership.update()
        .where(
            membership.c.workshop_id == card.workshop_id,
            membership.c.participant_id.in_(
                select(vote.c.participant_id).where(vote.c.card_id == card.id)
            ),
        )
        .values(dots_spent=membership.c.dots_spent - dots_on_card)
    )
    db.session.execute(vote.delete().where(vote.c.card_id == card.id))


def visible_cards(workshop: Workshop) -> list[Card]:
    """Return the cards on the board, oldest first."""
    return list(
        db.session.scalars(
            select(Card)
            .options(joinedload(Card.author))
            .where(Card.workshop_id == workshop.id, Card.on_board)
            .order_by(Card.created_at, Card.id)
        )
    )


def dot_totals(workshop: Workshop) -> dict[str, int]:
    """Return the dots per card on the board, from phones and from paper (none: left out)."""
    rows = db.session.execute(
        select(Vote.card_id, func.sum(Vote.dots))
        .join(Card, Card.id == Vote.card_id)
        .where(Card.workshop_id == workshop.id, Card.on_board)
        .group_by(Vote.card_id)
    )
    totals = {card_id: int(total) for card_id, total in rows if total}
    paper = db.session.execute(
        select(Card.id, Card.paper_dots).where(
            Card.workshop_id == workshop.id, Card.on_board, Card.paper_dots > 0
        )
    )
    for card_id, dots in paper:
        totals[card_id] = totals.get(card_id, 0) + dots
    return totals


def cards_in(workshop: Workshop, statuses) -> list[Card]:
    """Return the workshop's cards in the given statuses, oldest first."""
    return list(
        db.session.scalars(
            select(Card)
            .options(joinedload(Card.author))
            .where(Card.workshop_id == workshop.id, Card.status.in_(list(statuses)))
            .order_by(Card.created_at, Card.id)
        )
    )


def card_payload(card: Card, secret: str) -> dict:
    """Return what a screen that may read the card shows of it."""
    author = card.author
    return {
        "id": card.id,
        "kind": card.kind,
        "text": card.text,
        "answers": card.answers_id,
        "author_name": author.display_name if author else "",
        "author_group": author.group_key if author else None,
        "author_key": author_key(secret, author.id, card.workshop_id) if author else None,
        "created_at": card.created_at.isoformat(),
        "edited": card.edited_at is not None or card.moderated_at is not None,
        "moderated": card.moderated_at is not None,
        "status": card.status.value if isinstance(card.status, CardStatus) else card.status,
        "pinned": bool(card.pinned),
        "paper": bool(card.paper),
    }


def blind_payload(card: Card, secret: str) -> dict:
    """Return what the room may know of a card during a blind collect: that it is there.

    Not even whose it is: a phone knows its own cards in full already.
    """
    return {
        "id": card.id,
        "kind": card.kind,
        "text": "",
        "answers": None,
        "author_name": "",
        "author_group": None,
        "author_key": None,
        "created_at": card.created_at.isoformat(),
        "edited": False,
        "moderated": False,
        "status": "visible",
        "pinned": bool(card.pinned),
        "paper": bool(card.paper),
        "blind": True,
    }
