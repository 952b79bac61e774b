"""What each screen shows of a workshop: its state, and the whole board after a (re)connect."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, CardStatus, Membership, Participant, Workshop
from app.models._types import utcnow
from app.models.screens import LISTED, Screen, card_view, sees_dots_given, sees_totals
from app.services.board import author_key, blind_payload, card_payload, cards_in, dot_totals
from app.services.moderation import entry_payload, log_entries
from app.services.phases import timer_state
from app.services.voting import my_votes


def workshop_payload(workshop: Workshop) -> dict:
    """Return what every screen shows of the workshop itself, with its derived state."""
    return {
        "code": workshop.short_code,
        "title": workshop.title,
        "phase": workshop.phase,
        "dot_budget": workshop.dot_budget,
        "max_dots_per_card": workshop.max_dots_per_card,
        "collecting": bool(workshop.collecting),
        "voting": bool(workshop.voting),
        "results_shown": bool(workshop.results_shown),
        "revealed": bool(workshop.results_revealed),
        "blind": bool(workshop.blind),
        "blind_collect": bool(workshop.blind_collect),
        "premoderation": bool(workshop.premoderation),
        "timer": timer_state(workshop),
        "now": utcnow().isoformat(),
    }


def card_for(card: Card, screen: Screen, workshop: Workshop, secret: str, viewer_key=None):
    """Return the card as this screen shows it, or None when the screen may not see it.

    :param viewer_key: the phone's author key: its own cards it always sees in full.
    """
    view = card_view(screen, str(card.status), bool(workshop.blind))
    own = viewer_key is not None and card.author_id is not None
    if own:
        own = author_key(secret, card.author_id, card.workshop_id) == viewer_key
        if own and card.status == CardStatus.PENDING:
            view = "full"
    if view is None:
        return None
    if view == "blind" and not own:
        return blind_payload(card, secret)
    return card_payload(card, secret)


def dots_given(workshop: Workshop) -> int:
    """Return how many dots the room has spent in the workshop, on phones and on paper."""
    phones = db.session.scalar(
        select(func.coalesce(func.sum(Membership.dots_spent), 0)).where(
            Membership.workshop_id == workshop.id
        )
    )
    paper = db.session.scalar(
        select(func.coalesce(func.sum(Card.paper_dots), 0)).where(
            Card.workshop_id == workshop.id, Card.on_board
        )
    )
    return int(phones) + int(paper)


def voters(workshop: Workshop) -> int:
    """Return how many participants have put at least one dot in the workshop."""
    return int(
        db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.workshop_id == workshop.id, Membership.dots_spent > 0
            )
        )
    )


class Standing:
    """The dot counts of a workshop, worked out once and shown to each screen as it may see them."""

    def __init__(self, workshop: Workshop):
        self.workshop = workshop
        self._totals = None
        self._given = None
        self._voters = None

    def totals_for(self, screen: Screen) -> dict | None:
        """The dots per card, or None where the screen may not see them yet."""
        if not sees_totals(screen, bool(self.workshop.results_shown)):
            return None
        if self._totals is None:
            self._totals = dot_totals(self.workshop)
        return self._totals

    def given_for(self, screen: Screen) -> int | None:
        """The dots spent so far, or None where the screen does not show it."""
        if not sees_dots_given(screen):
            return None
        if self._given is None:
            self._given = dots_given(self.workshop)
        return self._given

    def voters_for(self, screen: Screen) -> int | None:
        """How many people voted, where the screen shows it (with the dots spent)."""
        if not sees_dots_given(screen):
            return None
        if self._voters is None:
            self._voters = voters(self.workshop)
        return self._voters

    def for_screen(self, screen: Screen) -> dict:
        """The counts as one fact's or snapshot's fields."""
        return {
            "totals": self.totals_for(screen),
            "dots_given": self.given_for(screen),
            "voters": self.voters_for(screen),
        }


def board_snapshot(
    workshop: Workshop, screen: Screen, secret: str, participant: Participant | None = None
) -> dict:
    """Return the whole board as one screen shows it, with the number of the last fact in it.

    The number is read before the cards: a fact that lands in between is in
    the snapshot and is applied again on top of it, which changes nothing.
    """
    seq = db.session.scalar(select(Workshop.seq).where(Workshop.id == workshop.id))
    standing = Standing(workshop)
    viewer = author_key(secret, participant.id, workshop.id) if participant else None
    statuses = set(LISTED[screen]) | ({"pending"} if participant else set())
    cards = [
        shown
        for card in cards_in(workshop, statuses)
        if (shown := card_for(card, screen, workshop, secret, viewer)) is not None
    ]
    snapshot = {
        "seq": seq,
        "workshop": workshop_payload(workshop),
        "cards": cards,
        **standing.for_screen(screen),
        "me": None,
    }
    if screen is Screen.CONSOLE:
        snapshot["log"] = [entry_payload(e) for e in log_entries(workshop, limit=50)]
    if workshop.results_shown:
        totals = standing.totals_for(screen) or {}
        cards.sort(key=lambda card: -totals.get(card["id"], 0))
    if screen is Screen.PHONE and participant is not None:
        snapshot["me"] = {
            "author_key": author_key(secret, participant.id, workshop.id),
            **my_votes(workshop, participant),
        }
    return snapshot
