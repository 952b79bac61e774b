"""The synthesis board: cross-cutting needs built from cards of the whole week.

Every step is logged as a :class:`SynthesisEntry` with the state of the needs it
touched, so that :func:`undo` can put them back. Text fields carry the ``version``
the facilitator saw: a write on a stale view is refused with the code
``conflict`` and the need as it is now, so the client can show both and nothing
is lost. Adding and removing cards are set operations and never conflict.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Card,
    CardKind,
    CardStatus,
    DismissedSuggestion,
    Event,
    Need,
    NeedCard,
    Participant,
    SynthesisEntry,
    Vote,
    Workshop,
)
from app.models._types import utcnow
from app.services.errors import ServiceError
from app.services.facts import next_seq

#: The highest and lowest priority a need can be given.
PRIORITY_RANGE = (1, 5)


class NeedConflict(ServiceError):
    """A write on a stale view of a need; ``need`` is the need as it stands now."""

    def __init__(self, need: Need):
        super().__init__(
            _l("Jemand hat diesen Bedarf inzwischen geändert. Bitte prüfe die neue Fassung."),
            "conflict",
            extra={"need": need_payload(need)},
        )
        self.need = need


@dataclass
class Changed:
    """What one step did: the needs that now stand changed, the ids of those gone.

    ``posted`` and ``cards`` are the vote cards (kind ``need``) on a workshop's board
    that the step made or changed (text, or on/off the board): their screens are told.
    """

    needs: list[Need] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    entry: SynthesisEntry | None = None
    posted: list[Card] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)


# ---- loading and checking ----------------------------------------------------


def _need(event_id: int, need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    if need is None or need.event_id != event_id:
        raise ServiceError(_l("Diesen Bedarf gibt es nicht mehr."), "not_found")
    return need


def _board_cards(event_id: int, card_ids: Iterable[str]) -> list[str]:
    """Return the ids if every card is on the board of one of the event's workshops."""
    wanted = list(dict.fromkeys(card_ids))
    if not wanted:
        return []
    found = set(
        db.session.scalars(
            select(Card.id)
            .join(Workshop, Workshop.id == Card.workshop_id)
            .where(
                Card.id.in_(wanted),
                Workshop.event_id == event_id,
                Card.on_board,
                Card.kind != CardKind.NEED,
            )
        )
    )
    if len(found) != len(wanted):
        raise ServiceError(_l("Diese Karte gibt es auf keinem Board dieser Woche."), "not_found")
    return wanted


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ServiceError(_l("Bitte gib dem Bedarf einen Titel."), field="title")
    return title[:200]


def _check_version(need: Need, version: int) -> None:
    if version != need.version:
        raise NeedConflict(need)


# ---- the log -----------------------------------------------------------------


def _state(need: Need) -> dict:
    """Everything needed to put a need back as it is now."""
    return {
        "id": need.id,
        "title": need.title,
        "what": need.what,
        "actors": need.actors,
        "first_steps": need.first_steps,
        "priority": need.priority,
        "position": need.position,
        "cards": need.card_ids,
        "vote": need.card_id,
    }


def _log(event_id: int, action: str, before: list[Need], created=()) -> SynthesisEntry:
    entry = SynthesisEntry(
        event_id=event_id,
        action=action,
        details={"before": [_state(n) for n in before], "created": [n.id for n in created]},
    )
    db.session.add(entry)
    return entry


def _set_cards(need: Need, card_ids: Iterable[str]) -> None:
    wanted = list(dict.fromkeys(card_ids))
    have = {link.card_id: link for link in need.links}
    for card_id, link in have.items():
        if card_id not in wanted:
            need.links.remove(link)
    for card_id in wanted:
        if card_id not in have:
            need.links.append(NeedCard(card_id=card_id))


def _commit(done: Changed) -> Changed:
    """Commit a step; the log entry keeps how its needs stood after it, for a safe undo."""
    db.session.flush()
    if done.entry is not None and done.entry.undone_at is None:
        done.entry.details = {**done.entry.details, "after": [_state(n) for n in done.needs]}
    for workshop_id in {card.workshop_id for card in done.posted + done.cards}:
        next_seq(db.session.get(Workshop, workshop_id))
    db.session.commit()
    return done


