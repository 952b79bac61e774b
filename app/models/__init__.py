"""The domain model: an event (workshop week) with workshops, participants, cards and dots."""

from datetime import datetime

from app.extensions import db
from app.models._types import UTCDateTime

# Before the model modules are imported: every Mapped[datetime] is aware UTC on
# every database. (app.extensions cannot import UTCDateTime without a cycle.)
db.Model.registry.update_type_annotation_map({datetime: UTCDateTime})

from app.models.access import FacilitatorAccess  # noqa: E402
from app.models.board import Card, CardKind, CardStatus, Vote  # noqa: E402
from app.models.event import Event, Phase, StakeholderGroup, Workshop  # noqa: E402
from app.models.moderation import ModerationEntry  # noqa: E402
from app.models.organizer import Organizer  # noqa: E402
from app.models.participant import Membership, Participant  # noqa: E402
from app.models.synthesis import (  # noqa: E402
    CardVector,
    DismissedSuggestion,
    Need,
    NeedCard,
    SynthesisEntry,
)

__all__ = [
    "Card",
    "CardKind",
    "CardStatus",
    "CardVector",
    "DismissedSuggestion",
    "Event",
    "FacilitatorAccess",
    "Membership",
    "ModerationEntry",
    "Need",
    "NeedCard",
    "Organizer",
    "Participant",
    "Phase",
    "StakeholderGroup",
    "SynthesisEntry",
    "Vote",
    "Workshop",
]
