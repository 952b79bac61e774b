"""The synthesis board's page, for the facilitators of an event's workshops and for organizers.

It lives outside ``/organisation`` (whose pages are for organizers only), on a
blueprint of its own; the board itself works over the event-wide socket area.
"""

from flask import Blueprint, abort, render_template
from flask_babel import get_locale
from sqlalchemy import select

from app import texts
from app.extensions import db
from app.identity import current_organizer, facilitator_grants
from app.models import Event, FacilitatorAccess, Workshop
from app.services.needs import PRIORITY_RANGE

bp = Blueprint("synthesis", __name__)


def may_synthesize(event: Event) -> bool:
    """Whether this browser may work on the event's synthesis board."""
    if current_organizer() is not None:
        return True
    grants = facilitator_grants()
    if not grants:
        return False
    held = db.session.execute(
        select(FacilitatorAccess.id, FacilitatorAccess.workshop_id)
        .join(Workshop, Workshop.id == FacilitatorAccess.workshop_id)
        .where(
            Workshop.event_id == event.id,
            FacilitatorAccess.id.in_(list(grants.values())),
            FacilitatorAccess.active,
        )
    )
    return any(grants.get(workshop) == access for access, workshop in held)


@bp.route("/e/<slug>/synthese")
def board(slug):
    """All cards of the week, the cross-cutting needs built from them, and the matrix."""
    event = db.session.scalar(select(Event).filter_by(slug=slug))
    # An unknown event and one this browser may not see are answered alike.
    if event is None or not may_synthesize(event):
        abort(403)
    workshops = db.session.scalars(
        select(Workshop).filter_by(event_id=event.id).order_by(Workshop.position, Workshop.id)
    ).all()
    locale = str(get_locale())
    page_config = {
        "namespace": "/event",
        "auth": {"event": event.slug},
        "priorities": list(range(PRIORITY_RANGE[0], PRIORITY_RANGE[1] + 1)),
        "groups": {g.key: g.label(locale) for g in event.stakeholder_groups},
        "strings": texts.synthesis_texts(),
    }
    return render_template(
        "organize/synthesis.html", event=event, workshops=workshops, page_config=page_config
    )