# ---- the vote on needs ---------------------------------------------------------


def _vote_card(need: Need) -> Card | None:
    return db.session.get(Card, need.card_id) if need.card_id else None


def _follow(need: Need, done: Changed) -> None:
    """Keep a need's vote card in step: its text is the need's title, and it stands while
    the need does (a card a facilitator hid stays hidden)."""
    card = _vote_card(need)
    if card is None:
        return
    changed = False
    if card.text != need.title:
        card.text, changed = need.title, True
    if card.status == CardStatus.WITHDRAWN:
        card.status, changed = CardStatus.VISIBLE, True
    if changed and card not in done.cards:
        done.cards.append(card)


def _withdraw_vote(need: Need, done: Changed) -> None:
    """Take a need's vote card off its board: the need is gone (its dots stay with the card)."""
    card = _vote_card(need)
    if card is not None and card.status == CardStatus.VISIBLE:
        card.status = CardStatus.WITHDRAWN
        done.cards.append(card)


def put_to_vote(event: Event, workshop_id: int) -> Changed:
    """Put every need of the event on a workshop's board (the closing meeting) as a card.

    Each need gets one card of kind ``need`` with its title, authorless like a paper
    card; participants dot-vote on it there by the workshop's own voting rules. A need
    already on that board keeps its card and its dots; one on another board moves.
    """
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or workshop.event_id != event.id:
        raise ServiceError(_l("Diesen Workshop gibt es in dieser Woche nicht."), "not_found")
    all_needs = event_needs(event.id)
    if not all_needs:
        raise ServiceError(_l("Es gibt noch keine Bedarfe zum Abstimmen."), "empty")
    done = Changed()
    for need in all_needs:
        card = _vote_card(need)
        if card is not None and card.workshop_id == workshop.id:
            # Already there: it keeps its dots; one withdrawn with its need comes back,
            # one a facilitator hid or merged on the console stays as they left it.
            _follow(need, done)
            continue
        _withdraw_vote(need, done)
        card = Card(
            id=str(uuid.uuid4()),
            workshop_id=workshop.id,
            author_id=None,
            kind=CardKind.NEED,
            text=need.title,
            status=CardStatus.VISIBLE,
        )
        db.session.add(card)
        need.card_id = card.id
        done.posted.append(card)
        done.needs.append(need)
    return _commit(done)


# ---- the steps -----------------------------------------------------------------


def create_need(event: Event, title: str, card_ids: Iterable[str] = ()) -> Changed:
    """Create a need, optionally with its first cards.

    :param card_ids: cards on a board of the event's workshops.
    """
    cards = _board_cards(event.id, card_ids)
    position = db.session.scalar(
        select(func.coalesce(func.max(Need.position) + 1, 0)).where(Need.event_id == event.id)
    )
    need = Need(event_id=event.id, title=_title(title), position=position)
    _set_cards(need, cards)
    db.session.add(need)
    db.session.flush()
    entry = _log(event.id, "create_need", [], [need])
    return _commit(Changed([need], entry=entry))


def rename_need(event: Event, need_id: int, title: str, version: int) -> Changed:
    """Give a need a new title; refused with ``conflict`` if ``version`` is not the latest."""
    need = _need(event.id, need_id)
    _check_version(need, version)
    entry = _log(event.id, "rename_need", [need])
    need.title = _title(title)
    need.version += 1
    done = Changed([need], entry=entry)
    _follow(need, done)
    return _commit(done)


def update_need(
    event: Event,
    need_id: int,
    *,
    what: str,
    actors: str,
    first_steps: str,
    priority: int | None,
    version: int,
) -> Changed:
    """Make a need concrete: what is needed, who could do it, first steps, priority."""
    need = _need(event.id, need_id)
    _check_version(need, version)
    low, high = PRIORITY_RANGE
    if priority is not None and not low <= priority <= high:
        raise ServiceError(_l("Ungültige Priorität."), field="priority")
    entry = _log(event.id, "update_need", [need])
    need.what, need.actors, need.first_steps = what or "", actors or "", first_steps or ""
    need.priority = priority
    need.version += 1
    return _commit(Changed([need], entry=entry))


