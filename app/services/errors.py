"""The one exception services raise for a rule a person broke."""


class ServiceError(Exception):
    """A request was refused; nothing was changed. ``message`` is shown to the person."""

    def __init__(
        self, message, code: str = "invalid", field: str | None = None, extra: dict | None = None
    ):
        super().__init__(message)
        #: The form field the refusal is about, if it is about one.
        self.field = field
        #: Lazy translatable text, rendered in the person's language at the entry point.
        self.message = message
        #: Machine-readable reason (``not_found``, ``phase``, ``budget``, ...).
        self.code = code
        #: More of the reply a socket gets with the refusal (``{"need": ...}`` on a conflict).
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)
