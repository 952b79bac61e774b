"""The screens that show a workshop, and what each of them may see."""

import enum


class Screen(enum.StrEnum):
    """A kind of screen; each has its own Socket.IO namespace of the same name."""

    #: A participant's phone: the board, their own dots.
    PHONE = "board"
    #: The projector: what the whole room sees; it can change nothing.
    PROJECTOR = "projector"
    #: The facilitator's console.
    CONSOLE = "console"

    @property
    def namespace(self) -> str:
        """The Socket.IO namespace this screen connects to."""
        return f"/{self.value}"


def sees_totals(screen: Screen, results_shown: bool) -> bool:
    """Whether a screen may see the dots per card: facilitators always, the room once shown."""
    return screen is Screen.CONSOLE or results_shown


def sees_dots_given(screen: Screen) -> bool:
    """Whether a screen shows how many dots the room has spent so far."""
    return screen is not Screen.PHONE


#: Cards each kind of screen lists: the console also those waiting for approval or hidden.
LISTED = {
    Screen.PHONE: frozenset({"visible"}),
    Screen.PROJECTOR: frozenset({"visible"}),
    Screen.CONSOLE: frozenset({"visible", "pending", "hidden"}),
}


def card_view(screen: Screen, status: str, blind: bool) -> str | None:
    """How a screen shows a card in this status: "full", "blind" (that it is there) or None.

    :param blind: whether the workshop is in an unrevealed blind collect; the room
        (phones and projector) then sees that cards are there, not what they say.
        A phone always sees its own cards in full; that is decided where the phone is known.
    """
    if status not in LISTED[screen]:
        return None
    if blind and screen is not Screen.CONSOLE:
        return "blind"
    return "full"