def add_cards(event: Event, need_id: int, card_ids: Iterable[str]) -> Changed:
    """Put cards into a need; cards already in it stay as they are."""
    need = _need(event.id, need_id)
    cards = _board_cards(event.id, card_ids)
    entry = _log(event.id, "add_cards", [need])
    _set_cards(need, need.card_ids + cards)
    return _commit(Changed([need], entry=entry))


def remove_cards(event: Event, need_id: int, card_ids: Iterable[str]) -> Changed:
    """Take cards out of a need; cards not in it are ignored."""
    need = _need(event.id, need_id)
    leaving = set(card_ids)
    entry = _log(event.id, "remove_cards", [need])
    _set_cards(need, [c for c in need.card_ids if c not in leaving])
    return _commit(Changed([need], entry=entry))


def merge_needs(event: Event, into_id: int, other_ids: Iterable[int]) -> Changed:
    """Move the cards of other needs into one and delete the others."""
    into = _need(event.id, into_id)
    others = [_need(event.id, n) for n in dict.fromkeys(other_ids) if n != into_id]
    if not others:
        raise ServiceError(_l("Wähle die Bedarfe zum Zusammenführen."), field="others")
    entry = _log(event.id, "merge_needs", [into, *others])
    cards = into.card_ids
    for other in others:
        cards += other.card_ids
    _set_cards(into, cards)
    done = Changed([into], [other.id for other in others], entry)
    for other in others:
        _withdraw_vote(other, done)
        db.session.delete(other)
    return _commit(done)


def split_need(event: Event, need_id: int, card_ids: Iterable[str], new_title: str) -> Changed:
    """Move some of a need's cards into a new need."""
    need = _need(event.id, need_id)
    moving = [c for c in dict.fromkeys(card_ids) if c in set(need.card_ids)]
    if not moving:
        raise ServiceError(_l("Wähle Karten dieses Bedarfs."), field="cards")
    title = _title(new_title)
    before = _state(need)
    _set_cards(need, [c for c in need.card_ids if c not in set(moving)])
    new = Need(event_id=event.id, title=title, position=need.position + 1)
    _set_cards(new, moving)
    db.session.add(new)
    db.session.flush()
    entry = SynthesisEntry(
        event_id=event.id, action="split_need", details={"before": [before], "created": [new.id]}
    )
    db.session.add(entry)
    return _commit(Changed([need, new], entry=entry))


def delete_need(event: Event, need_id: int) -> Changed:
    """Delete a need; its cards stay on their boards."""
    need = _need(event.id, need_id)
    entry = _log(event.id, "delete_need", [need])
    done = Changed([], [need_id], entry)
    _withdraw_vote(need, done)
    db.session.delete(need)
    return _commit(done)


def undo(event: Event, entry_id: int) -> Changed:
    """Take back one step: the needs it touched are put back, the needs it made are deleted.

    A step whose needs were changed since is refused (code ``stale``) and nothing
    changes: undoing it would overwrite the later edit. Cards that have left their
    boards since are not put back.
    """
    entry = db.session.get(SynthesisEntry, entry_id)
    if entry is None or entry.event_id != event.id:
        raise ServiceError(_l("Diesen Schritt gibt es nicht."), "not_found")
    if entry.undone_at is not None:
        raise ServiceError(_l("Dieser Schritt ist schon rückgängig gemacht."), "undone")
    if _changed_since(entry):
        raise ServiceError(
            _l(
                "Dieser Schritt lässt sich nicht mehr rückgängig machen: "
                "Die Bedarfe wurden seitdem weiter geändert."
            ),
            "stale",
        )
    done = Changed(entry=entry)
    for need_id in entry.details.get("created", []):
        need = db.session.get(Need, need_id)
        if need is not None:
            _withdraw_vote(need, done)
            db.session.delete(need)
            done.gone.append(need_id)
    on_board = set(
        _existing_board_cards(event.id, [c for s in entry.details["before"] for c in s["cards"]])
    )
    for state in entry.details.get("before", []):
        need = db.session.get(Need, state["id"])
        if need is None:
            need = Need(id=state["id"], event_id=event.id, title=state["title"])
            need.card_id = state.get("vote")
            db.session.add(need)
        else:
            need.version += 1
        for key in ("title", "what", "actors", "first_steps", "priority", "position"):
            setattr(need, key, state[key])
        _set_cards(need, [c for c in state["cards"] if c in on_board])
        if need.card_id is not None and _vote_card(need) is None:
            need.card_id = None
        _follow(need, done)
        done.needs.append(need)
    entry.undone_at = utcnow()
    db.session.flush()
    return _commit(done)


