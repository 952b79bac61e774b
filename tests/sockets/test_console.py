"""The facilitator's console over the real socket path: moderation, paper, options, timer."""

import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, Vote
from tests.conftest import events

CONSOLE_COMMANDS = [
    "set_options",
    "reveal_cards",
    "reveal_results",
    "hide_results",
    "timer_start",
    "timer_pause",
    "timer_add",
    "timer_reset",
    "hide_card",
    "restore_card",
    "approve_card",
    "pin_card",
    "link_card",
    "merge_cards",
    "paper_card",
    "paper_dots",
    "undo",
    "log",
]


def _ack(sio, event, payload=None):
    return sio.emit(event, payload if payload is not None else {}, callback=True)


def _card(text="Zu wenig Treffpunkte", kind="problem", **extra):
    return {"id": str(uuid.uuid4()), "kind": kind, "text": text, **extra}


def _ok(reply):
    assert reply["ok"] is True, reply
    return reply


class Room:
    """Two phones, the console and the projector of one workshop."""

    def __init__(self, actions):
        self.actions = actions
        phones = []
        for name in ("Ayşe", "Bernd"):
            phone = actions.phone()
            actions.join(phone, name=name)
            phones.append(actions.socket(phone))
        self.ayse, self.bernd = phones
        self.console = actions.socket(actions.facilitator(), role="console")
        self.projector = actions.socket(actions.phone(), role="projector")
        self.clear()

    @property
    def screens(self):
        return (self.ayse, self.bernd, self.console, self.projector)

    def clear(self):
        for sio in self.screens:
            sio.get_received()

    def post(self, who, **card):
        payload = _card(**card)
        return _ok(_ack(who, "post_card", payload))["card"]

    def command(self, event, payload=None):
        return _ok(_ack(self.console, event, payload))

    def texts(self, sio):
        return sorted(c["text"] for c in _ack(sio, "sync")["board"]["cards"])


@pytest.fixture
def room(actions):
    return Room(actions)


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_hidden_card_leaves_every_screen_but_the_console_and_comes_back(room):
    card = room.post(room.ayse, text="Unpassend")
    room.clear()
    reply = room.command("hide_card", {"id": card["id"]})
    assert reply["cards"][0]["status"] == "hidden"
    for sio in (room.ayse, room.bernd, room.projector):
        assert [e["id"] for e in events(sio, "card_withdrawn")] == [card["id"]]
        assert room.texts(sio) == []
    received = room.console.get_received()
    [edited] = [e["args"][0] for e in received if e["name"] == "card_edited"]
    assert edited["card"]["status"] == "hidden"
    [entry] = [e["args"][0] for e in received if e["name"] == "log_entry"]
    assert entry["entry"]["action"] == "hide_card" and entry["entry"]["actor"]
    assert _ack(room.bernd, "cast_vote", {"id": card["id"]})["ok"] is False

    room.command("undo", {"entry": entry["entry"]["id"]})
    assert room.texts(room.bernd) == ["Unpassend"]
    assert events(room.bernd, "card_edited")[-1]["card"]["text"] == "Unpassend"
    log = room.command("log")["entries"]
    assert log[0]["undone"] is True and log[0]["undoable"] is False
    again = _ack(room.console, "undo", {"entry": entry["entry"]["id"]})
    assert again["ok"] is False and again["code"] == "undone"


def test_an_edit_by_a_facilitator_shows_as_edited_and_can_be_undone(room):
    card = room.post(room.ayse, text="Mehr Treffpunkt")
    room.clear()
    reply = room.command(
        "edit_card", {"id": card["id"], "text": "Mehr Treffpunkte für Jugendliche"}
    )
    [fact] = events(room.ayse, "card_edited")
    assert fact["card"]["text"] == "Mehr Treffpunkte für Jugendliche"
    assert fact["card"]["edited"] is True and fact["card"]["moderated"] is True
    room.command("undo", {"entry": reply["entry"]["id"]})
    assert room.texts(room.bernd) == ["Mehr Treffpunkt"]


def test_pre_moderated_cards_reach_the_phones_only_once_approved(room):
    room.command("set_options", {"dot_budget": 5, "max_dots_per_card": 3, "premoderation": True})
    room.clear()
    card = room.post(room.ayse, text="Bitte erst prüfen")
    assert card["status"] == "pending"
    # Nothing of the card goes to the other phone or the projector: only the fact's number.
    for sio in (room.bernd, room.projector):
        received = sio.get_received()
        assert [e["name"] for e in received] == ["tick"]
        assert "Bitte erst prüfen" not in repr(received)
    assert events(room.console, "card_posted")[0]["card"]["status"] == "pending"
    assert room.texts(room.ayse) == ["Bitte erst prüfen"]  # its author sees it waiting
    assert room.texts(room.bernd) == []
    assert _ack(room.bernd, "sync")["board"]["cards"] == []

    room.command("approve_card", {"id": card["id"]})
    [fact] = events(room.bernd, "card_posted")
    assert fact["card"]["text"] == "Bitte erst prüfen" and fact["card"]["status"] == "visible"
    assert room.texts(room.projector) == ["Bitte erst prüfen"]


