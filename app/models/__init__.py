"""The domain model: an event (workshop week) with workshops, participants, cards and dots."""

from app.models.board import Card, CardKind, CardStatus, Vote
from app.models.event import Event, Phase, StakeholderGroup, Workshop
from app.models.participant import Membership, Participant

__all__ = [
    "Card",
    "CardKind",
    "CardStatus",
    "Event",
    "Membership",
    "Participant",
    "Phase",
    "StakeholderGroup",
    "Vote",
    "Workshop",
]
