"""The state of every workshop of an event at a glance: for the event-wide screens."""

from datetime import datetime

from sqlalchemy import func, select

from app import coordination
from app.extensions import db
from app.models import Card, Membership, Workshop
from app.models._types import utcnow
from app.models.event import Phase

#: Seconds without a card, a dot or a phase change after which a workshop with phones
#: connected, still collecting, discussing or voting, looks stuck on the overview.
QUIET_AFTER = 10 * 60
#: Phases in which a room is expected to be busy.
ACTIVE_PHASES = frozenset({Phase.COLLECT, Phase.DISCUSS, Phase.VOTE})
#: How long the time of a workshop's last dot is kept (votes have no timestamp of their own).
ACTIVITY_TTL = 14 * 24 * 60 * 60


def _activity_key(workshop_id: int) -> str:
    return f"activity:{workshop_id}"


def note_activity(workshop_id: int) -> None:
    """Remember that someone just gave or took a dot in the workshop (for "last activity")."""
    coordination.current().put(
        _activity_key(int(workshop_id)), {"at": utcnow().isoformat()}, ACTIVITY_TTL
    )


def _last_dot(workshop_id: int) -> datetime | None:
    record = coordination.current().get(_activity_key(workshop_id))
    try:
        return datetime.fromisoformat(record["at"]) if record else None
    except (KeyError, TypeError, ValueError):
        return None


def event_overview(event_id: int, phones_connected) -> list[dict]:
    """Return each workshop of the event with its phase, counts and last activity, in order.

    The last activity is the latest of: a card posted, edited or moderated, a dot given
    or taken, the phase changed. ``idle_seconds`` is how long ago that was, by the
    server's clock (the screen counts on from there); ``quiet`` says the workshop has
    phones connected in a busy phase but nothing happened for ``QUIET_AFTER`` seconds.

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
    card_times = {
        workshop_id: [t for t in times if t is not None]
        for workshop_id, *times in db.session.execute(
            select(
                Card.workshop_id,
                func.max(Card.created_at),
                func.max(Card.edited_at),
                func.max(Card.moderated_at),
            )
            .join(Workshop, Workshop.id == Card.workshop_id)
            .where(in_event)
            .group_by(Card.workshop_id)
        )
    }
    now = utcnow()
    rows = []
    for workshop in workshops:
        times = [*card_times.get(workshop.id, []), workshop.phase_changed_at]
        times.append(_last_dot(workshop.id))
        last = max((t for t in times if t is not None), default=None)
        idle = max(0, int((now - last).total_seconds())) if last is not None else None
        phones = phones_connected(workshop.id)
        rows.append(
            {
                "code": workshop.short_code,
                "title": workshop.title,
                "phase": workshop.phase,
                "members": members.get(workshop.id, 0),
                "phones": phones,
                "cards": cards.get(workshop.id, 0),
                "dots_given": int(dots.get(workshop.id, 0)),
                "last_activity": last.isoformat() if last is not None else None,
                "idle_seconds": idle,
                "quiet": bool(
                    phones
                    and workshop.phase in ACTIVE_PHASES
                    and idle is not None
                    and idle >= QUIET_AFTER
                ),
            }
        )
    return rows


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
