"""Column helpers shared by the model modules."""

import enum
import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def new_uuid() -> str:
    """Return a random UUID as text (cards get theirs from the phone instead)."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """A point in time, always timezone-aware in UTC when it comes back, on every database.

    SQLite keeps no offset and hands back naive datetimes; PostgreSQL hands them
    back in the connection's time zone. Both are turned into aware UTC here, so
    a stored time can be compared with :func:`utcnow`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive time is ambiguous: the server's local time or UTC?
            raise ValueError(f"naive datetime refused, give it a time zone: {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def constrained_enum(enum_class: type[enum.StrEnum], name: str) -> Enum:
    """A column type for a string enum, stored as its values and checked by the database.

    :param enum_class: the enum whose members' values are the allowed texts.
    :param name: the CHECK constraint's name, ``ck_<table>_<name>`` by the naming convention.
    """
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        values_callable=lambda members: [member.value for member in members],
        length=16,
        validate_strings=True,
        name=name,
    )
