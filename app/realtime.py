"""Socket.IO rooms and broadcasts: the only place that knows room names and event names.

Server-to-client events are facts. The ones that change a board are numbered
per workshop (``seq``) and sent to every screen of the workshop, each screen
getting the fields it may see: ``card_posted``, ``card_edited``,
``card_withdrawn``, ``phase_changed`` (with everything the new phase needs,
so no screen has to fetch the board). Unnumbered: ``dots_changed`` (to the
other tabs of one participant), and, coalesced a few times a second,
``tally`` (dot counts), ``presence`` (phones connected, to consoles) and
``overview`` (to the event-wide screens). The synthesis board's facts go to
the event-wide screens unnumbered, each carrying the whole need:
``need_changed``, ``need_deleted``, ``synthesis_entry``; and, coalesced,
``synth_cards_changed {}`` when a card of any workshop of the event was
posted, edited or withdrawn (the board then fetches its cards again).
"""

import threading
from collections.abc import Callable

from flask import current_app

from app import coordination
from app.extensions import after_commit, db, socketio
from app.models import Card, CardStatus, Workshop
from app.models.screens import Screen
from app.services.snapshot import Standing, card_for, voters, workshop_payload

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


def _emit(*args, **kwargs) -> None:
    """Send a fact; in a batch of commands only once the batch is committed (never before)."""
    after_commit(socketio.emit, *args, **kwargs)


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def publish(workshop: Workshop, fact_for: Callable[[Screen], tuple[str, dict]]) -> None:
    """Send a numbered fact to every screen of the workshop, each as it may see it.

    ``fact_for(screen)`` returns the event name and fields for that kind of
    screen; a screen that may see nothing of it gets ``tick``, so that its
    numbers still follow one another.
    """
    for screen in Screen:
        event, fields = fact_for(screen)
        _emit(
            event,
            {"seq": workshop.seq, **fields},
            to=workshop_room(workshop.id),
            namespace=screen.namespace,
        )
    changes.mark("overview", workshop.event_id)


def _cards_touched(workshop: Workshop) -> None:
    """Nudge an open synthesis board: a card of one of the event's workshops changed."""
    changes.mark("synth_cards", workshop.event_id)


def _card_fact(card: Card, workshop: Workshop, *, new: bool):
    """The fact about one card, per screen: posted, edited, or gone from that screen."""
    secret = _secret()

    def fact_for(screen: Screen):
        shown = card_for(card, screen, workshop, secret)
        if shown is not None:
            return ("card_posted" if new else "card_edited"), {"card": shown}
        return ("tick", {}) if new else ("card_withdrawn", {"id": card.id})

    return fact_for


def card_posted(card: Card, workshop: Workshop) -> None:
    """Tell every screen about a new card; one that waits for approval shows on consoles only."""
    publish(workshop, _card_fact(card, workshop, new=True))
    _cards_touched(workshop)
    if card.status == CardStatus.PENDING:
        changes.mark("presence", workshop.id)


def card_edited(card: Card, workshop: Workshop) -> None:
    """Tell every screen that a card changed; a screen that may no longer see it loses it."""
    publish(workshop, _card_fact(card, workshop, new=False))
    _cards_touched(workshop)
    changes.mark("tally", workshop.id)


def card_withdrawn(card: Card, workshop: Workshop) -> None:
    """Tell every screen of the workshop that a card left the board."""
    publish(workshop, lambda screen: ("card_withdrawn", {"id": card.id}))
    _cards_touched(workshop)
    changes.mark("tally", workshop.id)


def cards_changed(workshop: Workshop, cards: list[Card], gone: list[str]) -> None:
    """Tell every screen that several cards changed at once (a merge, or its undo)."""
    secret = _secret()

    def fact_for(screen: Screen):
        shown, hidden = [], list(gone)
        for card in cards:
            view = card_for(card, screen, workshop, secret)
            if view is None:
                hidden.append(card.id)
            else:
                shown.append(view)
        return "cards_changed", {"cards": shown, "gone": hidden}

    publish(workshop, fact_for)
    _cards_touched(workshop)
    changes.mark("tally", workshop.id)


def phase_changed(workshop: Workshop) -> None:
    """Tell every screen the new phase, with the counts it may now see: nobody refetches."""
    _workshop_fact(workshop, "phase_changed")


def workshop_changed(workshop: Workshop) -> None:
    """Tell every screen that options, timer or reveal changed, with what it may now see."""
    _workshop_fact(workshop, "workshop_changed")


def _workshop_fact(workshop: Workshop, event: str) -> None:
    standing = Standing(workshop)
    payload = workshop_payload(workshop)
    publish(workshop, lambda screen: (event, {"workshop": payload, **standing.for_screen(screen)}))


