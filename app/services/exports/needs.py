"""The cross-cutting needs as the exports show them, with where each came from."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from app.models import CardKind


@dataclass(frozen=True)
class NeedSource:
    """A card a need was drawn from: its theme (workshop), lane, dots and the author's group."""

    text: str
    workshop: str
    kind: str = CardKind.PROBLEM
    #: Dots from phones and paper, as the synthesis board counts them.
    dots: int = 0
    #: The author's stakeholder group in the export's language ("" for none given).
    group: str = ""


@dataclass(frozen=True)
class NeedVote:
    """How a need fared when it was put to the vote (on the closing meeting's board)."""

    workshop: str
    dots: int


@dataclass(frozen=True)
class NeedView:
    """One cross-cutting need with what makes it concrete and where it came from."""

    title: str
    #: What is needed.
    what: str = ""
    #: Who could do it (Akteur*innen).
    actors: str = ""
    first_steps: str = ""
    priority: int | None = None
    #: Its cards on a board, by theme in the week's order, most dots first within a theme.
    sources: list[NeedSource] = field(default_factory=list)
    vote: NeedVote | None = None

    @property
    def themes(self) -> list[str]:
        """The themes the need came up in, in the order of its sources, each once."""
        return list(dict.fromkeys(source.workshop for source in self.sources))

    @property
    def dots(self) -> int:
        """The dots its cards got in their workshops."""
        return sum(source.dots for source in self.sources)

    @property
    def goals(self) -> list[NeedSource]:
        """The solution cards linked to the need: the goals that serve it."""
        return [source for source in self.sources if source.kind == CardKind.SOLUTION]

    @property
    def groups(self) -> list[tuple[str, int]]:
        """How many of its cards each stakeholder group wrote, most first (counts only)."""
        counts = Counter(source.group for source in self.sources if source.group)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def needs_of(event_id: int, group_label: Callable[[str], str] = str) -> list[NeedView]:
    """Return the event's cross-cutting needs in board order, each with its cards on the board.

    :param group_label: the name of a stakeholder group key in the export's language.
    """
    from app.services.needs import SynthesisView, event_needs

    needs = event_needs(event_id)
    if not needs:
        return []
    view = SynthesisView(event_id)
    order = {workshop_id: index for index, workshop_id in enumerate(view.workshops)}
    views = []
    for need in needs:
        cards = sorted(
            (view.cards[card_id] for card_id in need.card_ids if card_id in view.cards),
            key=lambda card: (order.get(card.workshop_id, 0), -card.dots, card.text),
        )
        vote = view.vote(need)
        views.append(
            NeedView(
                title=need.title,
                what=need.what or "",
                actors=need.actors or "",
                first_steps=need.first_steps or "",
                priority=need.priority,
                sources=[
                    NeedSource(
                        text=card.text,
                        workshop=view.workshops.get(card.workshop_id, ""),
                        kind=str(card.kind),
                        dots=card.dots,
                        group=group_label(card.group) if card.group else "",
                    )
                    for card in cards
                ],
                vote=NeedVote(workshop=vote["theme"], dots=vote["dots"]) if vote else None,
            )
        )
    return views
