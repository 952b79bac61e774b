"""What a facilitator does in the console, each written once for the HTTP forms and the socket."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import realtime
from app.actions import action
from app.extensions import db
from app.facilitate.forms import PhaseForm
from app.models import FacilitatorAccess, Workshop
from app.models.screens import Screen
from app.services import phases
from app.services.errors import ServiceError
from app.services.snapshot import board_snapshot, workshop_payload


@dataclass
class ConsoleContext:
    """A facilitator running one workshop, as the entry point found them."""

    workshop: Workshop
    sid: str | None = None
    #: Name of the facilitator's access, as the moderation log shows it.
    actor: str = ""


def console_context(workshop_id: int, access_id: int, sid: str | None = None) -> ConsoleContext:
    """Load the workshop and check, at every command, that the facilitator's access is active."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise ServiceError(_l("Diesen Workshop gibt es nicht mehr."), "not_found")
    access = db.session.get(FacilitatorAccess, access_id)
    if access is None or access.workshop_id != workshop.id or not access.active:
        raise ServiceError(_l("Das dürfen nur Moderierende."), "forbidden")
    return ConsoleContext(workshop, sid, actor=access.name)


@action(PhaseForm, done=_l("Phase gewechselt."))
def set_phase(ctx: ConsoleContext, form) -> dict:
    """Switch the workshop's phase; every screen is told what the new phase shows."""
    phases.set_phase(ctx.workshop, form.phase.data)
    realtime.phase_changed(ctx.workshop)
    return {"workshop": workshop_payload(ctx.workshop)}


@action()
def sync(ctx: ConsoleContext, form) -> dict:
    """Return the board as the console shows it: all cards, with the dots per card."""
    board = board_snapshot(ctx.workshop, Screen.CONSOLE, current_app.config["SECRET_KEY"])
    board["phones"] = realtime.phones_connected(ctx.workshop.id)
    return {"board": board}


#: The console's commands.
ALL = (set_phase, sync)
