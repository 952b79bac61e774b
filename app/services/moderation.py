"""What facilitators do to the cards of their workshop; every step is logged and can be undone.

Each function checks, writes the change and its log entry, numbers the fact and
commits; it returns what the screens must be told. ``actor`` is the
facilitator's name for the log.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Card, CardKind, CardStatus, ModerationEntry, Vote, Workshop
from app.models._types import utcnow
from app.services.errors import ServiceError
from app.services.facts import next_seq


@dataclass
class Moderated:
    """What a moderation step changed: the cards to show again, the cards gone, the log entry."""

    cards: list[Card]
    entry: ModerationEntry
    gone: list[str] = field(default_factory=list)


def _card(workshop: Workshop, card_id: str, statuses) -> Card:
    card = db.session.get(Card, card_id) if card_id else None
    if card is None or card.workshop_id != workshop.id or card.status not in statuses:
        raise ServiceError(_l("Diese Karte gibt es nicht (mehr)."), "not_found")
    return card


def log(workshop: Workshop, actor: str, action: str, card_id=None, **details) -> ModerationEntry:
    """Write a step into the workshop's moderation log (the caller commits)."""
    entry = ModerationEntry(
        workshop_id=workshop.id, actor=actor, action=action, card_id=card_id, details=details
    )
    db.session.add(entry)
    return entry


def _done(workshop: Workshop, cards: list[Card], entry: ModerationEntry, gone=()) -> Moderated:
    db.session.flush()
    next_seq(workshop)
    db.session.commit()
    return Moderated(cards, entry, list(gone))


ON_BOARD = {CardStatus.VISIBLE}
LISTED = {CardStatus.VISIBLE, CardStatus.PENDING, CardStatus.HIDDEN}


def hide_card(workshop: Workshop, actor: str, card_id: str) -> Moderated:
    """Take a card off every screen but the console; its dots stay with it for a restore."""
    card = _card(workshop, card_id, {CardStatus.VISIBLE, CardStatus.PENDING})
    entry = log(workshop, actor, "hide_card", card.id, was=str(card.status), text=card.text)
    card.status = CardStatus.HIDDEN
    return _done(workshop, [card], entry)


def restore_card(workshop: Workshop, actor: str, card_id: str) -> Moderated:
    """Put a hidden card back on the board."""
    card = _card(workshop, card_id, {CardStatus.HIDDEN})
    entry = log(workshop, actor, "restore_card", card.id, text=card.text)
    card.status = CardStatus.VISIBLE
    return _done(workshop, [card], entry)


def approve_card(workshop: Workshop, actor: str, card_id: str) -> Moderated:
    """Let a card that waits for approval onto the board."""
    card = _card(workshop, card_id, {CardStatus.PENDING})
    entry = log(workshop, actor, "approve_card", card.id, text=card.text)
    card.status = CardStatus.VISIBLE
    return _done(workshop, [card], entry)


def edit_card(workshop: Workshop, actor: str, card_id: str, text: str) -> Moderated:
    """Change a card's text; its author and everyone else see that it was edited."""
    card = _card(workshop, card_id, LISTED)
    if text == card.text:
        raise ServiceError(_l("Der Text ist unverändert."), "unchanged")
    entry = log(
        workshop,
        actor,
        "edit_card",
        card.id,
        old=card.text,
        new=text,
        old_moderated_at=card.moderated_at.isoformat() if card.moderated_at else None,
    )
    card.text = text
    card.moderated_at = utcnow()
    return _done(workshop, [card], entry)


def pin_card(workshop: Workshop, actor: str, card_id: str, pinned: bool) -> Moderated:
    """Pin a card to the top of its lane, or unpin it."""
    card = _card(workshop, card_id, LISTED)
    if bool(card.pinned) == pinned:
        raise ServiceError(_l("Daran ändert sich nichts."), "unchanged")
    entry = log(workshop, actor, "pin_card" if pinned else "unpin_card", card.id, text=card.text)
    card.pinned = pinned
    return _done(workshop, [card], entry)


