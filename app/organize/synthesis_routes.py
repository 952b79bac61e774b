"""The synthesis board's page, for the facilitators of an event's workshops and for organizers.

It lives outside ``/organisation`` (whose pages are for organizers only), on a
blueprint of its own; the board itself works over the event-wide socket area.
"""

import hashlib
import hmac

from flask import Blueprint, abort, current_app, render_template, url_for
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
        "organize/synthesis.html",
        event=event,
        workshops=workshops,
        page_config=page_config,
        projector_url=url_for("synthesis.projector", token=projector_token(event)),
    )


# ---- the read-only projector view ---------------------------------------------


def projector_token(event: Event) -> str:
    """The secret of the event's synthesis projector link, derived from the app's secret.

    Like a workshop's projector link it needs no login and can change nothing; it is
    stable for the event, so a projector opened once keeps working.
    """
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"synthesis-projector:{event.id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def event_by_projector_token(token) -> Event | None:
    """The event whose synthesis projector link carries this token, if any."""
    if not isinstance(token, str) or len(token) != 32:
        return None
    for event in db.session.scalars(select(Event)):
        if hmac.compare_digest(projector_token(event), token):
            return event
    return None


@bp.route("/s/<token>")
def projector(token):
    """The synthesis board on the projector: the needs, where they came from, the matrix."""
    event = event_by_projector_token(token)
    if event is None:
        abort(404)
    page_config = {
        "namespace": "/event",
        "auth": {"synthesis": token},
        "groups": {g.key: g.label(str(get_locale())) for g in event.stakeholder_groups},
        "strings": texts.synthesis_projector_texts(),
    }
    return render_template(
        "organize/synthesis_projector.html", event=event, page_config=page_config
    )
