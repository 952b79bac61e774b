"""Socket.IO areas: one namespace per screen, each with its own admission and context.

An :class:`Area` admits a socket on connect (who is it, which rooms does it
join), and for every command builds the person's context again from the
database, so that a right taken away takes effect at the next command. Its
commands are :class:`app.actions.Action` objects shared with the HTTP routes.
The wrapper throttles floods, runs commands one at a time through the
command queue, and turns a refusal into ``{"ok": False, "error": ...,
"code": ...}`` in the person's language. Request hooks do not run for socket
events, so nothing here relies on them.
"""

import contextvars
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, join_room

from app.actions import Action, perform
from app.extensions import db, socketio
from app.services.errors import ServiceError


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
class Admission:
    """What an area learned about a socket when it connected."""

    #: Identity kept for the socket's lifetime (ids and fingerprints, never objects).
    identity: dict
    #: Rooms of this namespace the socket joins.
    rooms: list[str]
    #: Presence scopes the socket counts in (e.g. "w:12:board").
    presence: list[str] = field(default_factory=list)


@dataclass
class Connection:
    """One open socket of this process."""

    area: "Area"
    identity: dict
    presence: list[str]
    bucket: TokenBucket


#: Open sockets of this process by (namespace, sid); a socket lives in exactly one process.
connections: dict[tuple[str, str], Connection] = {}


class Area:
    """A Socket.IO namespace for one kind of screen.

    :param admit: ``admit(auth) -> Admission``; raises ConnectionRefusedError.
    :param context: ``context(identity, sid) -> ctx``; loads what the person's
        commands work on and checks their right again; raises ServiceError.
    """

    def __init__(
        self,
        namespace: str,
        admit: Callable[[Any], Admission],
        context: Callable[[dict, str], Any],
    ):
        self.namespace = namespace
        self.admit = admit
        self.context = context
        self.commands: dict[str, Action] = {}
        socketio.on("connect", namespace=namespace)(self._on_connect)
        socketio.on("disconnect", namespace=namespace)(self._on_disconnect)
        socketio.on("*", namespace=namespace)(self._on_unknown)

    def _on_connect(self, auth=None):
        admission = self.admit(auth if isinstance(auth, dict) else {})
        config = current_app.config
        connections[(self.namespace, request.sid)] = Connection(
            self,
            admission.identity,
            admission.presence,
            TokenBucket(config["SOCKET_EVENTS_PER_SECOND"], config["SOCKET_EVENT_BURST"]),
        )
        for room in admission.rooms:
            join_room(room)
        from app import realtime

        for scope in admission.presence:
            realtime.presence_changed(scope, request.sid, joined=True)

    def _on_disconnect(self, *_args):
        conn = connections.pop((self.namespace, request.sid), None)
        if conn is None:
            return
        from app import realtime

        for scope in conn.presence:
            realtime.presence_changed(scope, request.sid, joined=False)

    def _on_unknown(self, event, *args):
        return _refusal(_("Unbekannter Befehl."), "unknown")

    def command(self, act: Action) -> Action:
        """Offer an action as a command of this area."""
        self.commands[act.name] = act

        def handler(*args):
            conn = connections.get((self.namespace, request.sid))
            if conn is None:
                return _refusal(_("Keine Verbindung zum Workshop."), "not_connected")
            if not conn.bucket.take():
                return _refusal(_("Zu viele Anfragen – bitte kurz warten."), "throttled")
            payload = args[0] if len(args) == 1 else None
            sid = request.sid
            return commands.run(lambda: self._execute(act, conn, sid, payload))

        socketio.on_event(act.name, handler, namespace=self.namespace)
        return act

    def _execute(self, act: Action, conn: Connection, sid: str, payload) -> dict:
        """Authorise, validate, run; a refusal changes nothing and says why."""
        try:
            ctx = self.context(conn.identity, sid)
            reply = perform(act, ctx, payload if payload is not None else {})
        except ServiceError as exc:
            db.session.rollback()
            refusal = {**exc.extra, **_refusal(str(exc.message), exc.code)}
            if exc.field:
                refusal["field"] = exc.field
            return refusal
        except Exception:
            db.session.rollback()
            current_app.logger.exception("socket command %s%s failed", self.namespace, act.name)
            return _refusal(_("Interner Fehler – bitte noch einmal versuchen."), "error")
        finally:
            db.session.remove()
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


def refuse_connection(reason: str):
    """Refuse a socket; the client sees ``reason`` as the error's message."""
    raise ConnectionRefusedError(reason)


@socketio.on("connect")
def _no_default_namespace(auth=None):
    """Every screen has its own namespace; the default one admits nobody."""
    raise ConnectionRefusedError("no such area")
