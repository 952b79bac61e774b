"""The Flask extensions, created unbound and wired in the factory."""

from flask import has_app_context
from flask.sessions import SessionInterface
from flask_babel import Babel
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, registry


class Base(DeclarativeBase):
    """Declarative base whose constraints have names, so migrations can alter SQLite tables."""

    registry = registry(
        metadata=MetaData(
            naming_convention={
                "ix": "ix_%(column_0_label)s",
                "uq": "uq_%(table_name)s_%(column_0_name)s",
                "ck": "ck_%(table_name)s_%(constraint_name)s",
                "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
                "pk": "pk_%(table_name)s",
            }
        ),
        # Mapped[datetime] becomes app.models._types.UTCDateTime; app.models
        # registers it, as importing it from here would be circular.
    )


class BatchAborted(BaseException):  # noqa: N818 - not an error of the command
    """The batch's transaction cannot go on; the worker answers every command with "error"."""


class Session(FlaskSession):
    """A session that can carry several socket commands in one transaction (group commit).

    Services end their work with ``commit()`` and undo a refusal with
    ``rollback()``. While the command worker runs a batch
    (:meth:`begin_batch`), every command runs in its own SAVEPOINT: there
    ``commit()`` only flushes and ``rollback()`` undoes that command alone
    (a command is all or nothing: what it wrote after its last ``commit()``
    is dropped, as at the end of a request); the worker commits the whole
    batch once, and only then acknowledges and broadcasts (``after_commit``). Outside a batch
    (every HTTP request, every command that is not batched) both do what they
    always did, so no service knows whether it runs in a batch.
    """

    #: Name of the savepoint each command of a batch runs in (one at a time, so one name).
    SAVEPOINT = "command"

    def begin_batch(self) -> None:
        """Start a batch: commands' commits become savepoint releases until :meth:`end_batch`."""
        self.info["after_commit"] = []
        self.info["savepoint"] = False

    @property
    def in_batch(self) -> bool:
        return "savepoint" in self.info

    def begin_command(self) -> None:
        """Open the savepoint of the next command of the batch.

        Plain SQL rather than ``begin_nested()``: a room votes through here,
        and the ORM's nested transactions cost more than the vote itself.
        """
        self.connection().exec_driver_sql(f"SAVEPOINT {self.SAVEPOINT}")
        self.info["savepoint"] = True

    def end_command(self) -> None:
        """Keep what the command committed; drop what it wrote after its last commit."""
        if not self.info.get("savepoint"):
            return
        if self.new or self.dirty or self.deleted:
            self.expunge_all()  # never committed: as a request's end would drop it
        self.connection().exec_driver_sql(f"RELEASE SAVEPOINT {self.SAVEPOINT}")
        self.info["savepoint"] = False

    def end_batch(self) -> list:
        """Leave batch mode; return what waits for the commit, as (fn, args, kwargs)."""
        self.info.pop("savepoint", None)
        return self.info.pop("after_commit", [])

    def commit(self) -> None:
        """In a batch: write what is pending; the worker commits the batch once."""
        if not self.in_batch:
            super().commit()
            return
        self.flush()

    def rollback(self) -> None:
        """In a batch: undo this command's writes only (its savepoint stays open)."""
        if not self.in_batch:
            super().rollback()
            return
        if not self.is_active:
            # A failed flush spoils the whole transaction: the batch is given up.
            raise BatchAborted()
        if self.info.get("savepoint"):
            self.connection().exec_driver_sql(f"ROLLBACK TO SAVEPOINT {self.SAVEPOINT}")
        # Objects it loaded or wrote may now say what the database does not.
        self.expunge_all()


def after_commit(fn, *args, **kwargs) -> None:
    """Run ``fn`` now, or, in a batch of commands, once the batch is committed."""
    pending = db.session.info.get("after_commit") if has_app_context() else None
    if pending is None:
        fn(*args, **kwargs)
    else:
        pending.append((fn, args, kwargs))


# Every request and socket event gets a fresh session, so objects need not be
# reloaded after a commit just to build the reply.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False, "class_": Session})
migrate = Migrate()


class _SocketEventSessions(SessionInterface):
    """The app's session interface, minus a cookie decoded again for every socket event.

    Flask opens the session for every request context, and Flask-SocketIO
    pushes one for every event, only to replace that session with the copy
    it keeps for the socket (taken at connect). Reading the same cookie for
    each of a room's votes cost more than the vote; an event now gets that
    copy at once.
    """

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open_session(self, app, request):
        saved = request.environ.get("saved_session")
        if saved is not None:
            return saved
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response):
        return self.inner.save_session(app, session, response)

    def is_null_session(self, obj):
        return self.inner.is_null_session(obj)

    def make_null_session(self, app):
        return self.inner.make_null_session(app)


class _SocketIO(SocketIO):
    def _handle_event(self, handler, message, namespace, sid, *args):
        # Wrapped here, at the first event, whichever interface the app chose meanwhile.
        environ = self.server.get_environ(sid, namespace=namespace)
        app = environ and environ.get("flask.app")
        if app is not None and not isinstance(app.session_interface, _SocketEventSessions):
            app.session_interface = _SocketEventSessions(app.session_interface)
        return super()._handle_event(handler, message, namespace, sid, *args)


socketio = _SocketIO()
babel = Babel()
csrf = CSRFProtect()
