"""The whole state of a board as one screen needs it: sent on every (re)connect and phase change."""

from app.models import Participant, Phase, Workshop
from app.services.board import author_key, card_payload, dot_totals, visible_cards
from app.services.voting import my_votes

#: Phases in which everyone sees the dot totals.
RESULTS_SHOWN = {Phase.RESULTS, Phase.CLOSED}


def workshop_payload(workshop: Workshop) -> dict:
    """Return what every screen shows of the workshop itself."""
    return {
        "code": workshop.short_code,
        "title": workshop.title,
        "phase": workshop.phase,
        "dot_budget": workshop.dot_budget,
        "max_dots_per_card": workshop.max_dots_per_card,
    }


def board_snapshot(
    workshop: Workshop, participant: Participant | None, *, staff: bool, secret: str
) -> dict:
    """Return the board for one screen: a participant's phone, or a projector or facilitator.

    Participants see the totals only once results are shown; staff always.
    """
    snapshot = {
        "workshop": workshop_payload(workshop),
        "cards": [card_payload(card, secret) for card in visible_cards(workshop)],
        "totals": None,
        "me": None,
    }
    if staff or workshop.current_phase in RESULTS_SHOWN:
        snapshot["totals"] = dot_totals(workshop)
    if workshop.current_phase in RESULTS_SHOWN:
        totals = snapshot["totals"]
        snapshot["cards"].sort(key=lambda card: -totals.get(card["id"], 0))
    if participant is not None:
        snapshot["me"] = {
            "author_key": author_key(secret, participant.id, workshop.id),
            **my_votes(workshop, participant),
        }
    return snapshot
