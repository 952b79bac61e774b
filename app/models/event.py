"""An event is a workshop week: themed workshops and the stakeholder groups participants pick."""

import enum
from datetime import date, datetime, time, timedelta

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, and_, false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import constrained_enum, utcnow


class Phase(enum.StrEnum):
    """The phases a workshop moves through, in order."""

    COLLECT = "collect"
    DISCUSS = "discuss"
    VOTE = "vote"
    RESULTS = "results"
    CLOSED = "closed"


#: Phases in which participants write cards.
COLLECTING_PHASES = frozenset({Phase.COLLECT})
#: Phases in which participants put dots on cards.
VOTING_PHASES = frozenset({Phase.VOTE})
#: Phases in which the dots on each card are shown to everyone.
RESULTS_PHASES = frozenset({Phase.RESULTS, Phase.CLOSED})


class Event(db.Model):
    """A workshop week of one participation process."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable name from the week file; loading the file again finds the event by it.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Days the event's data are kept after its last workshop day; then ``purge-expired``
    #: deletes them. A number rather than a date, so that moving a workshop moves the end too.
    retention_days: Mapped[int] = mapped_column(default=365, server_default="365")

    workshops: Mapped[list["Workshop"]] = relationship(
        back_populates="event", order_by="Workshop.position", cascade="all, delete-orphan"
    )
    stakeholder_groups: Mapped[list["StakeholderGroup"]] = relationship(
        back_populates="event", order_by="StakeholderGroup.position", cascade="all, delete-orphan"
    )

    @property
    def last_day(self) -> date:
        """The last workshop day of the week, or the day the event was created if none has a day."""
        days = [workshop.day for workshop in self.workshops if workshop.day is not None]
        return max(days) if days else self.created_at.date()

    @property
    def retention_ends(self) -> date:
        """The last day the event's data are kept; from the next day on they may be purged."""
        return self.last_day + timedelta(days=self.retention_days)


class StakeholderGroup(db.Model):
    """A group a participant may say they speak for (civil society, administration, ...)."""

    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    #: Label per language code, e.g. {"de": "Verwaltung", "en": "Administration"}.
    labels: Mapped[dict] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="stakeholder_groups")

    def label(self, locale: str) -> str:
        """Return the label in the given language, German when there is none."""
        return self.pick_label(self.key, self.labels, locale)

    @staticmethod
    def pick_label(key: str, labels: dict, locale: str) -> str:
        """The label of a group's ``labels`` in the given language, German when there is none."""
        return labels.get(locale) or labels.get("de") or key


class Workshop(db.Model):
    """One themed workshop of the week, with its own board, phase and dot budget."""

    __table_args__ = (UniqueConstraint("event_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    day: Mapped[date | None]
    starts_at: Mapped[time | None]
    ends_at: Mapped[time | None]
    room: Mapped[str] = mapped_column(String(200), default="")
    #: Names of the facilitators, as printed in the programme.
    facilitators: Mapped[list] = mapped_column(JSON, default=list)
    phase: Mapped[Phase] = mapped_column(
        constrained_enum(Phase, "workshop_phase"), default=Phase.COLLECT
    )
    phase_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Dots each participant may spend in this workshop.
    dot_budget: Mapped[int] = mapped_column(default=5)
    #: Most dots one participant may put on a single card.
    max_dots_per_card: Mapped[int] = mapped_column(default=3)
    #: Secret carried by the QR code's join link (256 bits, URL-safe).
    join_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: Six unambiguous characters to type on /join when the QR code cannot be scanned.
    short_code: Mapped[str] = mapped_column(String(6), unique=True)
    #: Secret of the facilitator link; whoever opens it runs this workshop.
    facilitator_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: Secret of the projector link: a read-only view of the workshop.
    projector_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: Number of the last fact sent to the workshop's screens; screens notice a gap and resync.
    seq: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Blind collect: each phone sees only its own cards until the facilitator reveals them all.
    blind_collect: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Whether the cards of a blind collect have been revealed to the phones.
    cards_revealed: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Pre-moderation: new cards from phones wait for a facilitator's approval.
    premoderation: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Whether the facilitator has revealed the results (they show from the results phase on).
    results_revealed: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Length of the current step's timer in seconds, as it was set; None when there is none.
    timer_duration: Mapped[int | None]
    #: When the running timer reaches zero; None when it is paused or there is none.
    timer_ends_at: Mapped[datetime | None]
    #: Seconds left on a paused timer; None when it runs or there is none.
    timer_remaining: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="workshops")

    @property
    def current_phase(self) -> Phase:
        """Return the phase as an enum member."""
        return Phase(self.phase)

    @hybrid_property
    def collecting(self) -> bool:
        """Whether participants may write cards now."""
        return self.phase in COLLECTING_PHASES

    @collecting.inplace.expression
    @classmethod
    def _collecting_expression(cls):
        return cls.phase.in_(COLLECTING_PHASES)

    @hybrid_property
    def voting(self) -> bool:
        """Whether participants may put dots on cards now."""
        return self.phase in VOTING_PHASES

    @voting.inplace.expression
    @classmethod
    def _voting_expression(cls):
        return cls.phase.in_(VOTING_PHASES)

    @hybrid_property
    def results_shown(self) -> bool:
        """Whether everyone sees the dots on each card: voting is over and they were revealed."""
        return self.phase in RESULTS_PHASES and bool(self.results_revealed)

    @results_shown.inplace.expression
    @classmethod
    def _results_shown_expression(cls):
        return and_(cls.phase.in_(RESULTS_PHASES), cls.results_revealed)

    @hybrid_property
    def blind(self) -> bool:
        """Whether phones see only their own cards' text now (blind collect, not yet revealed)."""
        return bool(self.blind_collect) and not self.cards_revealed

    @blind.inplace.expression
    @classmethod
    def _blind_expression(cls):
        return and_(cls.blind_collect, ~cls.cards_revealed)
