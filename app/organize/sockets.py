"""The event-wide socket area (namespace /event): every workshop of a week at once.

Admitted are a logged-in organizer (to any event) and the browsers that
facilitate any workshop of the event (to that event).
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import realtime
from app.extensions import db
from app.identity import current_organizer, facilitator_grants, password_mark
from app.models import Event, FacilitatorAccess, Organizer, Workshop
from app.organize import actions
from app.organize.synthesis_routes import event_by_projector_token
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


def _organizer_still_valid(identity: dict) -> bool:
    """Whether the organizer who opened the socket still has the account and the same password."""
    organizer = db.session.get(Organizer, identity["organizer"])
    return organizer is not None and password_mark(organizer) == identity["mark"]


def admit(auth: dict) -> Admission:
    """Admit a logged-in organizer to any event, a facilitator to an event of their workshop,
    and the synthesis projector (by its link's token) to its event, to watch only."""
    if "synthesis" in auth:
        watched = event_by_projector_token(auth["synthesis"])
        if watched is None:
            refuse_connection("not allowed")
        identity = {"event": watched.id, "synthesis": auth["synthesis"]}
        return Admission(identity=identity, rooms=[realtime.event_room(watched.id)])
    slug = auth.get("event")
    event = db.session.scalar(select(Event).filter_by(slug=slug)) if isinstance(slug, str) else None
    if event is None:
        refuse_connection("not allowed")
    rooms = [realtime.event_room(event.id)]
    organizer = current_organizer()
    if organizer is not None:
        identity = {"event": event.id, "organizer": organizer.id, "mark": password_mark(organizer)}
        return Admission(identity=identity, rooms=rooms)
    grants = facilitator_grants()
    if not _valid_grants(event.id, grants):
        refuse_connection("not allowed")
    return Admission(
        identity={"event": event.id, "grants": {str(k): v for k, v in grants.items()}},
        rooms=rooms,
    )


def context(identity: dict, sid: str) -> int:
    """The event's id, as long as the organizer's login or a facilitator's access still holds."""
    if "synthesis" in identity:  # the projector: it may look, every change is refused
        return actions.WatchingOnly(identity["event"])
    if "organizer" in identity:
        if not _organizer_still_valid(identity):
            raise ServiceError(_l("Das dürfen nur Organisierende."), "forbidden")
        return identity["event"]
    grants = {int(k): v for k, v in identity["grants"].items()}
    if not _valid_grants(identity["event"], grants):
        raise ServiceError(_l("Das dürfen nur Moderierende."), "forbidden")
    return identity["event"]


area = Area(realtime.EVENT_NAMESPACE, admit, context)
for act in actions.ALL:
    area.command(act)
