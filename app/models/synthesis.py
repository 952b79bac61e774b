"""The synthesis of a week: cross-cutting needs built from cards of any workshop."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import utcnow


class Need(db.Model):
    """A cross-cutting need (übergeordneter Bedarf) of an event, made of cards of its workshops."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: What is needed, as the closing workshop makes it concrete.
    what: Mapped[str] = mapped_column(Text, default="")
    #: Who could take it on (Akteur*innen).
    actors: Mapped[str] = mapped_column(Text, default="")
    #: The first steps.
    first_steps: Mapped[str] = mapped_column(Text, default="")
    #: 1 (highest) to 5; None while nobody has set one.
    priority: Mapped[int | None]
    #: Order on the synthesis board.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Raised by every change of a text field or the priority; a write that carries an
    #: older number was made on a stale view and is refused, so no edit is lost.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: The card of kind ``need`` that stands for it on the closing meeting's board, where
    #: participants dot-vote on it by the board's own rules; None until it is put to the vote.
    card_id: Mapped[str | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL"), index=True
    )

    links: Mapped[list["NeedCard"]] = relationship(
        back_populates="need", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def card_ids(self) -> list[str]:
        """The ids of the need's cards, in the order they were added."""
        return [link.card_id for link in sorted(self.links, key=lambda link: link.id or 0)]


class NeedCard(db.Model):
    """One card in one need; a card may be in several needs."""

    __table_args__ = (UniqueConstraint("need_id", "card_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("card.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    need: Mapped[Need] = relationship(back_populates="links")


class CardVector(db.Model):
    """A card's stored embedding, computed once per text off the command path."""

    card_id: Mapped[str] = mapped_column(
        ForeignKey("card.id", ondelete="CASCADE"), primary_key=True
    )
    #: The encoder that made it (``e5``); another encoder's vector is stale.
    encoder: Mapped[str] = mapped_column(String(40))
    #: float32 values, native byte order as numpy writes them.
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    #: SHA-256 of the text it was computed from; a changed text makes it stale.
    text_hash: Mapped[str] = mapped_column(String(64))


class DismissedSuggestion(db.Model):
    """A suggested group of cards the facilitators dismissed: it is not suggested again."""

    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    #: SHA-256 of the group's sorted card ids.
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SynthesisEntry(db.Model):
    """One step on an event's synthesis board, with what is needed to take it back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: The service step (``create_need``, ``merge_needs``, ...).
    action: Mapped[str] = mapped_column(String(40))
    #: ``{"before": [need states], "created": [need ids]}``: undoing restores the states
    #: and deletes the needs the step created.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was undone; None while it stands.
    undone_at: Mapped[datetime | None]
