"""Facilitators' own accesses over Socket.IO: who gets the console, and revocation at once."""

import time

import pytest

from app.extensions import db, socketio
from app.facilitate.actions import console_context
from app.services.access import revoke_access
from app.services.errors import ServiceError


def _ack(sio, event, payload=None):
    return sio.emit(event, payload if payload is not None else {}, callback=True)


def _console(app, browser, code):
    return socketio.test_client(
        app, namespace="/console", flask_test_client=browser, auth={"workshop": code}
    )


def _wait_until_disconnected(sio, seconds=2.0):
    deadline = time.monotonic() + seconds
    while sio.is_connected() and time.monotonic() < deadline:
        time.sleep(0.01)
    return not sio.is_connected()


def test_the_console_admits_a_facilitator_by_link_or_pin(app, actions):
    console = actions.socket(actions.facilitator(name="Aylin"), role="console")
    assert console.is_connected() and _ack(console, "sync")["ok"]
    _id, _token, pin = actions.issue_access(name="Ben", pin=True)
    laptop = actions.phone()
    code = actions.workshop().short_code
    laptop.post("/moderation", data={"code": code, "pin": pin})
    by_pin = actions.socket(laptop, role="console")
    assert by_pin.is_connected() and _ack(by_pin, "sync")["ok"]


def test_the_console_refuses_a_phone_and_the_projector_outright(app, actions):
    workshop = actions.workshop()
    phone = actions.phone()
    actions.join(phone)
    projector = actions.phone()
    projector.get(f"/p/{workshop.projector_token}")
    for browser in (phone, projector):
        sio = _console(app, browser, workshop.short_code)
        assert not sio.is_connected("/console")


@pytest.mark.parametrize("command", ["set_phase", "sync"])
def test_a_phone_and_the_projector_cannot_call_a_console_command(actions, command):
    phone = actions.phone()
    actions.join(phone)
    board = actions.socket(phone)
    projector = actions.socket(actions.phone(), role="projector")
    for sio in (board, projector):
        if command == "sync":
            # Both screens have a sync of their own; it shows them no console board.
            assert "phones" not in _ack(sio, "sync")["board"]
            continue
        refused = _ack(sio, command, {"phase": "vote"})
        assert refused["ok"] is False and refused["code"] == "unknown"
    assert actions.workshop().phase == "collect"


def test_revoking_by_cli_closes_the_open_console_at_once(app, actions, runner):
    laptop = actions.facilitator(name="Aylin")
    console = actions.socket(laptop, role="console")
    other = actions.socket(actions.facilitator(name="Ben"), role="console")
    assert _ack(console, "sync")["ok"]
    result = runner.invoke(args=["facilitator-links", "--revoke", str(laptop.access_id)])
    assert result.exit_code == 0, result.output
    assert not console.is_connected()
    assert other.is_connected() and _ack(other, "sync")["ok"]
    again = _console(app, laptop, actions.workshop().short_code)
    assert not again.is_connected("/console")


def test_a_console_revoked_elsewhere_is_refused_at_its_next_command_and_dropped(app, actions):
    laptop = actions.facilitator(name="Aylin")
    console = actions.socket(laptop, role="console")
    assert _ack(console, "set_phase", {"phase": "discuss"})["ok"]
    # Another process (the CLI, a second server) revoked it: only the database knows.
    with app.app_context():
        revoke_access(laptop.access_id)
    refused = _ack(console, "set_phase", {"phase": "vote"})
    assert refused["ok"] is False and refused["code"] == "forbidden"
    assert _wait_until_disconnected(console)
    assert actions.workshop().phase == "discuss"


def test_the_console_context_names_the_facilitator(app, actions):
    laptop = actions.facilitator(name="Aylin (Moderation)")
    other_workshop = actions.workshop("antisemitismus")
    with app.app_context():
        workshop_id = actions.workshop().id
        assert console_context(workshop_id, laptop.access_id).actor == "Aylin (Moderation)"
        with pytest.raises(ServiceError) as refused:
            console_context(other_workshop.id, laptop.access_id)
        assert refused.value.code == "forbidden"
        db.session.remove()


def test_the_event_area_follows_the_accesses(app, actions):
    laptop = actions.facilitator(name="Aylin")
    overview = socketio.test_client(
        app, namespace="/event", flask_test_client=laptop, auth={"event": "testwoche"}
    )
    assert overview.emit("sync", {}, callback=True, namespace="/event")["ok"]
    with app.app_context():
        revoke_access(laptop.access_id)
    refused = overview.emit("sync", {}, callback=True, namespace="/event")
    assert refused["code"] == "forbidden"
    phone = actions.phone()
    actions.join(phone)
    for browser in (laptop, phone):
        again = socketio.test_client(
            app, namespace="/event", flask_test_client=browser, auth={"event": "testwoche"}
        )
        assert not again.is_connected("/event")
    overview.disconnect(namespace="/event")
