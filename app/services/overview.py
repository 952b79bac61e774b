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
    members = dict(
        db.session.execute(
            select(Membership.workshop_id, func.count(Membership.id))
            .join(Workshop, Workshop.id == Membership.workshop_id)
            .where(Workshop.event_id == event_id)
            .group_by(Membership.workshop_id)
        ).all()
    )
    dots = dict(
        db.session.execute(
            select(Membership.workshop_id, func.coalesce(func.sum(Membership.dots_spent), 0))
            .join(Workshop, Workshop.id == Membership.workshop_id)
            .where(Workshop.event_id == event_id)
            .group_by(Membership.workshop_id)
        ).all()
    )
    cards = dict(
        db.session.execute(
            select(Card.workshop_id, func.count(Card.id))
            .join(Workshop, Workshop.id == Card.workshop_id)
            .where(Workshop.event_id == event_id, Card.on_board)
            .group_by(Card.workshop_id)
        ).all()
    )
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
