"""Socket.IO rooms and broadcasts: the only place that knows room names and event names.

Server-to-client events are facts. The ones that change a board are numbered
per workshop (``seq``) and sent to every screen of the workshop, each screen
getting the fields it may see: ``card_posted``, ``card_edited``,
``card_withdrawn``, ``phase_changed`` (with everything the new phase needs,
so no screen has to fetch the board). Unnumbered: ``dots_changed`` (to the
other tabs of one participant), and, coalesced a few times a second,
``tally`` (dot counts), ``presence`` (phones connected, to consoles) and
``overview`` (to the event-wide screens).
"""

import threading
from collections.abc import Callable

from flask import current_app

from app import coordination
from app.extensions import db, socketio
from app.models import Card, Workshop
from app.models.screens import Screen
from app.services.board import card_payload
from app.services.snapshot import Standing, workshop_payload

EVENT_NAMESPACE = "/event"


def workshop_room(workshop_id: int) -> str:
    """Every screen of one kind showing the workshop (the namespace tells the kind)."""
    return f"w:{workshop_id}"


def participant_room(participant_id: str, workshop_id: int) -> str:
    """All tabs of one participant in one workshop (namespace /board)."""
    return f"p:{participant_id}:{workshop_id}"


def event_room(event_id: int) -> str:
    """Every event-wide screen of one event (namespace /event)."""
    return f"e:{event_id}"


def presence_scope(workshop_id: int, screen: Screen) -> str:
    """The presence count of one kind of screen in one workshop."""
    return f"w:{workshop_id}:{screen.value}"


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def publish(workshop: Workshop, event: str, fields_for: Callable[[Screen], dict]) -> None:
    """Send a numbered fact to every screen of the workshop, each with the fields it may see."""
    for screen in Screen:
        socketio.emit(
            event,
            {"seq": workshop.seq, **fields_for(screen)},
            to=workshop_room(workshop.id),
            namespace=screen.namespace,
        )
    changes.mark("overview", workshop.event_id)


def card_posted(card: Card, workshop: Workshop) -> None:
    """Tell every screen of the workshop about a new card."""
    payload = card_payload(card, _secret())
    publish(workshop, "card_posted", lambda screen: {"card": payload})


def card_edited(card: Card, workshop: Workshop) -> None:
    """Tell every screen of the workshop that a card changed."""
    payload = card_payload(card, _secret())
    publish(workshop, "card_edited", lambda screen: {"card": payload})


def card_withdrawn(card: Card, workshop: Workshop) -> None:
    """Tell every screen of the workshop that a card left the board."""
    publish(workshop, "card_withdrawn", lambda screen: {"id": card.id})
    changes.mark("tally", workshop.id)


def phase_changed(workshop: Workshop) -> None:
    """Tell every screen the new phase, with the counts it may now see: nobody refetches."""
    standing = Standing(workshop)
    payload = workshop_payload(workshop)
    publish(
        workshop,
        "phase_changed",
        lambda screen: {"workshop": payload, **standing.for_screen(screen)},
    )


def dots_changed(participant_id: str, workshop_id: int, change: dict, skip_sid=None) -> None:
    """Show a participant's other tabs the dot they gave or took, and schedule the counts."""
    socketio.emit(
        "dots_changed",
        change,
        to=participant_room(participant_id, workshop_id),
        skip_sid=skip_sid,
        namespace=Screen.PHONE.namespace,
    )
    changes.mark("tally", workshop_id)


def presence_changed(scope: str, sid: str, *, joined: bool) -> None:
    """Count a screen in or out; consoles learn the new count with the next coalesced send."""
    if joined:
        coordination.current().add(scope, sid)
    else:
        coordination.current().remove(scope, sid)
    workshop_id = scope.split(":")[1]
    changes.mark("presence", workshop_id)


def phones_connected(workshop_id: int) -> int:
    """Return how many phones have the workshop's board open, across all server processes."""
    return coordination.current().count(presence_scope(workshop_id, Screen.PHONE))


# ---- coalesced sends ---------------------------------------------------------


def send_tally(workshop: Workshop) -> None:
    """Send the dot counts to each screen that may see them."""
    standing = Standing(workshop)
    for screen in Screen:
        fields = standing.for_screen(screen)
        if fields["totals"] is None and fields["dots_given"] is None:
            continue
        socketio.emit(
            "tally", fields, to=workshop_room(workshop.id), namespace=screen.namespace
        )


def send_presence(workshop: Workshop) -> None:
    """Tell the consoles how many phones are connected."""
    socketio.emit(
        "presence",
        {"phones": phones_connected(workshop.id)},
        to=workshop_room(workshop.id),
        namespace=Screen.CONSOLE.namespace,
    )
    changes.mark("overview", workshop.event_id)


def send_overview(event_id: int) -> None:
    """Send the event-wide screens the state of every workshop."""
    from app.services.overview import event_overview

    socketio.emit(
        "overview",
        {"workshops": event_overview(event_id, phones_connected)},
        to=event_room(event_id),
        namespace=EVENT_NAMESPACE,
    )


def _send(kind: str, key) -> None:
    if kind == "overview":
        send_overview(int(key))
        return
    workshop = db.session.get(Workshop, int(key))
    if workshop is None:
        return
    if kind == "tally":
        send_tally(workshop)
    elif kind == "presence":
        send_presence(workshop)


class Coalescer:
    """Sends each marked thing at most once per interval, however often it changes.

    A room of 200 voting at once would be 40,000 messages a second if every
    dot went to every screen; instead the counts go out a few times a second.
    Which things are marked is kept by the process-wide seam, so with several
    server processes each is sent by one of them.
    """

    KINDS = ("tally", "presence", "overview")

    def __init__(self):
        self._lock = threading.Lock()
        self._task = None

    def mark(self, kind: str, key) -> None:
        """Note that ``kind`` of ``key`` (a workshop's tally, an event's overview) changed."""
        app = current_app._get_current_object()
        if not app.config["TALLY_INTERVAL"]:
            _send(kind, key)
            return
        coordination.current().mark(kind, key)
        with self._lock:
            if self._task is None:
                self._task = socketio.start_background_task(self._run, app)

    def _run(self, app) -> None:
        while True:
            socketio.sleep(app.config["TALLY_INTERVAL"])
            with app.app_context():
                for kind in self.KINDS:
                    for key in coordination.current().take(kind):
                        try:
                            _send(kind, key)
                        except Exception:  # keep the loop alive; the next change sends again
                            app.logger.exception("sending %s %s failed", kind, key)
                db.session.remove()


changes = Coalescer()


def job_notifier(namespace: str, room: str) -> Callable[[dict], None]:
    """Return a ``notify`` for :func:`app.jobs.submit` that tells a room each step of a job."""

    def notify(status: dict) -> None:
        socketio.emit("job", status, to=room, namespace=namespace)

    return notify
