"""Which rows of each table belong to one event, in the order they can be written."""

from dataclasses import dataclass

from sqlalchemy import Table, or_, select

from app.models import (
    Card,
    Event,
    FacilitatorAccess,
    Membership,
    ModerationEntry,
    Participant,
    StakeholderGroup,
    Vote,
    Workshop,
)
from app.models.synthesis import (
    CardVector,
    DismissedSuggestion,
    Need,
    NeedCard,
    SynthesisEntry,
)


def _workshops(event_id: int):
    return select(Workshop.id).where(Workshop.event_id == event_id)


def _cards(event_id: int):
    return select(Card.id).where(Card.workshop_id.in_(_workshops(event_id)))


@dataclass(frozen=True)
class EventTable:
    """A table with rows of an event; ``rows_of(event_id)`` is the WHERE clause that finds them."""

    model: type

    @property
    def table(self) -> Table:
        return self.model.__table__

    @property
    def name(self) -> str:
        return self.table.name

    def rows_of(self, event_id: int):
        model = self.model
        if model is Event:
            return Event.id == event_id
        if model in (
            StakeholderGroup,
            Workshop,
            Participant,
            Need,
            DismissedSuggestion,
            SynthesisEntry,
        ):
            return model.event_id == event_id
        if model in (Vote, CardVector):
            return model.card_id.in_(_cards(event_id))
        if model is NeedCard:
            return NeedCard.need_id.in_(select(Need.id).where(Need.event_id == event_id))
        return model.workshop_id.in_(_workshops(event_id))


#: Every table that holds an event's data, parents before children.
EVENT_TABLES = [
    EventTable(model)
    for model in (
        Event,
        StakeholderGroup,
        Workshop,
        Participant,
        Membership,
        Card,
        Vote,
        ModerationEntry,
        FacilitatorAccess,
        # The cross-cutting needs; their undo log (SynthesisEntry) stays behind, since
        # its steps name rows by the ids of this installation.
        Need,
        NeedCard,
        DismissedSuggestion,
        CardVector,
    )
]


#: What purging an event deletes: all of it, the synthesis board's undo log too (its steps
#: hold need titles and card ids, and nothing of the event may stay behind).
PURGED_TABLES = [*EVENT_TABLES, EventTable(SynthesisEntry)]


#: The tables a complete export carries: all but the card vectors, which are a cache of
#: the synthesis (an encoder's numbers, recomputed from the card text when needed).
EXPORTED_TABLES = [spec for spec in EVENT_TABLES if spec.model is not CardVector]


def votes_of(event_id: int):
    """All votes of an event: on its cards, or by its participants (for purging, to be sure)."""
    participants = select(Participant.id).where(Participant.event_id == event_id)
    return or_(Vote.card_id.in_(_cards(event_id)), Vote.participant_id.in_(participants))
