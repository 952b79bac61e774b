"""The live board against a real server (gevent, WebSocket), as phones and a projector use it."""

import threading
import uuid

import pytest
import socketio

from tests.live import LiveServer, Phone

pytestmark = pytest.mark.server


def _card(text="Zu wenig Treffpunkte", kind="problem", **extra):
    return {"id": str(uuid.uuid4()), "kind": kind, "text": text, **extra}


def test_join_by_qr_link_and_by_code_then_cards_arrive_live(server, workshops, phone, screens):
    code = workshops[0]
    first, second, outsider = phone(), phone(), phone()
    board = first.join_by_code(code.lower(), name="Ayşe", group="verwaltung")
    assert board.status_code == 200 and board.url.endswith(f"/w/{code}")
    qr_link = None
    facilitator = phone()
    facilitator.facilitate(server.facilitator_links()[code])
    console = facilitator.http.get(server.url + f"/w/{code}/facilitate").text
    qr_link = next(part for part in console.split('"') if "/j/" in part)
    assert second.join_by_link(qr_link).url.endswith(f"/w/{code}")
    outsider.join_by_code(workshops[1])

    a = screens(server, first.cookie, code).connect()
    b = screens(server, second.cookie, code).connect()
    projector = screens(server, facilitator.cookie, code, role="console").connect()
    elsewhere = screens(server, outsider.cookie, workshops[1]).connect()

    card = _card(text="Beratung fehlt – für Ältere 👵")
    reply = a.call("post_card", card)
    assert reply["ok"] and reply["card"]["author_name"] == "Ayşe"
    assert [e["card"]["id"] for e in b.wait_for("card_posted")] == [card["id"]]
    assert [e["card"]["id"] for e in projector.wait_for("card_posted")] == [card["id"]]
    assert elsewhere.events("card_posted") == []


def _joined_screens(server, code, phone, screens, count):
    """``count`` phones that joined the workshop by its code, each with an open socket."""
    connected = []
    for _ in range(count):
        person = phone()
        person.join_by_code(code)
        connected.append(screens(server, person.cookie, code).connect())
    return connected


def test_sending_a_card_twice_makes_one_card(server, workshops, phone, screens):
    code = workshops[2]
    p = phone()
    p.join_by_code(code)
    a = screens(server, p.cookie, code).connect()
    card = _card()
    assert a.call("post_card", card)["ok"]
    assert a.call("post_card", card)["ok"]
    ids = [c["id"] for c in a.call("sync")["board"]["cards"]]
    assert ids.count(card["id"]) == 1


def test_a_phone_that_was_away_gets_exactly_the_current_board(server, workshops, phone, screens):
    code = workshops[3]
    p1, p2 = phone(), phone()
    p1.join_by_code(code)
    p2.join_by_code(code)
    a = screens(server, p1.cookie, code).connect()
    screens(server, p2.cookie, code).connect().close()
    posted = [a.call("post_card", _card(text=f"Karte {n}"))["card"]["id"] for n in range(3)]
    withdrawn = posted.pop(0)
    assert a.call("withdraw_card", {"id": withdrawn})["ok"]
    back = screens(server, p2.cookie, code).connect()
    mine = back.call("sync")["board"]
    theirs = a.call("sync")["board"]
    assert [c["id"] for c in mine["cards"]] == posted
    assert mine["cards"] == theirs["cards"]


def test_tabs_of_one_phone_voting_at_once_never_overspend(server, workshops, phone, screens):
    code = workshops[4]
    author, voter, facilitator = phone(), phone(), phone()
    author.join_by_code(code)
    voter.join_by_code(code)
    facilitator.facilitate(server.facilitator_links()[code])
    writer = screens(server, author.cookie, code).connect()
    cards = [writer.call("post_card", _card(text=f"Karte {n}"))["card"]["id"] for n in range(4)]
    facilitator.set_phase(code, "vote")
    tabs = [screens(server, voter.cookie, code).connect() for _ in range(4)]
    barrier = threading.Barrier(len(tabs))
    replies = []

    def vote_from(tab, offset):
        barrier.wait()
        for n in range(4):
            replies.append(tab.call("cast_vote", {"id": cards[(n + offset) % 4]}))

    threads = [threading.Thread(target=vote_from, args=(t, i)) for i, t in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = [r for r in replies if r["ok"]]
    assert len(accepted) == 5
    assert {r["code"] for r in replies if not r["ok"]} <= {"budget", "card_limit"}
    me = tabs[0].call("sync")["board"]["me"]
    assert me["dots_left"] == 0 and sum(me["votes"].values()) == 5


def test_an_acknowledged_card_survives_a_server_restart(tmp_path, phone, screens):
    server = LiveServer(tmp_path / "restart").start()
    try:
        code = next(iter(server.facilitator_links()))
        person = Phone(server)
        person.join_by_code(code)
        a = screens(server, person.cookie, code).connect()
        card = _card(text="Das darf nicht verloren gehen")
        assert a.call("post_card", card)["ok"]
        a.close()
        server.restart()
        again = screens(server, person.cookie, code).connect()
        assert [c["text"] for c in again.call("sync")["board"]["cards"]] == [card["text"]]
    finally:
        server.stop()


def _websocket_handshake(server, cookie, origin) -> str:
    """Send a raw WebSocket upgrade request; return the status line of the answer."""
    import base64
    import os
    import socket

    request = (
        f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\nCookie: {cookie}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(request.encode())
        return sock.recv(4096).decode(errors="replace").split("\r\n")[0]


def test_socket_from_another_origin_is_refused(server, workshops, phone):
    p = phone()
    p.join_by_code(workshops[5])
    assert " 400 " in _websocket_handshake(server, p.cookie, "http://evil.example")
    assert " 101 " in _websocket_handshake(server, p.cookie, server.url)


def test_socket_without_joining_is_refused(server, workshops, phone, screens):
    with pytest.raises(socketio.exceptions.ConnectionError):
        screens(server, phone().cookie, workshops[0]).connect()


def test_an_oversize_message_drops_only_that_connection(server, workshops, phone, screens):
    code = workshops[6]
    flooder, bystander = _joined_screens(server, code, phone, screens, 2)
    with pytest.raises(socketio.exceptions.TimeoutError):
        flooder.client.call(
            "post_card", _card(text="x" * 200_000), namespace=flooder.namespace, timeout=3
        )
    assert not flooder.client.connected
    assert bystander.call("post_card", _card())["ok"]


def test_a_flooding_socket_is_throttled_and_the_others_carry_on(server, workshops, phone, screens):
    import time

    code = workshops[1]
    flooder, bystander = _joined_screens(server, code, phone, screens, 2)
    replies = []
    for _ in range(300):
        flooder.client.emit("sync", {}, callback=replies.append, namespace=flooder.namespace)
    card = _card(text="Trotzdem angekommen")
    assert bystander.call("post_card", card)["ok"]
    deadline = time.monotonic() + 20
    while len(replies) < 300 and time.monotonic() < deadline:
        time.sleep(0.05)
    codes = [r.get("code") for r in replies]
    assert codes.count("throttled") >= 250
    assert all(r["ok"] for r in replies if r.get("code") != "throttled")
    assert flooder.client.connected