#: What a later step may have changed of a need; its vote card (``vote``) is left out:
#: putting the needs to the vote does not stand in the way of undoing a rename.
_COMPARED = ("title", "what", "actors", "first_steps", "priority", "cards")


def _changed_since(entry: SynthesisEntry) -> bool:
    """Whether a need the step left behind has changed since (or is gone)."""
    for after in entry.details.get("after", []):
        need = db.session.get(Need, after["id"])
        if need is None:
            return True
        now = _state(need)
        if any(now[key] != after[key] for key in _COMPARED if key != "cards"):
            return True
        if sorted(now["cards"]) != sorted(after["cards"]):  # putting back may reorder them
            return True
    return False


def _existing_board_cards(event_id: int, card_ids: list[str]) -> list[str]:
    if not card_ids:
        return []
    return list(
        db.session.scalars(
            select(Card.id)
            .join(Workshop, Workshop.id == Card.workshop_id)
            .where(
                Card.id.in_(set(card_ids)),
                Workshop.event_id == event_id,
                Card.on_board,
                Card.kind != CardKind.NEED,
            )
        )
    )


def dismiss_suggestion(event: Event, card_ids: Iterable[str]) -> str:
    """Remember that a suggested group of cards was dismissed; return its key."""
    key = suggestion_key(card_ids)
    exists = db.session.scalar(select(DismissedSuggestion.id).filter_by(event_id=event.id, key=key))
    if exists is None:
        db.session.add(DismissedSuggestion(event_id=event.id, key=key))
        db.session.commit()
    return key


def suggestion_key(card_ids: Iterable[str]) -> str:
    """A stable name for a group of cards, whatever their order."""
    import hashlib

    return hashlib.sha256(",".join(sorted(set(card_ids))).encode()).hexdigest()


# ---- what the board shows ----------------------------------------------------


def event_needs(event_id: int) -> list[Need]:
    """Return the event's needs in board order."""
    return list(
        db.session.scalars(
            select(Need)
            .options(selectinload(Need.links))
            .where(Need.event_id == event_id)
            .order_by(Need.position, Need.id)
        )
    )


def event_dot_totals(event_id: int) -> dict[str, int]:
    """Return the dots of every card on a board of the event, phones and paper (none: left out)."""
    on_event = (Workshop.id == Card.workshop_id) & (Workshop.event_id == event_id)
    rows = db.session.execute(
        select(Vote.card_id, func.sum(Vote.dots))
        .join(Card, Card.id == Vote.card_id)
        .join(Workshop, on_event)
        .where(Card.on_board)
        .group_by(Vote.card_id)
    )
    totals = {card_id: int(total) for card_id, total in rows if total}
    paper = db.session.execute(
        select(Card.id, Card.paper_dots)
        .join(Workshop, on_event)
        .where(Card.on_board, Card.paper_dots > 0)
    )
    for card_id, dots in paper:
        totals[card_id] = totals.get(card_id, 0) + dots
    return totals


@dataclass
class BoardCard:
    """What the synthesis board needs to know of one card."""

    id: str
    workshop_id: int
    kind: str
    text: str
    group: str | None
    dots: int
    #: The problem card this solution answers, if any.
    answers: str | None = None

    def payload(self, workshops: dict[int, str]) -> dict:
        return {
            "id": self.id,
            "workshop": self.workshop_id,
            "theme": workshops.get(self.workshop_id, ""),
            "kind": self.kind,
            "text": self.text,
            "group": self.group,
            "dots": self.dots,
            "answers": self.answers,
        }


