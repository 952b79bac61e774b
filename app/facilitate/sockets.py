"""The console's socket area (namespace /console): facilitators, their access checked per command.

A revoked access is refused at the socket's next command, in every server
process, because the check reads the database; that socket is then dropped,
and so are the sockets of this process at once when the revocation happens
here (``close_console_sockets``).
"""

from app import realtime
from app.extensions import socketio
from app.facilitate import actions
from app.identity import facilitator_access
from app.models.screens import Screen
from app.services.errors import ServiceError
from app.services.joining import workshop_by_code
from app.sockets import Admission, Area, refuse_connection

#: Seconds a refused console keeps its socket, so that the refusal reaches it first.
DROP_DELAY = 0.05


def access_room(access_id: int) -> str:
    """The room of the console sockets opened with one access, so that revoking can close them."""
    return f"a:{access_id}"


def admit(auth: dict) -> Admission:
    """Admit a browser that holds an active access to the workshop."""
    code = auth.get("workshop")
    workshop = workshop_by_code(code) if isinstance(code, str) else None
    # Only a facilitator's browser gets this far with a right code, so no guess limit is needed.
    access = facilitator_access(workshop) if workshop is not None else None
    if access is None:
        refuse_connection("not a facilitator")
    return Admission(
        identity={"workshop": workshop.id, "access": access.id},
        rooms=[realtime.workshop_room(workshop.id), access_room(access.id)],
        presence=[realtime.presence_scope(workshop.id, Screen.CONSOLE)],
    )


def close_console_sockets(access_id: int) -> int:
    """Disconnect this process's console sockets opened with the access; return how many."""
    namespace = Screen.CONSOLE.namespace
    room = access_room(access_id)
    sids = [sid for sid, _eio in socketio.server.manager.get_participants(namespace, room)]
    for sid in sids:
        socketio.server.disconnect(sid, namespace=namespace)
    return len(sids)


def _drop_later(sid: str) -> None:
    socketio.sleep(DROP_DELAY)
    socketio.server.disconnect(sid, namespace=Screen.CONSOLE.namespace)


def context(identity: dict, sid: str) -> actions.ConsoleContext:
    """The console's context; a socket whose access was taken away loses the console."""
    try:
        return actions.console_context(identity["workshop"], identity["access"], sid)
    except ServiceError as exc:
        if exc.code == "forbidden":
            socketio.start_background_task(_drop_later, sid)
        raise


area = Area(Screen.CONSOLE.namespace, admit, context)
for act in actions.ALL:
    area.command(act)
