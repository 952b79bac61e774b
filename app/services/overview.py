"""The state of every workshop of an event at a glance: for the event-wide screens."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, Membership, Workshop


def event_overview(event_id: int, phones_connected) -> list[dict]:
    """Return each workshop of the event with its phase and counts, in programme order.

    :param phones_connected: ``phones_connected(workshop_id) -> int``, from the presence seam.
    """
    workshops = db.session.scalars(
        select(Workshop).where(Workshop.event_id == event_id).order_by(Workshop.position)
    ).all()
    in_event = Workshop.event_id == event_id
    members = _per_workshop(Membership.workshop_id, func.count(Membership.id), in_event)
    dots = _per_workshop(
        Membership.workshop_id, func.coalesce(func.sum(Membership.dots_spent), 0), in_event
    )
    cards = _per_workshop(Card.workshop_id, func.count(Card.id), in_event, Card.on_board)
    return [
        {
            "code": workshop.short_code,
            "title": workshop.title,
            "phase": workshop.phase,
            "members": members.get(workshop.id, 0),
            "phones": phones_connected(workshop.id),
            "cards": cards.get(workshop.id, 0),
            "dots_given": int(dots.get(workshop.id, 0)),
        }
        for workshop in workshops
    ]


def _per_workshop(workshop_column, value, *where) -> dict:
    """Return ``value`` per workshop id, for the workshops matching ``where``."""
    return dict(
        db.session.execute(
            select(workshop_column, value)
            .join(Workshop, Workshop.id == workshop_column)
            .where(*where)
            .group_by(workshop_column)
        ).all()
    )
