"""Participants are pseudonymous: a random id in a signed cookie, an optional name and group."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import new_uuid, utcnow


class Participant(db.Model):
    """One person (one phone) taking part in an event; no account, no IP address."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: What the person chose to be called; empty means anonymous.
    display_name: Mapped[str] = mapped_column(String(60), default="")
    #: Key of the stakeholder group they speak for, or None.
    group_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )


class Membership(db.Model):
    """A participant's place in one workshop, holding the dots they have spent there."""

    __table_args__ = (UniqueConstraint("participant_id", "workshop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    #: Dots spent so far; the vote service only raises it below the workshop's budget.
    dots_spent: Mapped[int] = mapped_column(default=0)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="memberships")
