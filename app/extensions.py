"""The Flask extensions, created unbound and wired in the factory."""

from flask import has_app_context
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


class Session(FlaskSession):
    """A session that can carry several socket commands in one transaction (group commit).

    Services end their work with ``commit()`` and undo a refusal with
    ``rollback()``. While the command worker runs a batch
    (:meth:`begin_batch`), every command runs in its own SAVEPOINT: there
    ``commit()`` only releases the command's savepoint and ``rollback()``
    undoes that command alone; the worker commits the whole batch once, and
    only then acknowledges and broadcasts (``after_commit``). Outside a batch
    (every HTTP request, every command that is not batched) both do what they
    always did, so no service knows whether it runs in a batch.
    """

    def begin_batch(self) -> None:
        """Start a batch: commands' commits become savepoint releases until :meth:`end_batch`."""
        self.info["after_commit"] = []
        self.info["savepoint"] = None

    @property
    def in_batch(self) -> bool:
        return "savepoint" in self.info

    def begin_command(self) -> None:
        """Open the savepoint of the next command of the batch."""
        self.info["savepoint"] = self.begin_nested()

    def end_command(self) -> None:
        """Keep what the command wrote (release its savepoint, if still open)."""
        savepoint = self.info.get("savepoint")
        if savepoint is not None and savepoint.is_active:
            savepoint.commit()
        self.info["savepoint"] = None

    def end_batch(self) -> list:
        """Leave batch mode; return what waits for the commit (callables)."""
        self.info.pop("savepoint", None)
        return self.info.pop("after_commit", [])

    def commit(self) -> None:
        if not self.in_batch:
            super().commit()
            return
        self.flush()
        self.end_command()
        self.begin_command()

    def rollback(self) -> None:
        if not self.in_batch:
            super().rollback()
            return
        savepoint = self.info.get("savepoint")
        if savepoint is not None and savepoint.is_active:
            savepoint.rollback()
        self.begin_command()


def after_commit(fn, *args, **kwargs) -> None:
    """Run ``fn`` now, or, in a batch of commands, once the batch is committed."""
    pending = db.session.info.get("after_commit") if has_app_context() else None
    if pending is None:
        fn(*args, **kwargs)
    else:
        pending.append((fn, args, kwargs))


# Every request and socket event gets a fresh session, so objects need not be
# reloaded after a commit just to build the reply.
db = SQLAlchemy(
    model_class=Base, session_options={"expire_on_commit": False, "class_": Session}
)
migrate = Migrate()
socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
