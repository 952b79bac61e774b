"""The phone's socket area (namespace /board): admission, and the board's actions as commands."""

from flask import request

from app import realtime
from app.identity import current_participant
from app.models.screens import Screen
from app.participant import actions
from app.ratelimit import TooManyGuesses, find_workshop
from app.services.joining import is_member
from app.sockets import Admission, Area, ConnectionRefusedError, refuse_connection  # noqa: F401


def admit(auth: dict) -> Admission:
    """Admit a phone that joined the workshop.

    A wrong code and a right one this phone has not joined are refused alike,
    and wrong codes count against the same limit as on the code form.
    """
    code = auth.get("workshop")
    try:
        client = request.remote_addr or "?"
        workshop = find_workshop(code, client) if isinstance(code, str) else None
    except TooManyGuesses:
        refuse_connection("throttled")
    participant = current_participant(workshop.event_id) if workshop else None
    if participant is None or not is_member(workshop, participant):
        refuse_connection("not joined")
    return Admission(
        identity={"workshop": workshop.id, "participant": participant.id},
        rooms=[
            realtime.workshop_room(workshop.id),
            realtime.participant_room(participant.id, workshop.id),
        ],
        presence=[realtime.presence_scope(workshop.id, Screen.PHONE)],
    )


area = Area(
    Screen.PHONE.namespace,
    admit,
    lambda identity, sid: actions.board_context(identity["workshop"], identity["participant"], sid),
)
for act in actions.ALL:
    # The board's writes share transactions (group commit); sync only reads.
    area.command(act, batch=act is not actions.sync)
