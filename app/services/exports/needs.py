"""The cross-cutting needs as the exports show them, with where each came from."""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import Card, Workshop


@dataclass(frozen=True)
class NeedSource:
    """A card a need was drawn from, and the theme (workshop) it came from."""

    text: str
    workshop: str
    kind: str = "problem"


@dataclass(frozen=True)
class NeedView:
    """One cross-cutting need with what makes it concrete and where it came from."""

    title: str
    #: What is needed.
    what: str = ""
    #: Who could do it (Akteur*innen).
    actors: str = ""
    first_steps: str = ""
    priority: str = ""
    sources: list[NeedSource] = field(default_factory=list)

    @property
    def themes(self) -> list[str]:
        """The themes the need came up in, in the order of its sources, each once."""
        return list(dict.fromkeys(source.workshop for source in self.sources))


def needs_of(event_id: int) -> list[NeedView]:
    """Return the event's cross-cutting needs in board order, each with its cards on the board."""
    from app.services.needs import event_needs

    needs = event_needs(event_id)
    card_ids = {link.card_id for need in needs for link in need.links}
    cards = {}
    if card_ids:
        rows = db.session.execute(
            select(Card.id, Card.text, Card.kind, Workshop.title, Workshop.position)
            .join(Workshop, Workshop.id == Card.workshop_id)
            .where(Card.id.in_(card_ids), Card.on_board)
        )
        cards = {row.id: row for row in rows}
    views = []
    for need in needs:
        linked = sorted(
            (cards[link.card_id] for link in need.links if link.card_id in cards),
            key=lambda row: (row.position, row.text),
        )
        views.append(
            NeedView(
                title=need.title,
                what=need.what or "",
                actors=need.actors or "",
                first_steps=need.first_steps or "",
                priority=str(need.priority) if need.priority else "",
                sources=[
                    NeedSource(text=row.text, workshop=row.title, kind=str(row.kind))
                    for row in linked
                ],
            )
        )
    return views
