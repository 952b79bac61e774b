"""One consistent read of an event for the exports: its workshops, cards, dots and participation."""

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, CardKind, CardStatus, Event, Membership, Participant, Vote, Workshop
from app.services.errors import ServiceError
from app.services.exports.needs import NeedView, needs_of

#: ``progress(fraction, message)``, as a background job reports how far it got.
Progress = Callable[[float, str], None]


def venue_time(moment: datetime) -> datetime:
    """The moment on the venue's clock, without a zone: spreadsheets know none."""
    try:
        zone = ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:  # a system without a time zone database
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).replace(tzinfo=None)


def no_progress(fraction: float, message: str) -> None:
    """Report nothing: for exports that run outside a job."""


@contextmanager
def consistent_read() -> Iterator[None]:
    """Run the reads inside in one snapshot of the database, however long they take.

    Phones may post and vote while an export runs; PostgreSQL reads in one
    REPEATABLE READ transaction, SQLite in one explicit read transaction (WAL
    keeps it from blocking writers). Nothing is written in it.
    """
    session = db.session
    session.rollback()
    if db.engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    elif db.engine.dialect.name == "sqlite":
        # pysqlite begins no transaction for a SELECT: each query would see the newest data.
        session.connection().exec_driver_sql("BEGIN")
    try:
        yield
    finally:
        session.rollback()


@dataclass
class CardData:
    """A card as the exports show it."""

    id: str
    workshop_id: int
    kind: str
    text: str
    answers_id: str | None
    status: str
    created_at: datetime
    paper: bool
    pinned: bool
    #: Dots from phones plus dots counted on paper.
    dots: int
    author_id: str | None
    author_name: str
    group_key: str | None
    #: Place in its lane by dots (1 = most); equal dots share a place. Cards on the board only.
    rank: int = 0

    @property
    def on_board(self) -> bool:
        return self.status == CardStatus.VISIBLE


@dataclass
class WorkshopData:
    """One workshop (theme) with its cards and who took part."""

    id: int
    slug: str
    title: str
    description: str
    day: date | None
    starts_at: time | None
    ends_at: time | None
    room: str
    facilitators: list[str]
    phase: str
    #: Every card, oldest first, whatever its status.
    cards: list[CardData] = field(default_factory=list)
    #: Members per stakeholder group key (None: no group given).
    members_by_group: Counter = field(default_factory=Counter)

    def ranked(self, kind: str) -> list[CardData]:
        """The cards of one lane on the board, most dots first."""
        return [card for card in self._ranked if card.kind == kind]

    @property
    def _ranked(self) -> list[CardData]:
        on_board = [card for card in self.cards if card.on_board]
        return sorted(on_board, key=lambda card: (-card.dots, card.created_at, card.id))

    def answers_to(self, problem: CardData) -> list[CardData]:
        """The solutions on the board that answer this problem, most dots first."""
        return [card for card in self.ranked(CardKind.SOLUTION) if card.answers_id == problem.id]

    def answered(self, solution: CardData) -> CardData | None:
        """The problem on the board this solution answers, if any (a hidden one is not shown)."""
        for card in self.cards:
            if card.id == solution.answers_id and card.on_board:
                return card
        return None

    @property
    def dots_given(self) -> int:
        return sum(card.dots for card in self.cards if card.on_board)

    @property
    def members(self) -> int:
        return sum(self.members_by_group.values())


@dataclass
class EventData:
    """An event as it was at one moment: what every export is built from."""

    id: int
    slug: str
    title: str
    description: str
    workshops: list[WorkshopData]
    #: Label per group key in the export's language, in the event's order.
    group_labels: dict[str, str]
    #: Distinct participants of these workshops per group key.
    participants_by_group: Counter
    #: How many workshops the event has, also when the export covers only one of them.
    workshops_in_event: int = 0

    @property
    def one_of_several(self) -> bool:
        """Whether this is one workshop out of a week of several (its title page says which)."""
        return len(self.workshops) == 1 and self.workshops_in_event > 1

    @property
    def days(self) -> list[date]:
        return sorted({w.day for w in self.workshops if w.day is not None})

    def group_label(self, key: str | None) -> str:
        if key is None:
            return _("ohne Angabe")
        return self.group_labels.get(key, key)

    def author_group(self, card: CardData) -> str:
        """The group of the card's author; "" for a card typed in from paper, which has none."""
        return self.group_label(card.group_key) if card.author_id else ""

    def groups_in_order(self, counts: Counter) -> list[tuple[str, int]]:
        """The groups with a count, in the event's order; unknown keys and "none given" last."""
        keys = [key for key in self.group_labels if counts.get(key)]
        keys += sorted(key for key in counts if key is not None and key not in self.group_labels)
        if counts.get(None):
            keys.append(None)
        return [(self.group_label(key), counts[key]) for key in keys]

    def card(self, card_id: str | None) -> CardData | None:
        for workshop in self.workshops:
            for card in workshop.cards:
                if card.id == card_id:
                    return card
        return None


def _rank(cards: list[CardData]) -> None:
    """Give each card its place: equal dots share one, the next place skips (1, 1, 3)."""
    previous, place = None, 0
    for index, card in enumerate(cards, start=1):
        if card.dots != previous:
            place, previous = index, card.dots
        card.rank = place


