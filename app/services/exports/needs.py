"""The cross-cutting needs as the exports show them; they slot in once synthesis records them."""

from dataclasses import dataclass, field


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
    """Return the event's cross-cutting needs; none are recorded yet (there is no Need model)."""
    return []
