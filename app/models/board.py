"""The cards on a workshop's board and the dots participants put on them."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import constrained_enum, utcnow


class CardKind(enum.StrEnum):
    """The lanes of a board."""

    PROBLEM = "problem"
    SOLUTION = "solution"
    #: A cross-cutting need put to the vote on the closing meeting's board: the mirror of a
    #: :class:`~app.models.synthesis.Need`, written by the synthesis board, never by a phone.
    NEED = "need"


class CardStatus(enum.StrEnum):
    """Where a card stands: on the board, or why not."""

    VISIBLE = "visible"
    #: Taken back by its author.
    WITHDRAWN = "withdrawn"
    #: Waiting for a facilitator's approval (pre-moderation).
    PENDING = "pending"
    #: Hidden by a facilitator; it can be restored.
    HIDDEN = "hidden"
    #: Merged into another card (``merged_into_id``); the merge can be undone.
    MERGED = "merged"


class Card(db.Model):
    """A problem or solution card; its id is a UUID made by the phone that posted it."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    #: The participant who wrote it; None for cards typed in by a facilitator.
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[CardKind] = mapped_column(constrained_enum(CardKind, "card_kind"))
    text: Mapped[str] = mapped_column(Text)
    #: The problem card this solution answers, if any.
    answers_id: Mapped[str | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[CardStatus] = mapped_column(
        constrained_enum(CardStatus, "card_status"), default=CardStatus.VISIBLE
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the author last changed the text; None while it is as first posted.
    edited_at: Mapped[datetime | None]
    #: When a facilitator last changed the text; the author sees that it was edited.
    moderated_at: Mapped[datetime | None]
    #: The card this one was merged into, while it is merged.
    merged_into_id: Mapped[str | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL"), index=True
    )
    #: Pinned cards stand at the top of their lane.
    pinned: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Typed in by a facilitator from a paper card, for people without a phone.
    paper: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Dots counted on the paper poster and typed in by a facilitator.
    paper_dots: Mapped[int] = mapped_column(default=0, server_default="0")

    author = relationship("Participant")

    @hybrid_property
    def on_board(self) -> bool:
        """Whether the card shows on the board; the one place that decides it."""
        return self.status == CardStatus.VISIBLE


class Vote(db.Model):
    """The dots one participant has put on one card."""

    __table_args__ = (
        UniqueConstraint("participant_id", "card_id"),
        CheckConstraint("dots >= 0", name="dots_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    card_id: Mapped[str] = mapped_column(ForeignKey("card.id", ondelete="CASCADE"), index=True)
    #: How many dots; the vote service keeps it within the workshop's per-card limit.
    dots: Mapped[int] = mapped_column(default=0)