def _problem(workshop: Workshop, problem_id: str) -> Card:
    problem = db.session.get(Card, problem_id)
    if (
        problem is None
        or problem.workshop_id != workshop.id
        or problem.kind != CardKind.PROBLEM
        or problem.status not in LISTED
    ):
        raise ServiceError(_l("Dieses Problem gibt es nicht (mehr)."), "not_found")
    return problem


def link_card(workshop: Workshop, actor: str, card_id: str, answers_id: str | None) -> Moderated:
    """Link a solution to the problem it answers, or unlink it (``answers_id`` None)."""
    card = _card(workshop, card_id, LISTED)
    if card.kind != CardKind.SOLUTION:
        raise ServiceError(_l("Nur eine Lösung kann auf ein Problem antworten."))
    target = _problem(workshop, answers_id).id if answers_id else None
    if target == card.answers_id:
        raise ServiceError(_l("Daran ändert sich nichts."), "unchanged")
    entry = log(
        workshop, actor, "link_card", card.id, old=card.answers_id, new=target, text=card.text
    )
    card.answers_id = target
    return _done(workshop, [card], entry)


def merge_cards(workshop: Workshop, actor: str, into_id: str, ids: list[str]) -> Moderated:
    """Merge duplicate cards into one: their dots, paper dots and answers move with them.

    The merged cards stay in the database (status merged) and the log entry
    records every move, so the merge can be undone exactly.
    """
    into = _card(workshop, into_id, LISTED)
    ids = [card_id for card_id in dict.fromkeys(ids) if card_id != into.id]
    if not ids:
        raise ServiceError(_l("Wähle mindestens eine weitere Karte zum Zusammenführen."))
    gone = [_card(workshop, card_id, LISTED) for card_id in ids]
    if any(card.kind != into.kind for card in gone):
        raise ServiceError(_l("Nur Karten derselben Art lassen sich zusammenführen."))
    was = {card.id: str(card.status) for card in gone}
    votes_moved, votes_added, answers, paper = [], [], {}, {}
    for card in gone:
        for vote in db.session.scalars(select(Vote).where(Vote.card_id == card.id)).all():
            mine = db.session.scalar(
                select(Vote).where(
                    Vote.card_id == into.id, Vote.participant_id == vote.participant_id
                )
            )
            if mine is None:
                vote.card_id = into.id
                votes_moved.append({"vote": vote.id, "from": card.id})
            else:
                mine.dots += vote.dots
                votes_added.append(
                    {"participant": vote.participant_id, "from": card.id, "dots": vote.dots}
                )
                db.session.delete(vote)
            db.session.flush()
        answering = db.session.scalars(select(Card.id).where(Card.answers_id == card.id)).all()
        if answering:
            answers[card.id] = list(answering)
            db.session.execute(
                Card.__table__.update().where(Card.id.in_(answering)).values(answers_id=into.id)
            )
        if card.paper_dots:
            paper[card.id] = card.paper_dots
            into.paper_dots += card.paper_dots
            card.paper_dots = 0
        card.status = CardStatus.MERGED
        card.merged_into_id = into.id
    entry = log(
        workshop,
        actor,
        "merge_cards",
        into.id,
        gone=[card.id for card in gone],
        was=was,
        texts=[card.text for card in gone],
        text=into.text,
        votes_moved=votes_moved,
        votes_added=votes_added,
        answers=answers,
        paper=paper,
    )
    return _done(workshop, [into], entry, gone=[card.id for card in gone])


