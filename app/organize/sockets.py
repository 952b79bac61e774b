"""The event-wide socket area (namespace /event): every workshop of a week at once.

Admitted for now are the browsers that facilitate any workshop of the event;
organizer accounts will be admitted here too.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import realtime
from app.extensions import db
from app.identity import facilitator_grants
from app.models import Event, FacilitatorAccess, Workshop
from app.organize import actions
from app.services.errors import ServiceError
from app.sockets import Admission, Area, refuse_connection


def _valid_grants(event_id: int, grants: dict[int, int]) -> list[int]:
    """Return the event's workshops this browser holds an active access to."""
    accesses = db.session.execute(
        select(FacilitatorAccess.id, FacilitatorAccess.workshop_id)
        .join(Workshop, Workshop.id == FacilitatorAccess.workshop_id)
        .where(
            Workshop.event_id == event_id,
            FacilitatorAccess.id.in_(list(grants.values())),
            FacilitatorAccess.active,
        )
    )
    return [workshop for access, workshop in accesses if grants.get(workshop) == access]


def admit(auth: dict) -> Admission:
    """Admit a facilitator of any workshop of the event."""
    slug = auth.get("event")
    event = db.session.scalar(select(Event).filter_by(slug=slug)) if isinstance(slug, str) else None
    grants = facilitator_grants()
    if event is None or not _valid_grants(event.id, grants):
        refuse_connection("not allowed")
    return Admission(
        identity={"event": event.id, "grants": {str(k): v for k, v in grants.items()}},
        rooms=[realtime.event_room(event.id)],
    )


def context(identity: dict, sid: str) -> int:
    """The event's id, as long as one of the facilitator's accesses is still active."""
    grants = {int(k): v for k, v in identity["grants"].items()}
    if not _valid_grants(identity["event"], grants):
        raise ServiceError(_l("Das dürfen nur Moderierende."), "forbidden")
    return identity["event"]


area = Area(realtime.EVENT_NAMESPACE, admit, context)
for act in actions.ALL:
    area.command(act)
