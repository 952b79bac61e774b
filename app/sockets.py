"""The Socket.IO entry point shared by all areas: who is connected, and the command wrapper.

Every client-to-server event is a command: the wrapper finds the connection's
workshop and identity (authorise), throttles floods, runs the handler (which
validates and calls one service) and turns a refusal into ``{"ok": False,
"error": ...}`` in the person's language. Request hooks do not run for socket
events, so nothing here relies on them.
"""

import contextvars
import time
from dataclasses import dataclass
from functools import wraps

from flask import current_app, request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, join_room

from app import realtime
from app.extensions import db, socketio
from app.identity import current_participant, is_staff
from app.models import Participant, Workshop
from app.services.errors import ServiceError
from app.services.joining import is_member, workshop_by_code
from app.services.snapshot import board_snapshot


class TokenBucket:
    """Allows short bursts, then ``rate`` events a second."""

    def __init__(self, rate: float, burst: int):
        self.rate = rate
        self.capacity = burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        """Spend one token; False when the client is sending too fast."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@dataclass
class Connection:
    """One open socket: the workshop it shows and who holds it."""

    workshop_id: int
    participant_id: str | None
    staff: bool
    bucket: TokenBucket


#: Open sockets of this process by sid; a socket lives in exactly one process.
connections: dict[str, Connection] = {}


@socketio.on("connect")
def on_connect(auth=None):
    """Admit a phone that joined the workshop, or a facilitator's screen."""
    if not isinstance(auth, dict) or not isinstance(auth.get("workshop"), str):
        raise ConnectionRefusedError("unknown workshop")
    workshop = workshop_by_code(auth["workshop"])
    if workshop is None:
        raise ConnectionRefusedError("unknown workshop")
    staff = auth.get("role") == "staff"
    if staff:
        if not is_staff(workshop):
            raise ConnectionRefusedError("not a facilitator")
        participant_id = None
    else:
        participant = current_participant(workshop.event_id)
        if participant is None or not is_member(workshop, participant):
            raise ConnectionRefusedError("not joined")
        participant_id = participant.id
    config = current_app.config
    connections[request.sid] = Connection(
        workshop.id,
        participant_id,
        staff,
        TokenBucket(config["SOCKET_EVENTS_PER_SECOND"], config["SOCKET_EVENT_BURST"]),
    )
    join_room(realtime.workshop_room(workshop.id))
    if staff:
        join_room(realtime.staff_room(workshop.id))
    else:
        join_room(realtime.participant_room(participant_id, workshop.id))


@socketio.on("disconnect")
def on_disconnect(*_args):
    """Forget a closed socket."""
    connections.pop(request.sid, None)


def command(event: str, *, role: str = "participant"):
    """Register a client-to-server command handler ``fn(conn, workshop, participant, payload)``.

    :param role: who may send it: ``participant`` (a joined phone), ``staff``
        (a facilitator's screen) or ``any``.
    """

    def decorate(fn):
        @wraps(fn)
        def handler(*args):
            conn = connections.get(request.sid)
            if conn is None:
                return _refusal(_("Keine Verbindung zum Workshop."), "not_connected")
            if not conn.bucket.take():
                return _refusal(_("Zu viele Anfragen – bitte kurz warten."), "throttled")
            if role == "staff" and not conn.staff:
                return _refusal(_("Das dürfen nur Moderierende."), "forbidden")
            if role == "participant" and conn.participant_id is None:
                return _refusal(_("Bitte tritt dem Workshop zuerst bei."), "not_member")
            payload = args[0] if len(args) == 1 else None
            return commands.run(lambda: _execute(fn, event, conn, payload))

        socketio.on_event(event, handler)
        return handler

    return decorate


def _execute(fn, event: str, conn: Connection, payload) -> dict:
    """Load the connection's workshop and person, run the command, turn refusals into replies."""
    workshop = db.session.get(Workshop, conn.workshop_id)
    participant = db.session.get(Participant, conn.participant_id) if conn.participant_id else None
    if workshop is None or (conn.participant_id and participant is None):
        return _refusal(_("Diesen Workshop gibt es nicht mehr."), "not_found")
    try:
        reply = fn(conn, workshop, participant, payload) or {}
    except ServiceError as exc:
        db.session.rollback()
        return _refusal(str(exc.message), exc.code)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("socket command %s failed", event)
        return _refusal(_("Interner Fehler – bitte noch einmal versuchen."), "error")
    return {"ok": True, **reply}


class CommandQueue:
    """Runs the commands of all sockets one at a time, each acknowledged before the next runs.

    Under gevent a command never yields while it works, so in a burst every
    waiting command would run before any acknowledgement is written and every
    phone would wait for the whole burst. A single worker that yields after
    each command lets the writer of that acknowledgement go first; with
    SQLite it also means writes never wait for each other's locks.
    """

    def __init__(self):
        self._jobs = None

    def run(self, job):
        """Run ``job`` (in this request's context) and return its result."""
        if current_app.config["SOCKETIO_ASYNC_MODE"] != "gevent":
            return job()
        import gevent
        from gevent.event import AsyncResult
        from gevent.queue import Queue

        if self._jobs is None:
            self._jobs = Queue()
            gevent.spawn(self._work)
        result = AsyncResult()
        self._jobs.put((contextvars.copy_context(), job, result))
        return result.get()

    def _work(self):
        import gevent

        while True:
            context, job, result = self._jobs.get()
            try:
                result.set(context.run(job))
            except BaseException as exc:  # handed to the waiting socket, which raises it
                result.set_exception(exc)
            gevent.sleep(0)


commands = CommandQueue()


def _refusal(message: str, code: str) -> dict:
    return {"ok": False, "error": message, "code": code}


@command("sync", role="any")
def sync(conn, workshop, participant, payload):
    """Return the board as this screen must show it; sent on every (re)connect."""
    return {
        "board": board_snapshot(
            workshop, participant, staff=conn.staff, secret=current_app.config["SECRET_KEY"]
        )
    }
