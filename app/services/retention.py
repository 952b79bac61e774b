"""Retention: an event's data are deleted for good when its period ends or an organizer says so."""

from datetime import date

from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import Event, Vote
from app.services.exports.jobs import clean_exports
from app.services.exports.scope import PURGED_TABLES, votes_of


def _where(spec, event_id: int):
    return votes_of(event_id) if spec.model is Vote else spec.rows_of(event_id)


def purge_plan(event_id: int) -> dict[str, int]:
    """Return how many rows of each table purging the event would delete (nothing is deleted)."""
    return {
        spec.name: db.session.scalar(
            select(func.count()).select_from(spec.table).where(_where(spec, event_id))
        )
        for spec in PURGED_TABLES
    }


def purge_event(event_id: int) -> dict[str, int]:
    """Delete the event and every row of it, in one transaction; other events are not touched.

    :return: the rows deleted per table.
    """
    counts = purge_plan(event_id)
    # Children first, so that the result does not depend on the database enforcing cascades.
    for spec in reversed(PURGED_TABLES):
        db.session.execute(delete(spec.table).where(_where(spec, event_id)))
    db.session.commit()
    db.session.expunge_all()
    clean_exports(event_id=event_id)
    return counts


def expired_events(today: date) -> list[Event]:
    """Return the events whose retention period ended before ``today``."""
    events = db.session.scalars(select(Event).order_by(Event.id)).all()
    return [event for event in events if event.retention_ends < today]


def purge_expired(today: date) -> list[tuple[str, dict[str, int]]]:
    """Delete every event past its retention period; return each one's slug and counts."""
    done = []
    for event_id, slug in [(event.id, event.slug) for event in expired_events(today)]:
        done.append((slug, purge_event(event_id)))
    return done
