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
from sqlalchemy import text

from app.actions import Action, perform
from app.extensions import BatchAborted, db, socketio
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

    def command(self, act: Action, *, batch: bool = False) -> Action:
        """Offer an action as a command of this area.

        :param batch: the action may share a transaction with other commands
            (group commit, see :class:`CommandQueue`): its service commits
            once at its end and broadcasts through ``app.realtime``.
        """
        self.commands[act.name] = act

        def handler(*args):
            conn = connections.get((self.namespace, request.sid))
            if conn is None:
                return _refusal(_("Keine Verbindung zum Workshop."), "not_connected")
            if not conn.bucket.take():
                return _refusal(_("Zu viele Anfragen – bitte kurz warten."), "throttled")
            payload = args[0] if len(args) == 1 else None
            sid = request.sid
            return commands.run(lambda: self._execute(act, conn, sid, payload), batch=batch)

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
            if not db.session().in_batch:  # a batch's session is the worker's to close
                db.session.remove()
        return {"ok": True, **reply}


@dataclass
class Job:
    """One command waiting for the worker."""

    #: The socket event's context (app, request, locale), in which the command runs.
    context: contextvars.Context
    fn: Callable[[], dict]
    result: Any
    #: Whether it may share a transaction with its neighbours (see :class:`CommandQueue`).
    batch: bool


class CommandQueue:
    """Runs the commands of all sockets in one worker, in the order they came.

    Under gevent a command never yields while it works, so in a burst every
    waiting command would run before any acknowledgement is written. One
    worker takes every command waiting at that moment; consecutive batchable
    ones (a board's writes: cards and dots) run in ONE transaction, each in
    its own savepoint (a refusal undoes only itself), with one commit, so a
    room voting at once shares one fsync instead of queueing for one each.
    A write that finds the queue empty waits ``COMMAND_BATCH_WINDOW_MS`` for
    company first, so that dots a few milliseconds apart share a commit too.
    Only after that commit are the acknowledgements sent and the facts
    broadcast (``after_commit``): nothing is announced that is not on disk.
    With SQLite the COMMIT (its fsync) runs in gevent's thread pool so that
    sockets keep being served meanwhile. A command that is not batchable runs
    alone, exactly as an HTTP request would, after the batch before it.

    When more commands wait than ``COMMAND_QUEUE_LIMIT``, a new one is
    answered at once with ``busy`` (the phone's outbox tries again), instead
    of waiting so long that the phone gives up.
    """

    #: Most commands in one transaction: bounds the time to the first acknowledgement.
    MAX_BATCH = 500

    def __init__(self):
        self._jobs = None

    def waiting(self) -> int:
        """Commands waiting for the worker now."""
        return self._jobs.qsize() if self._jobs is not None else 0

    def run(self, job, *, batch: bool = False):
        """Run ``job`` (in this request's context) and return its result."""
        config = current_app.config
        if self.waiting() >= config["COMMAND_QUEUE_LIMIT"]:
            return busy_refusal()
        if config["SOCKETIO_ASYNC_MODE"] != "gevent":
            return job()
        import gevent
        from gevent.event import AsyncResult
        from gevent.queue import Queue

        if self._jobs is None:
            self._jobs = Queue()
            gevent.spawn(self._work, current_app._get_current_object())
        result = AsyncResult()
        self._jobs.put(Job(contextvars.copy_context(), job, result, batch))
        return result.get()

    def _work(self, app):
        import gevent

        window = app.config["COMMAND_BATCH_WINDOW_MS"] / 1000
        while True:
            jobs = [self._jobs.get()]
            if window and jobs[0].batch and self._jobs.empty():
                gevent.sleep(window)
            while len(jobs) < self.MAX_BATCH and not self._jobs.empty():
                jobs.append(self._jobs.get_nowait())
            start = 0
            while start < len(jobs):
                end = start + 1
                if jobs[start].batch:
                    while end < len(jobs) and jobs[end].batch:
                        end += 1
                    self.run_batch(app, jobs[start:end])
                else:
                    self.run_alone(jobs[start])
                start = end
                gevent.sleep(0)

    @staticmethod
    def run_alone(job: Job) -> None:
        try:
            job.result.set(job.context.run(job.fn))
        except BaseException as exc:  # handed to the waiting socket, which raises it
            job.result.set_exception(exc)

    @staticmethod
    def run_batch(app, jobs: list[Job]) -> None:
        """Run ``jobs`` in one transaction; commit once; then reply and broadcast."""
        with app.app_context():
            session = db.session()
            try:
                session.begin_batch()
                if session.get_bind().dialect.name == "sqlite":
                    # Take the write lock at once (a bare SAVEPOINT would start a
                    # transaction that its RELEASE commits).
                    session.execute(text("BEGIN IMMEDIATE"))
                outcomes = [_run_in_batch(session, job) for job in jobs]
                pending = session.end_batch()
                _commit(app, session)
            except (Exception, BatchAborted):
                app.logger.exception("a batch of %d commands failed", len(jobs))
                session.end_batch()
                session.rollback()
                failed = {"ok": False, "error": "", "code": "error"}
                for job in jobs:
                    job.result.set(dict(failed, error=job.context.run(_failed_text)))
                return
            finally:
                db.session.remove()
            once = set()
            for fn, args, kwargs in pending:
                if getattr(fn, "once_per_batch", False):
                    if (fn, args) in once:
                        continue
                    once.add((fn, args))
                try:
                    fn(*args, **kwargs)
                except Exception:
                    app.logger.exception("broadcast after a batch failed")
            db.session.remove()
        for job, (reply, exc) in zip(jobs, outcomes, strict=True):
            if exc is None:
                job.result.set(reply)
            else:
                job.result.set_exception(exc)


def _run_in_batch(session, job: Job):
    """Run one command of a batch in its savepoint, with the batch's session as ``db.session``."""

    def step():
        db.session.registry.set(session)
        session.begin_command()
        try:
            return job.fn()
        finally:
            session.end_command()
            db.session.registry.clear()

    try:
        return job.context.run(step), None
    except Exception as exc:
        return None, exc


def _commit(app, session) -> None:
    """Commit the batch; SQLite's COMMIT (its fsync) in a thread, so sockets are served meanwhile.

    Only the batch does this, never an HTTP request: while a request waits for
    the pool with its write lock held, a second writer's busy wait (in the loop)
    could keep the pool from ever starting that commit. The worker is one
    greenlet, so it asks for one thread at a time and its commit always runs.
    """
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and app.config["SOCKETIO_ASYNC_MODE"] == "gevent":
        import gevent

        gevent.get_hub().threadpool.apply(raw.commit)
    session.commit()  # the driver has nothing left to commit; SQLAlchemy ends its transaction


def _failed_text() -> str:
    return _("Interner Fehler – bitte noch einmal versuchen.")


def busy_refusal() -> dict:
    """The reply when too many commands wait: the phone tries again a moment later."""
    return _refusal(_("Gerade ist viel los – bitte gleich noch einmal versuchen."), "busy")


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