def read_event(event_id: int, *, workshop_id: int | None = None, locale: str = "de") -> EventData:
    """Read an event (or one workshop of it) for an export; call inside :func:`consistent_read`.

    :param workshop_id: only this workshop of the event.
    :param locale: the language of the stakeholder group labels.
    """
    event = db.session.get(Event, event_id)
    if event is None:
        raise ServiceError(_("Diese Veranstaltung gibt es nicht."), "not_found")
    query = select(Workshop).where(Workshop.event_id == event_id)
    if workshop_id is not None:
        query = query.where(Workshop.id == workshop_id)
    workshops = [
        WorkshopData(
            id=w.id,
            slug=w.slug,
            title=w.title,
            description=w.description or "",
            day=w.day,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            room=w.room or "",
            facilitators=list(w.facilitators or []),
            phase=str(w.phase),
        )
        for w in db.session.scalars(query.order_by(Workshop.position, Workshop.id))
    ]
    if workshop_id is not None and not workshops:
        raise ServiceError(_("Diesen Workshop gibt es nicht."), "not_found")
    by_id = {w.id: w for w in workshops}
    ids = list(by_id)
    phone_dots = dict(
        db.session.execute(
            select(Vote.card_id, func.sum(Vote.dots))
            .join(Card, Card.id == Vote.card_id)
            .where(Card.workshop_id.in_(ids))
            .group_by(Vote.card_id)
        ).all()
    )
    rows = db.session.execute(
        select(Card, Participant.display_name, Participant.group_key)
        .outerjoin(Participant, Participant.id == Card.author_id)
        .where(Card.workshop_id.in_(ids))
        .order_by(Card.created_at, Card.id)
    )
    for card, name, group_key in rows:
        by_id[card.workshop_id].cards.append(
            CardData(
                id=card.id,
                workshop_id=card.workshop_id,
                kind=str(card.kind),
                text=card.text,
                answers_id=card.answers_id,
                status=str(card.status),
                created_at=card.created_at,
                paper=bool(card.paper),
                pinned=bool(card.pinned),
                dots=int(phone_dots.get(card.id) or 0) + (card.paper_dots or 0),
                author_id=card.author_id,
                author_name=name or "",
                group_key=group_key,
            )
        )
    members = db.session.execute(
        select(Membership.workshop_id, Participant.group_key, func.count(Membership.id))
        .join(Participant, Participant.id == Membership.participant_id)
        .where(Membership.workshop_id.in_(ids))
        .group_by(Membership.workshop_id, Participant.group_key)
    )
    for wid, group_key, count in members:
        by_id[wid].members_by_group[group_key] += count
    participants = Counter(
        dict(
            db.session.execute(
                select(Participant.group_key, func.count(func.distinct(Participant.id)))
                .join(Membership, Membership.participant_id == Participant.id)
                .where(Membership.workshop_id.in_(ids))
                .group_by(Participant.group_key)
            ).all()
        )
    )
    for workshop in workshops:
        for kind in (CardKind.PROBLEM, CardKind.SOLUTION, CardKind.NEED):
            _rank(workshop.ranked(kind))
    return EventData(
        id=event.id,
        slug=event.slug,
        title=event.title,
        description=event.description or "",
        workshops=workshops,
        group_labels={g.key: g.label(locale) for g in event.stakeholder_groups},
        participants_by_group=participants,
        workshops_in_event=db.session.scalar(
            select(func.count(Workshop.id)).where(Workshop.event_id == event_id)
        ),
    )


def read_snapshot(
    event_id: int, *, workshop_id: int | None = None, locale: str = "de", with_needs: bool = True
) -> tuple[EventData, list[NeedView] | None]:
    """Read the event (or one workshop) and the event's cross-cutting needs in one snapshot.

    :param with_needs: False reads no needs (None), for an export that shows none.
    :return: the data and the needs; None for the needs of one workshop, which has none.
    """
    with consistent_read():
        data = read_event(event_id, workshop_id=workshop_id, locale=locale)
        needs = None
        if with_needs and workshop_id is None:
            needs = needs_of(event_id, data.group_label)
    return data, needs


def file_export(*, with_needs: bool = True):
    """Make ``build(data, needs, *, locale, pseudonymise, progress) -> bytes`` a file export.

    The export it makes is called as every ``build_…`` of :mod:`app.services.exports`:
    ``(event_id, *, workshop_id=None, locale="de", pseudonymise=True, progress=None)``; it
    reads one snapshot (:func:`read_snapshot`), builds in the export's language and reports
    the start and the end to ``progress``.
    """

    def decorate(build: Callable[..., bytes]) -> Callable[..., bytes]:
        def export(
            event_id: int,
            *,
            workshop_id: int | None = None,
            locale: str = "de",
            pseudonymise: bool = True,
            progress: Progress | None = None,
        ) -> bytes:
            progress = progress or no_progress
            with force_locale(locale):
                progress(0.0, _("Daten werden gelesen"))
                data, needs = read_snapshot(
                    event_id, workshop_id=workshop_id, locale=locale, with_needs=with_needs
                )
                content = build(
                    data, needs, locale=locale, pseudonymise=pseudonymise, progress=progress
                )
                progress(1.0, _("Fertig"))
                return content

        functools.update_wrapper(export, build)
        # help() and inspect show the export's own signature, not the inner build's.
        del export.__wrapped__
        return export

    return decorate


def kind_label(kind: str) -> str:
    """The name of a card's lane in the export's language."""
    if kind == CardKind.NEED:
        # A cross-cutting need put to the vote on a workshop's board.
        return _("Bedarf")
    return _("Problem") if kind == CardKind.PROBLEM else _("Lösung")


def status_label(status: str) -> str:
    """Where a card stands, in the export's language."""
    return {
        CardStatus.VISIBLE: _("sichtbar"),
        CardStatus.WITHDRAWN: _("zurückgezogen"),
        CardStatus.PENDING: _("wartet auf Freigabe"),
        CardStatus.HIDDEN: _("ausgeblendet"),
        CardStatus.MERGED: _("zusammengeführt"),
    }.get(status, status)
