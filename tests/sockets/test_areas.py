"""Each screen's socket area: who gets in, what it may send, and the numbered facts it receives."""

import tomllib
import uuid

import pytest

from app.extensions import db, socketio
from tests.conftest import WEEK, events


def _ack(sio, event, payload=None):
    return sio.emit(event, payload if payload is not None else {}, callback=True)


def _card(text="Zu wenig Treffpunkte", kind="problem"):
    return {"id": str(uuid.uuid4()), "kind": kind, "text": text}


@pytest.fixture
def screens(actions):
    """A phone, the console and the projector of one workshop."""
    phone = actions.phone()
    actions.join(phone, name="Ayşe")
    board = actions.socket(phone)
    console = actions.socket(actions.facilitator(), role="console")
    projector = actions.socket(actions.phone(), role="projector")
    for sio in (board, console, projector):
        sio.get_received()
    return board, console, projector


def test_facts_are_numbered_and_a_sync_says_which_it_includes(screens):
    board, console, projector = screens
    start = _ack(board, "sync")["board"]["seq"]
    _ack(board, "post_card", _card("eins"))
    _ack(board, "post_card", _card("zwei"))
    _ack(console, "set_phase", {"phase": "discuss"})
    for sio in screens:
        received = [
            (e["name"], e["args"][0]["seq"]) for e in sio.get_received() if "seq" in e["args"][0]
        ]
        assert received == [
            ("card_posted", start + 1),
            ("card_posted", start + 2),
            ("phase_changed", start + 3),
        ]
    for sio in screens:
        assert _ack(sio, "sync")["board"]["seq"] == start + 3


def test_a_phase_change_carries_what_each_screen_may_now_see(screens, actions):
    board, console, projector = screens
    card = _card()
    _ack(board, "post_card", card)
    _ack(console, "set_phase", {"phase": "vote"})
    _ack(board, "cast_vote", {"id": card["id"]})
    for sio in screens:
        sio.get_received()

    _ack(console, "set_phase", {"phase": "results"})
    for sio in (board, projector):
        [hidden] = events(sio, "phase_changed")
        assert hidden["workshop"]["phase"] == "results" and hidden["totals"] is None
    assert events(console, "phase_changed")[0]["totals"] == {card["id"]: 1}

    _ack(console, "reveal_results")
    [to_phone] = events(board, "phase_changed")
    [to_projector] = events(projector, "phase_changed")
    [to_console] = events(console, "phase_changed")
    for fact in (to_phone, to_projector, to_console):
        assert fact["workshop"]["phase"] == "results"
        assert fact["workshop"]["results_shown"] is True
        assert fact["totals"] == {card["id"]: 1}
    assert to_phone["dots_given"] is None
    assert to_projector["dots_given"] == to_console["dots_given"] == 1

    _ack(console, "set_phase", {"phase": "vote"})
    assert events(board, "phase_changed")[0]["totals"] is None
    assert events(projector, "phase_changed")[0]["totals"] is None
    assert events(console, "phase_changed")[0]["totals"] == {card["id"]: 1}


def test_the_projector_sees_what_the_room_sees_and_can_change_nothing(screens, actions):
    board, console, projector = screens
    card = _card()
    _ack(board, "post_card", card)
    assert [e["card"]["id"] for e in events(projector, "card_posted")] == [card["id"]]
    for command, payload in [
        ("set_phase", {"phase": "vote"}),
        ("post_card", _card()),
        ("cast_vote", {"id": card["id"]}),
        ("withdraw_card", {"id": card["id"]}),
    ]:
        reply = _ack(projector, command, payload)
        assert reply["ok"] is False and reply["code"] == "unknown"
    assert _ack(board, "sync")["board"]["workshop"]["phase"] == "collect"
    _ack(console, "set_phase", {"phase": "vote"})
    _ack(board, "cast_vote", {"id": card["id"]})
    seen = _ack(projector, "sync")["board"]
    assert seen["totals"] is None and seen["dots_given"] == 1
    assert seen["me"] is None
    assert events(projector, "tally") == [{"totals": None, "dots_given": 1, "voters": 1}]


def test_a_projector_link_that_was_changed_stops_working(actions, app):
    projector = actions.socket(actions.phone(), role="projector")
    assert _ack(projector, "sync")["ok"]
    with app.app_context():
        from app.models import Workshop

        workshop = db.session.scalar(db.select(Workshop).filter_by(slug="vielfalt"))
        workshop.projector_token = "neu-" + uuid.uuid4().hex
        db.session.commit()
    assert _ack(projector, "sync")["code"] == "forbidden"
    wrong = socketio.test_client(app, namespace="/projector", auth={"projector": "falsch"})
    assert not wrong.is_connected("/projector")


def test_a_revoked_access_ends_an_open_console_at_its_next_command(actions, app):
    phone = actions.phone()
    actions.join(phone)
    board = actions.socket(phone)
    laptop = actions.facilitator()
    console = actions.socket(laptop, role="console")
    assert _ack(console, "set_phase", {"phase": "discuss"})["ok"]
    # Revoked as another server process would: only the database knows.
    with app.app_context():
        from app.services.access import revoke_access

        revoke_access(laptop.access_id)
    refused = _ack(console, "set_phase", {"phase": "vote"})
    assert refused["ok"] is False and refused["code"] == "forbidden"
    assert _ack(board, "sync")["board"]["workshop"]["phase"] == "discuss"


def test_the_console_counts_the_phones_connected(actions):
    console = actions.socket(actions.facilitator(), role="console")
    assert _ack(console, "sync")["board"]["phones"] == 0
    phone = actions.phone()
    actions.join(phone)
    tab = actions.socket(phone)
    assert events(console, "presence")[-1] == {"phones": 1, "voted": 0}
    assert _ack(console, "sync")["board"]["phones"] == 1
    tab.disconnect()
    assert events(console, "presence")[-1] == {"phones": 0, "voted": 0}


def test_the_event_area_shows_every_workshop_to_its_facilitators(actions, app):
    laptop = actions.facilitator()
    overview = socketio.test_client(
        app, namespace="/event", flask_test_client=laptop, auth={"event": "testwoche"}
    )
    assert overview.is_connected("/event")
    workshops = overview.emit("sync", {}, callback=True, namespace="/event")["event"]["workshops"]
    week = tomllib.loads(WEEK.read_text(encoding="utf-8"))
    assert [w["title"] for w in workshops] == [w["title"] for w in week["workshops"]]
    assert workshops[0]["cards"] == 0

    phone = actions.phone()
    actions.join(phone)
    _ack(actions.socket(phone), "post_card", _card())
    pushed = [e for e in overview.get_received("/event") if e["name"] == "overview"]
    assert pushed[-1]["args"][0]["workshops"][0]["cards"] == 1
    assert pushed[-1]["args"][0]["workshops"][0]["phones"] == 1

    stranger = socketio.test_client(
        app, namespace="/event", flask_test_client=phone, auth={"event": "testwoche"}
    )
    assert not stranger.is_connected("/event")
    overview.disconnect("/event")


def test_unknown_commands_are_answered_and_the_default_namespace_admits_nobody(actions, app):
    phone = actions.phone()
    actions.join(phone)
    board = actions.socket(phone)
    reply = _ack(board, "hide_card", {"id": "x"})
    assert reply["ok"] is False and reply["code"] == "unknown" and reply["error"]
    default = socketio.test_client(
        app, flask_test_client=phone, auth={"workshop": actions.workshop().short_code}
    )
    assert not default.is_connected()
