"""The console's socket area (namespace /console): facilitators, their grant checked per command."""

from app import realtime
from app.facilitate import actions
from app.identity import facilitator_fingerprint, is_facilitator
from app.models.screens import Screen
from app.services.joining import workshop_by_code
from app.sockets import Admission, Area, refuse_connection


def admit(auth: dict) -> Admission:
    """Admit a browser that opened the workshop's facilitator link."""
    code = auth.get("workshop")
    workshop = workshop_by_code(code) if isinstance(code, str) else None
    # Only a facilitator's browser gets this far with a right code, so no guess limit is needed.
    if workshop is None or not is_facilitator(workshop):
        refuse_connection("not a facilitator")
    return Admission(
        identity={"workshop": workshop.id, "fingerprint": facilitator_fingerprint(workshop)},
        rooms=[realtime.workshop_room(workshop.id)],
        presence=[realtime.presence_scope(workshop.id, Screen.CONSOLE)],
    )


area = Area(
    Screen.CONSOLE.namespace,
    admit,
    lambda identity, sid: actions.console_context(
        identity["workshop"], identity["fingerprint"], sid
    ),
)
for act in actions.ALL:
    area.command(act)