class SynthesisView:
    """The event's on-board cards and workshops, loaded once, to describe needs with."""

    def __init__(self, event_id: int):
        self.event_id = event_id
        self.workshops = dict(
            db.session.execute(
                select(Workshop.id, Workshop.title)
                .where(Workshop.event_id == event_id)
                .order_by(Workshop.position, Workshop.id)
            ).all()
        )
        dots = event_dot_totals(event_id)
        rows = db.session.execute(
            select(
                Card.id,
                Card.workshop_id,
                Card.kind,
                Card.text,
                Participant.group_key,
                Card.answers_id,
            )
            .join(Workshop, Workshop.id == Card.workshop_id)
            .outerjoin(Participant, Participant.id == Card.author_id)
            .where(Workshop.event_id == event_id, Card.on_board, Card.kind != CardKind.NEED)
            .order_by(Workshop.position, Card.created_at, Card.id)
        )
        self.dots = dots
        #: The vote cards (kind ``need``) on a board, by id: their workshop.
        self._vote_cards = dict(
            db.session.execute(
                select(Card.id, Card.workshop_id)
                .join(Workshop, Workshop.id == Card.workshop_id)
                .where(Workshop.event_id == event_id, Card.on_board, Card.kind == CardKind.NEED)
            ).all()
        )
        self.cards = {
            card_id: BoardCard(
                card_id, workshop, str(kind), text, group, dots.get(card_id, 0), answers
            )
            for card_id, workshop, kind, text, group, answers in rows
        }

    def need_payload(self, need: Need) -> dict:
        """A need with where it came from: themes, cards, dots, stakeholder groups."""
        cards = [self.cards[c] for c in need.card_ids if c in self.cards]
        themes = list(dict.fromkeys(c.workshop_id for c in cards))
        themes.sort(key=list(self.workshops).index)
        return {
            **_state(need),
            "version": need.version,
            # Only the cards still on a board; the stored state keeps all of them.
            "cards": [c.id for c in cards],
            # The solution cards of the themed workshops that serve the need.
            "goals": [c.id for c in cards if c.kind == CardKind.SOLUTION],
            "themes": [{"id": w, "title": self.workshops[w]} for w in themes],
            "card_count": len(cards),
            "dots": sum(c.dots for c in cards),
            "groups": dict(Counter(c.group for c in cards if c.group)),
            "vote": self.vote(need),
        }

    def vote(self, need: Need) -> dict | None:
        """Where the need stands to the vote and the dots it got there, or None."""
        if need.card_id is None:
            return None
        if need.card_id not in self._vote_cards:
            return None
        workshop_id = self._vote_cards[need.card_id]
        return {
            "card": need.card_id,
            "workshop": workshop_id,
            "theme": self.workshops.get(workshop_id, ""),
            "dots": self.dots.get(need.card_id, 0),
        }

    def matrix(self, needs: list[Need]) -> dict:
        """Needs × workshops: in each cell the number of the need's cards and their dots."""
        rows = []
        for need in needs:
            cells = {w: {"cards": 0, "dots": 0} for w in self.workshops}
            for card_id in need.card_ids:
                card = self.cards.get(card_id)
                if card is not None:
                    cells[card.workshop_id]["cards"] += 1
                    cells[card.workshop_id]["dots"] += card.dots
            vote = self.vote(need)
            rows.append(
                {
                    "need": need.id,
                    "title": need.title,
                    "cells": [cells[w] for w in self.workshops],
                    "votes": vote["dots"] if vote else None,
                }
            )
        return {
            "workshops": [{"id": w, "title": t} for w, t in self.workshops.items()],
            "needs": rows,
        }


def need_payload(need: Need) -> dict:
    """A need with where it came from, for one need (loads the event's cards)."""
    return SynthesisView(need.event_id).need_payload(need)


def needs_matrix(event_id: int) -> dict:
    """The event's needs × workshops matrix."""
    return SynthesisView(event_id).matrix(event_needs(event_id))


def entry_payload(entry: SynthesisEntry) -> dict:
    """A step of the synthesis log, as the board shows it and offers to undo it."""
    return {
        "id": entry.id,
        "action": entry.action,
        "at": entry.created_at.isoformat(),
        "undone": entry.undone_at is not None,
    }