def paper_card(
    workshop: Workshop,
    actor: str,
    *,
    card_id: str,
    kind: str,
    text: str,
    answers_id: str | None = None,
) -> Moderated:
    """Type in a card written on paper; it shows as such everywhere.

    The card's id comes from the console, so a resend after a lost reply is recognised.
    """
    existing = db.session.get(Card, card_id)
    if existing is not None:
        if existing.workshop_id != workshop.id or not existing.paper:
            raise ServiceError(_l("Diese Karten-ID ist schon vergeben."), "conflict")
        entry = db.session.scalar(
            select(ModerationEntry).where(
                ModerationEntry.card_id == card_id, ModerationEntry.action == "paper_card"
            )
        )
        return Moderated([existing], entry)
    answers = None
    if answers_id:
        if kind != CardKind.SOLUTION:
            raise ServiceError(_l("Nur eine Lösung kann auf ein Problem antworten."))
        answers = _problem(workshop, answers_id).id
    card = Card(
        id=card_id,
        workshop_id=workshop.id,
        author_id=None,
        kind=CardKind(kind),
        text=text,
        answers_id=answers,
        paper=True,
        status=CardStatus.VISIBLE,
    )
    db.session.add(card)
    entry = log(workshop, actor, "paper_card", card.id, text=text)
    return _done(workshop, [card], entry)


def paper_dots(workshop: Workshop, actor: str, card_id: str, dots: int) -> Moderated:
    """Add dots counted on a paper poster to a card (or take some back with a negative number)."""
    card = _card(workshop, card_id, ON_BOARD)
    if dots == 0:
        raise ServiceError(_l("Gib eine Zahl von Punkten an."))
    if card.paper_dots + dots < 0:
        raise ServiceError(
            _l("Auf dieser Karte sind nur %(n)s Papier-Punkte.", n=card.paper_dots), "paper_dots"
        )
    entry = log(workshop, actor, "paper_dots", card.id, dots=dots, text=card.text)
    card.paper_dots += dots
    return _done(workshop, [card], entry)


#: Steps that can be undone, and the statuses their card must be in for it.
UNDOABLE = {
    "hide_card",
    "restore_card",
    "approve_card",
    "edit_card",
    "pin_card",
    "unpin_card",
    "link_card",
    "merge_cards",
    "paper_card",
    "paper_dots",
}


def undo(workshop: Workshop, actor: str, entry_id: int) -> Moderated:
    """Take back one moderation step; the log keeps it, marked as undone, with who undid it."""
    entry = db.session.get(ModerationEntry, entry_id) if isinstance(entry_id, int) else None
    if entry is None or entry.workshop_id != workshop.id:
        raise ServiceError(_l("Diesen Schritt gibt es nicht."), "not_found")
    if entry.undone_at is not None:
        raise ServiceError(_l("Dieser Schritt wurde schon rückgängig gemacht."), "undone")
    if entry.action not in UNDOABLE:
        raise ServiceError(_l("Dieser Schritt lässt sich nicht rückgängig machen."), "invalid")
    card = db.session.get(Card, entry.card_id)
    if card is None:
        raise ServiceError(_l("Diese Karte gibt es nicht (mehr)."), "not_found")
    details = entry.details or {}
    cards, gone = [card], []
    if entry.action == "hide_card":
        _expect(card, {CardStatus.HIDDEN})
        card.status = CardStatus(details.get("was", "visible"))
    elif entry.action in ("restore_card", "approve_card"):
        _expect(card, {CardStatus.VISIBLE})
        card.status = CardStatus.HIDDEN if entry.action == "restore_card" else CardStatus.PENDING
    elif entry.action == "edit_card":
        if card.text != details.get("new"):
            raise ServiceError(_l("Der Text wurde seitdem noch einmal geändert."), "changed_since")
        card.text = details["old"]
        old_at = details.get("old_moderated_at")
        card.moderated_at = datetime.fromisoformat(old_at) if old_at else None
    elif entry.action in ("pin_card", "unpin_card"):
        card.pinned = entry.action == "unpin_card"
    elif entry.action == "link_card":
        if card.answers_id != details.get("new"):
            raise ServiceError(_l("Die Karte wurde seitdem anders verbunden."), "changed_since")
        old = details.get("old")
        card.answers_id = old if old and db.session.get(Card, old) is not None else None
    elif entry.action == "paper_card":
        _expect(card, LISTED)
        if db.session.scalar(select(Vote.id).where(Vote.card_id == card.id, Vote.dots > 0)):
            raise ServiceError(
                _l("Auf dieser Karte liegen schon Punkte; blende sie stattdessen aus."),
                "has_dots",
            )
        card.status = CardStatus.WITHDRAWN
        cards, gone = [], [card.id]
    elif entry.action == "paper_dots":
        if card.paper_dots - details["dots"] < 0:
            raise ServiceError(_l("Die Papier-Punkte wurden seitdem geändert."), "changed_since")
        card.paper_dots -= details["dots"]
    elif entry.action == "merge_cards":
        cards = [card, *_unmerge(card, details)]
    entry.undone_at = utcnow()
    entry.details = {**details, "undone_by": actor}
    return _done(workshop, cards, entry, gone=gone)


