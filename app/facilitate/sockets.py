"""Facilitators' commands over Socket.IO."""

from app import realtime
from app.facilitate.forms import PhaseForm
from app.services import phases
from app.sockets import command
from app.validation import form_from_payload


@command("set_phase", role="staff")
def set_phase(conn, workshop, participant, payload):
    """Switch the workshop's phase."""
    form = form_from_payload(PhaseForm, payload)
    phases.set_phase(workshop, form.phase.data)
    realtime.phase_changed(workshop)
    return {"phase": workshop.phase}
