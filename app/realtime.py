"""Socket.IO rooms and broadcasts: the only place that knows room names and event names.

Server-to-client events are facts: ``card_posted``, ``card_edited``,
``card_withdrawn``, ``phase_changed``, ``dots_changed`` (to the tabs of one
participant) and ``tally`` (dot totals, coalesced, to facilitator screens
while voting and to everyone once results are shown).
"""

import threading

from flask import current_app

from app.extensions import db, socketio
from app.models import Card, Phase, Workshop
from app.services.board import card_payload, dot_totals


def workshop_room(workshop_id: int) -> str:
    """Every screen showing the workshop's board."""
    return f"workshop:{workshop_id}"


def staff_room(workshop_id: int) -> str:
    """Projector and facilitator screens of the workshop."""
    return f"staff:{workshop_id}"


def participant_room(participant_id: str, workshop_id: int) -> str:
    """All tabs of one participant in one workshop."""
    return f"participant:{participant_id}:{workshop_id}"


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def card_posted(card: Card) -> None:
    """Tell every screen of the workshop about a new card."""
    socketio.emit("card_posted", card_payload(card, _secret()), to=workshop_room(card.workshop_id))


def card_edited(card: Card) -> None:
    """Tell every screen of the workshop that a card changed."""
    socketio.emit("card_edited", card_payload(card, _secret()), to=workshop_room(card.workshop_id))


def card_withdrawn(card: Card) -> None:
    """Tell every screen of the workshop that a card left the board."""
    socketio.emit("card_withdrawn", {"id": card.id}, to=workshop_room(card.workshop_id))
    tallies.mark(card.workshop_id)


def phase_changed(workshop: Workshop) -> None:
    """Tell every screen the new phase; each then asks for the state it needs."""
    socketio.emit("phase_changed", {"phase": workshop.phase}, to=workshop_room(workshop.id))


def dots_changed(participant_id: str, workshop_id: int, change: dict, skip_sid=None) -> None:
    """Show a participant's other tabs the dot they gave or took, and schedule the totals."""
    socketio.emit(
        "dots_changed",
        change,
        to=participant_room(participant_id, workshop_id),
        skip_sid=skip_sid,
    )
    tallies.mark(workshop_id)


def tally_payload(workshop: Workshop) -> dict:
    """Return the dot totals of a workshop."""
    return {"totals": dot_totals(workshop)}


class TallyCoalescer:
    """Sends each workshop's dot totals at most once per interval, however many dots fall.

    A room of 200 voting at once would be 40,000 messages a second if every
    dot went to every screen; instead only the staff screens get the totals,
    a few times a second.
    """

    def __init__(self):
        self._dirty: set[int] = set()
        self._lock = threading.Lock()
        self._task = None

    def mark(self, workshop_id: int) -> None:
        """Note that a workshop's totals changed."""
        app = current_app._get_current_object()
        if not app.config["TALLY_INTERVAL"]:
            self._send(workshop_id)
            return
        with self._lock:
            self._dirty.add(workshop_id)
            if self._task is None:
                self._task = socketio.start_background_task(self._run, app)

    def _run(self, app) -> None:
        while True:
            socketio.sleep(app.config["TALLY_INTERVAL"])
            with self._lock:
                dirty, self._dirty = self._dirty, set()
            if not dirty:
                continue
            with app.app_context():
                for workshop_id in dirty:
                    try:
                        self._send(workshop_id)
                    except Exception:  # keep the loop alive; the next dot sends again
                        app.logger.exception("tally for workshop %s failed", workshop_id)
                db.session.remove()

    def _send(self, workshop_id: int) -> None:
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is None:
            return
        room = (
            workshop_room(workshop_id)
            if workshop.current_phase in (Phase.RESULTS, Phase.CLOSED)
            else staff_room(workshop_id)
        )
        socketio.emit("tally", tally_payload(workshop), to=room)


tallies = TallyCoalescer()
