"""A facilitator's own access to a workshop: a personal link, maybe a PIN, named, revocable."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import utcnow
from app.models.event import Workshop


class FacilitatorAccess(db.Model):
    """One facilitator's right to run one workshop, until it is revoked."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    #: Who holds it, e.g. "Aylin (Moderation)"; shown in the moderation log.
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 hex digest of the personal link's secret; the secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The six-digit PIN, hashed (scrypt); None when this access has no PIN.
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was taken away; None while it is valid.
    revoked_at: Mapped[datetime | None]

    workshop: Mapped[Workshop] = relationship()

    @hybrid_property
    def active(self) -> bool:
        """Whether this access still lets its holder run the workshop."""
        return self.revoked_at is None

    @active.inplace.expression
    @classmethod
    def _active_expression(cls):
        return cls.revoked_at.is_(None)
