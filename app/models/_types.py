"""Column helpers shared by the model modules."""

import uuid
from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def new_uuid() -> str:
    """Return a random UUID as text (cards get theirs from the phone instead)."""
    return str(uuid.uuid4())
