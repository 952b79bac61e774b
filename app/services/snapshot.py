"""What each screen shows of a workshop: its state, and the whole board after a (re)connect."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Membership, Participant, Workshop
from app.models.screens import Screen, sees_dots_given, sees_totals
from app.services.board import author_key, card_payload, dot_totals, visible_cards
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
    }


def dots_given(workshop: Workshop) -> int:
    """Return how many dots the room has spent in the workshop."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(Membership.dots_spent), 0)).where(
                Membership.workshop_id == workshop.id
            )
        )
    )


class Standing:
    """The dot counts of a workshop, worked out once and shown to each screen as it may see them."""

    def __init__(self, workshop: Workshop):
        self.workshop = workshop
        self._totals = None
        self._given = None

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

    def for_screen(self, screen: Screen) -> dict:
        """The counts as one fact's or snapshot's fields."""
        return {"totals": self.totals_for(screen), "dots_given": self.given_for(screen)}


def board_snapshot(
    workshop: Workshop, screen: Screen, secret: str, participant: Participant | None = None
) -> dict:
    """Return the whole board as one screen shows it, with the number of the last fact in it.

    The number is read before the cards: a fact that lands in between is in
    the snapshot and is applied again on top of it, which changes nothing.
    """
    seq = db.session.scalar(select(Workshop.seq).where(Workshop.id == workshop.id))
    standing = Standing(workshop)
    cards = [card_payload(card, secret) for card in visible_cards(workshop)]
    snapshot = {
        "seq": seq,
        "workshop": workshop_payload(workshop),
        "cards": cards,
        **standing.for_screen(screen),
        "me": None,
    }
    if workshop.results_shown:
        totals = standing.totals_for(screen) or {}
        cards.sort(key=lambda card: -totals.get(card["id"], 0))
    if screen is Screen.PHONE and participant is not None:
        snapshot["me"] = {
            "author_key": author_key(secret, participant.id, workshop.id),
            **my_votes(workshop, participant),
        }
    return snapshot
