"""The projector's socket area (namespace /projector): sees what the room sees, changes nothing."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import realtime
from app.actions import action
from app.extensions import db
from app.models import Workshop
from app.models.screens import Screen
from app.projector.routes import workshop_by_projector_token
from app.services.errors import ServiceError
from app.services.snapshot import board_snapshot
from app.sockets import Admission, Area, refuse_connection


def admit(auth: dict) -> Admission:
    """Admit a screen that holds the workshop's projector link."""
    token = auth.get("projector")
    workshop = workshop_by_projector_token(token) if isinstance(token, str) else None
    if workshop is None:
        refuse_connection("unknown projector")
    return Admission(
        identity={"workshop": workshop.id, "token": token},
        rooms=[realtime.workshop_room(workshop.id)],
        presence=[realtime.presence_scope(workshop.id, Screen.PROJECTOR)],
    )


def context(identity: dict, sid: str) -> Workshop:
    """The workshop, as long as the projector link is still the one the screen opened."""
    workshop = db.session.get(Workshop, identity["workshop"])
    if workshop is None or workshop.projector_token != identity["token"]:
        raise ServiceError(_l("Dieser Projektor-Link gilt nicht mehr."), "forbidden")
    return workshop


@action()
def sync(workshop: Workshop, form) -> dict:
    """Return the board as the room sees it."""
    return {"board": board_snapshot(workshop, Screen.PROJECTOR, current_app.config["SECRET_KEY"])}


area = Area(Screen.PROJECTOR.namespace, admit, context)
area.command(sync)