def _expect(card: Card, statuses) -> None:
    if card.status not in statuses:
        raise ServiceError(_l("Die Karte wurde seitdem verändert."), "changed_since")


def _unmerge(into: Card, details: dict) -> list[Card]:
    """Undo a merge exactly: the cards come back with their own dots, paper dots and answers."""
    restored = []
    for card_id in details.get("gone", []):
        card = db.session.get(Card, card_id)
        if card is None or card.status != CardStatus.MERGED or card.merged_into_id != into.id:
            raise ServiceError(_l("Die Karten wurden seitdem verändert."), "changed_since")
        restored.append(card)
    for move in details.get("votes_added", []):
        mine = db.session.scalar(
            select(Vote).where(Vote.card_id == into.id, Vote.participant_id == move["participant"])
        )
        if mine is None or mine.dots < move["dots"]:
            raise ServiceError(
                _l("Seit dem Zusammenführen wurden Punkte geändert."), "changed_since"
            )
        mine.dots -= move["dots"]
        db.session.add(
            Vote(participant_id=move["participant"], card_id=move["from"], dots=move["dots"])
        )
    for move in details.get("votes_moved", []):
        vote = db.session.get(Vote, move["vote"])
        if vote is None or vote.card_id != into.id:
            raise ServiceError(
                _l("Seit dem Zusammenführen wurden Punkte geändert."), "changed_since"
            )
        vote.card_id = move["from"]
    for card_id, dots in details.get("paper", {}).items():
        if into.paper_dots < dots:
            raise ServiceError(_l("Die Papier-Punkte wurden seitdem geändert."), "changed_since")
        into.paper_dots -= dots
        db.session.get(Card, card_id).paper_dots += dots
    for card_id, solutions in details.get("answers", {}).items():
        db.session.execute(
            Card.__table__.update()
            .where(Card.id.in_(solutions), Card.answers_id == into.id)
            .values(answers_id=card_id)
        )
    for card in restored:
        card.status = CardStatus(details.get("was", {}).get(card.id, "visible"))
        card.merged_into_id = None
    return restored


def log_entries(workshop: Workshop, limit: int = 200) -> list[ModerationEntry]:
    """Return the workshop's moderation log, newest first."""
    return list(
        db.session.scalars(
            select(ModerationEntry)
            .where(ModerationEntry.workshop_id == workshop.id)
            .order_by(ModerationEntry.id.desc())
            .limit(limit)
        )
    )


def entry_payload(entry: ModerationEntry) -> dict:
    """Return a log entry as the console shows it."""
    details = entry.details or {}
    return {
        "id": entry.id,
        "at": entry.created_at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "card": entry.card_id,
        "text": details.get("text") or details.get("new") or "",
        "undoable": entry.action in UNDOABLE and entry.undone_at is None,
        "undone": entry.undone_at is not None,
        "undone_by": details.get("undone_by"),
        "details": {
            key: value
            for key, value in details.items()
            if key in ("dots", "old", "new", "phase", "texts", "seconds")
        },
    }
