"""The moderation log: who changed what on a workshop's board, and how to take it back."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import utcnow


class ModerationEntry(db.Model):
    """One step a facilitator took: hide, edit, merge, paper card, phase (never an IP address)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    #: The facilitator's name as it was when they acted.
    actor: Mapped[str] = mapped_column(String(100), default="")
    #: What was done: the name of the service step (``hide_card``, ``merge_cards``, ...).
    action: Mapped[str] = mapped_column(String(40))
    #: The card it was about, if any.
    card_id: Mapped[str | None] = mapped_column(String(36))
    #: What is needed to show and to undo it (old text, moved votes, ...).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was undone; None while it stands.
    undone_at: Mapped[datetime | None]