def test_blind_collect_never_sends_another_phones_text_before_the_reveal(room):
    room.command("set_options", {"dot_budget": 5, "max_dots_per_card": 3, "blind_collect": True})
    room.clear()
    mine = room.post(room.ayse, text="Geheimer Gedanke")
    room.post(room.bernd, text="Bernds Idee")
    for sio in (room.bernd, room.projector):
        assert "Geheimer Gedanke" not in repr(sio.get_received())
    board = _ack(room.bernd, "sync")["board"]
    assert sorted(c["text"] for c in board["cards"]) == ["", "Bernds Idee"]
    blind = next(c for c in board["cards"] if c["id"] == mine["id"])
    assert blind["blind"] is True and blind["author_name"] == ""
    assert "Geheimer Gedanke" not in repr(_ack(room.projector, "sync"))
    assert "Geheimer Gedanke" in repr(_ack(room.console, "sync"))

    room.clear()
    room.command("reveal_cards")
    assert events(room.bernd, "cards_reset")
    assert room.texts(room.bernd) == ["Bernds Idee", "Geheimer Gedanke"]
    assert room.texts(room.projector) == ["Bernds Idee", "Geheimer Gedanke"]


def test_a_merge_keeps_dots_and_answers_and_undoing_it_restores_each_card(room, app):
    first = room.post(room.ayse, text="Kein Jugendtreff")
    second = room.post(room.bernd, text="Es gibt keinen Jugendtreff")
    third = room.post(room.bernd, text="Jugendtreff fehlt")
    answer = room.post(
        room.ayse, kind="solution", text="Jugendtreff eröffnen", answers=second["id"]
    )
    room.command("set_phase", {"phase": "vote"})
    _ok(_ack(room.ayse, "cast_vote", {"id": first["id"]}))
    _ok(_ack(room.ayse, "cast_vote", {"id": second["id"]}))
    _ok(_ack(room.bernd, "cast_vote", {"id": third["id"]}))
    room.command("paper_dots", {"id": third["id"], "dots": 4})
    room.clear()

    reply = room.command(
        "merge_cards", {"into": first["id"], "ids": f"{second['id']},{third['id']}"}
    )
    assert reply["gone"] == [second["id"], third["id"]]
    [fact] = events(room.bernd, "cards_changed")
    assert fact["gone"] == [second["id"], third["id"]]
    assert [c["id"] for c in fact["cards"]] == [first["id"]]
    totals = _ack(room.console, "sync")["board"]["totals"]
    assert totals == {first["id"]: 2 + 1 + 4}
    board = _ack(room.ayse, "sync")["board"]
    assert board["me"]["votes"] == {first["id"]: 2} and board["me"]["dots_left"] == 3
    moved = next(c for c in board["cards"] if c["id"] == answer["id"])
    assert moved["answers"] == first["id"]
    assert _count(app, Vote) == 2

    room.command("undo", {"entry": reply["entry"]["id"]})
    totals = _ack(room.console, "sync")["board"]["totals"]
    assert totals == {first["id"]: 1, second["id"]: 1, third["id"]: 1 + 4}
    board = _ack(room.ayse, "sync")["board"]
    assert board["me"]["votes"] == {first["id"]: 1, second["id"]: 1}
    assert next(c for c in board["cards"] if c["id"] == answer["id"])["answers"] == second["id"]
    assert len(board["cards"]) == 4


def test_cards_of_different_kinds_are_not_merged(room):
    problem = room.post(room.ayse)
    solution = room.post(room.ayse, kind="solution", text="Lösung")
    refused = _ack(room.console, "merge_cards", {"into": problem["id"], "ids": solution["id"]})
    assert refused["ok"] is False and "derselben Art" in refused["error"]
    assert len(_ack(room.console, "sync")["board"]["cards"]) == 2


def test_paper_cards_and_paper_dots_are_marked_and_counted(room, actions):
    paper = room.command(
        "paper_card", {"id": str(uuid.uuid4()), "kind": "problem", "text": "Vom Papier"}
    )["cards"][0]
    assert paper["paper"] is True and paper["author_key"] is None
    [fact] = events(room.bernd, "card_posted")
    assert fact["card"]["paper"] is True
    # A resend of the same paper card (a lost reply) is the same card.
    again = room.command("paper_card", {"id": paper["id"], "kind": "problem", "text": "Vom Papier"})
    assert again["cards"][0]["id"] == paper["id"]
    room.command("set_phase", {"phase": "vote"})
    room.command("paper_dots", {"id": paper["id"], "dots": 6})
    refused = _ack(room.console, "paper_dots", {"id": paper["id"], "dots": -7})
    assert refused["ok"] is False and "6" in refused["error"]
    room.command("set_phase", {"phase": "results"})
    room.command("reveal_results")
    board = _ack(room.bernd, "sync")["board"]
    assert board["totals"] == {paper["id"]: 6}


