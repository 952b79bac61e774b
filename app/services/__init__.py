"""Every write and every rule lives here; entry points call these functions and nothing else writes.

A service never touches ``request``, ``session`` or ``emit``: it checks, writes,
commits and returns, or raises :class:`ServiceError` having changed nothing.
"""

from app.services.errors import ServiceError

__all__ = ["ServiceError"]