def cards_reset(workshop: Workshop) -> None:
    """Tell every screen to fetch the board again: what each may see changed wholesale."""
    publish(workshop, lambda screen: ("cards_reset", {}))
    _cards_touched(workshop)


def log_entry(workshop: Workshop, entry) -> None:
    """Show the consoles a new or undone step of the moderation log."""
    from app.services.moderation import entry_payload

    _emit(
        "log_entry",
        {"entry": entry_payload(entry)},
        to=workshop_room(workshop.id),
        namespace=Screen.CONSOLE.namespace,
    )


def dots_changed(participant_id: str, workshop_id: int, change: dict, skip_sid=None) -> None:
    """Show a participant's other tabs the dot they gave or took, and schedule the counts."""
    _emit(
        "dots_changed",
        change,
        to=participant_room(participant_id, workshop_id),
        skip_sid=skip_sid,
        namespace=Screen.PHONE.namespace,
    )
    changes.mark("tally", workshop_id)
    changes.mark("presence", workshop_id)


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


def need_changed(event_id: int, need: dict) -> None:
    """Tell the event-wide screens how a need now stands (``need`` as ``need_payload`` gives it)."""
    _emit("need_changed", {"need": need}, to=event_room(event_id), namespace=EVENT_NAMESPACE)


def need_deleted(event_id: int, need_id: int) -> None:
    """Tell the event-wide screens that a need is gone."""
    _emit("need_deleted", {"id": need_id}, to=event_room(event_id), namespace=EVENT_NAMESPACE)


def synthesis_logged(event_id: int, entry: dict) -> None:
    """Show the event-wide screens a new or undone step of the synthesis log."""
    _emit("synthesis_entry", {"entry": entry}, to=event_room(event_id), namespace=EVENT_NAMESPACE)


# ---- coalesced sends ---------------------------------------------------------


def send_tally(workshop: Workshop) -> None:
    """Send the dot counts to each screen that may see them."""
    standing = Standing(workshop)
    for screen in Screen:
        fields = standing.for_screen(screen)
        if fields["totals"] is None and fields["dots_given"] is None:
            continue
        _emit("tally", fields, to=workshop_room(workshop.id), namespace=screen.namespace)


def send_presence(workshop: Workshop) -> None:
    """Tell the consoles how many phones are connected and how many people have voted."""
    _emit(
        "presence",
        {"phones": phones_connected(workshop.id), "voted": voters(workshop)},
        to=workshop_room(workshop.id),
        namespace=Screen.CONSOLE.namespace,
    )
    changes.mark("overview", workshop.event_id)


def send_overview(event_id: int) -> None:
    """Send the event-wide screens the state of every workshop."""
    from app.services.overview import event_overview

    _emit(
        "overview",
        {"workshops": event_overview(event_id, phones_connected)},
        to=event_room(event_id),
        namespace=EVENT_NAMESPACE,
    )


def send_synth_cards(event_id: int) -> None:
    """Tell the event-wide screens that cards changed; a synthesis board fetches them again."""
    _emit("synth_cards_changed", {}, to=event_room(event_id), namespace=EVENT_NAMESPACE)


def _send(kind: str, key) -> None:
    if kind == "overview":
        send_overview(int(key))
        return
    if kind == "synth_cards":
        send_synth_cards(int(key))
        from app.synthesis.scheduling import schedule_embedding

        schedule_embedding(int(key))  # only queues a job, coalesced per event
        return
    workshop = db.session.get(Workshop, int(key))
    if workshop is None:
        return
    if kind == "tally":
        # Votes carry no time of their own: the overview's "last activity" is noted here,
        # once per coalesced send rather than once per dot.
        from app.services.overview import note_activity

        note_activity(workshop.id)
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

    KINDS = ("tally", "presence", "overview", "synth_cards")

    def __init__(self):
        self._lock = threading.Lock()
        self._task = None

    def mark(self, kind: str, key) -> None:
        """Note that ``kind`` of ``key`` (a workshop's tally, an event's overview) changed.

        In a batch of commands, once after the batch is committed: the counts
        sent must include what was marked.
        """
        after_commit(self._mark_now, kind, key)

    def _mark_now(self, kind: str, key) -> None:
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


#: A batch marks each thing once, however many of its commands marked it.
Coalescer._mark_now.once_per_batch = True

changes = Coalescer()


def job_notifier(namespace: str, room: str) -> Callable[[dict], None]:
    """Return a ``notify`` for :func:`app.jobs.submit` that tells a room each step of a job."""

    def notify(status: dict) -> None:
        socketio.emit("job", status, to=room, namespace=namespace)

    return notify