def test_results_stay_hidden_from_the_room_until_revealed(room):
    card = room.post(room.ayse)
    room.command("set_phase", {"phase": "vote"})
    _ok(_ack(room.bernd, "cast_vote", {"id": card["id"]}))
    room.command("set_phase", {"phase": "results"})
    for sio in (room.ayse, room.projector):
        assert _ack(sio, "sync")["board"]["totals"] is None
    assert _ack(room.console, "sync")["board"]["totals"] == {card["id"]: 1}
    room.clear()
    room.command("reveal_results")
    for sio in (room.ayse, room.bernd, room.projector):
        [fact] = events(sio, "phase_changed")
        assert fact["workshop"]["results_shown"] is True
        assert fact["totals"] == {card["id"]: 1}
    assert _ack(room.projector, "sync")["board"]["voters"] == 1
    room.command("hide_results")
    assert _ack(room.ayse, "sync")["board"]["totals"] is None


def test_revealing_during_the_vote_ends_it(room):
    card = room.post(room.ayse)
    room.command("set_phase", {"phase": "vote"})
    _ok(_ack(room.bernd, "cast_vote", {"id": card["id"]}))
    workshop = room.command("reveal_results")["workshop"]
    assert workshop["phase"] == "results" and workshop["results_shown"] is True
    assert _ack(room.bernd, "cast_vote", {"id": card["id"]})["code"] == "phase"


def test_the_timer_runs_pauses_and_grows_on_every_screen(room):
    room.command("timer_start", {"seconds": 300})
    [fact] = events(room.ayse, "workshop_changed")
    timer = fact["workshop"]["timer"]
    assert timer["state"] == "running" and timer["duration"] == 300 and timer["ends_at"]
    assert 295 <= timer["remaining"] <= 300
    paused = room.command("timer_pause")["workshop"]["timer"]
    assert paused["state"] == "paused" and 295 <= paused["remaining"] <= 300
    added = room.command("timer_add", {"seconds": 60})["workshop"]["timer"]
    assert added["state"] == "paused" and added["remaining"] == paused["remaining"] + 60
    running = room.command("timer_resume")["workshop"]["timer"]
    assert running["state"] == "running"
    assert events(room.projector, "workshop_changed")[-1]["workshop"]["timer"]["state"] == "running"
    room.command("timer_reset")
    assert _ack(room.ayse, "sync")["board"]["workshop"]["timer"]["state"] == "idle"
    refused = _ack(room.console, "timer_pause")
    assert refused["ok"] is False and refused["code"] == "timer"
    assert _ack(room.console, "timer_start", {"seconds": 0})["ok"] is False


def test_options_change_while_the_workshop_runs(room):
    card = room.post(room.ayse)
    room.command("set_phase", {"phase": "vote"})
    room.command("set_options", {"dot_budget": 2, "max_dots_per_card": 1})
    assert _ack(room.ayse, "sync")["board"]["me"]["dots_left"] == 2
    _ok(_ack(room.ayse, "cast_vote", {"id": card["id"]}))
    assert _ack(room.ayse, "cast_vote", {"id": card["id"]})["code"] == "card_limit"
    refused = _ack(room.console, "set_options", {"dot_budget": 2, "max_dots_per_card": 3})
    assert refused["ok"] is False and refused["error"]
    assert _ack(room.console, "sync")["board"]["workshop"]["max_dots_per_card"] == 1


def test_linking_a_solution_to_a_problem_and_unlinking_it(room):
    problem = room.post(room.ayse)
    solution = room.post(room.bernd, kind="solution", text="Ein Café")
    reply = room.command("link_card", {"id": solution["id"], "answers": problem["id"]})
    assert reply["cards"][0]["answers"] == problem["id"]
    assert events(room.ayse, "card_edited")[-1]["card"]["answers"] == problem["id"]
    room.command("link_card", {"id": solution["id"], "answers": ""})
    refused = _ack(room.console, "link_card", {"id": problem["id"], "answers": solution["id"]})
    assert refused["ok"] is False


def test_pinned_cards_are_marked_for_every_screen(room):
    card = room.post(room.ayse)
    room.command("pin_card", {"id": card["id"]})
    assert events(room.projector, "card_edited")[-1]["card"]["pinned"] is True
    assert _ack(room.console, "pin_card", {"id": card["id"]})["code"] == "unchanged"


@pytest.mark.parametrize("command", CONSOLE_COMMANDS)
def test_phones_and_the_projector_cannot_run_the_console(room, app, command):
    card = room.post(room.ayse)
    before = _ack(room.console, "sync")["board"]
    payload = {"id": card["id"], "into": card["id"], "ids": card["id"], "entry": 1, "dots": 3}
    for sio in (room.ayse, room.projector):
        reply = _ack(sio, command, payload)
        assert reply["ok"] is False and reply["code"] == "unknown"
    after = _ack(room.console, "sync")["board"]
    assert after["cards"] == before["cards"] and after["workshop"] == {
        **before["workshop"],
        "now": after["workshop"]["now"],
    }
    assert _count(app, Card) == 1
