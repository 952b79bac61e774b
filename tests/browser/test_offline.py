"""A phone on the venue Wi-Fi loses its connection, keeps writing, reloads, and comes back."""

import html
import re

import pytest
from playwright.sync_api import expect

from tests.browser.people import Facilitator, card, card_texts, join_by_code, online, post_card
from tests.live import Phone

pytestmark = pytest.mark.browser

SOCKET_IO = re.compile(r"/socket\.io/")


class Cable:
    """What stands between one page and the server's WebSocket: it can lose replies or be cut.

    Page loads and other HTTP requests are not affected, as on a Wi-Fi that
    drops long-lived connections but lets a reload through.
    """

    def __init__(self, page):
        self.up = True
        self.deaf = False
        self.sockets = []
        page.route_web_socket(SOCKET_IO, self._route)

    def _route(self, ws):
        if not self.up:
            # Chromium reports a connection that cannot be made as an error; the mock
            # can only close, which Socket.IO would take for a slow handshake and wait
            # out its 20 s timeout. A frame it cannot parse is an error to it.
            ws.send("no connection")
            ws.close()
            return
        server = ws.connect_to_server()

        def from_server(message):
            if not self.deaf:
                ws.send(message)

        server.on_message(from_server)
        self.sockets.append(ws)

    def lose_replies(self) -> None:
        """The server still hears the phone, but nothing it says comes back."""
        self.deaf = True

    def cut(self) -> None:
        self.up = False
        for ws in self.sockets:
            ws.close()
        self.sockets.clear()

    def mend(self) -> None:
        self.up = True
        self.deaf = False


def server_cards(server, join_link: str) -> list[str]:
    """The card texts the server has, as a phone without JavaScript gets them."""
    phone = Phone(server)
    try:
        page = phone.join_by_link(join_link).text
    finally:
        phone.http.close()
    return [html.unescape(text) for text in re.findall(r'<p class="card-text">([^<]*)</p>', page)]


def test_cards_written_offline_survive_a_reload_and_arrive_exactly_once(screens, server, workshop):
    facilitator = Facilitator(screens, workshop)
    projector = facilitator.open_projector()
    other = join_by_code(screens.phone(), workshop.code, name="Bernd")
    phone = screens.phone()
    cable = Cable(phone)
    join_by_code(phone, workshop.code, name="Ayşe")

    post_card(phone, "Vor dem Funkloch geschrieben")
    expect(card(other, "Vor dem Funkloch geschrieben")).to_have_count(1)

    # The card reaches the server, but the acknowledgement never comes back.
    cable.lose_replies()
    post_card(phone, "Antwort ging verloren")
    expect(card(projector, "Antwort ging verloren")).to_have_count(1)
    expect(card(phone, "Antwort ging verloren")).to_have_class(re.compile(r"\bcard-pending\b"))

    # Then the connection is gone for good; the phone keeps writing.
    cable.cut()
    expect(phone.locator("#connection")).not_to_have_attribute("data-state", "online")
    post_card(phone, "Im Funkloch: Problem")
    post_card(phone, "Im Funkloch: Lösung", kind="solution", answers="Vor dem Funkloch geschrieben")
    post_card(other, "Von Bernd, während Ayşe weg ist")
    pending = phone.locator("li.card-pending")
    expect(pending).to_have_count(3)
    expect(pending.locator(".card-meta")).to_have_text([re.compile("wird gesendet")] * 3)
    expect(phone.locator("#connection")).to_contain_text("3 Karten warten auf Verbindung.")
    expect(phone.locator("#connection")).to_have_attribute("data-state", "offline")
    screens.screenshot(phone, "phone-offline")

    # A reload while still cut off: the outbox in localStorage keeps the cards. The page
    # the server rendered already has the card whose reply was lost; it is not pending.
    phone.reload()
    expect(phone.locator("li.card-pending .card-text")).to_have_text(
        ["Im Funkloch: Problem", "Im Funkloch: Lösung"]
    )
    expect(card(phone, "Antwort ging verloren")).to_have_count(1)
    expect(card(phone, "Antwort ging verloren")).not_to_have_class(re.compile("card-pending"))
    expect(card(phone, "Von Bernd, während Ayşe weg ist")).to_have_count(1)
    expect(phone.locator("#connection")).not_to_have_attribute("data-state", "online")
    outbox = phone.evaluate(
        "(code) => JSON.parse(localStorage.getItem(`querschnitt-outbox:${code}`))", workshop.code
    )
    assert [entry["payload"]["text"] for entry in outbox] == [
        "Antwort ging verloren",
        "Im Funkloch: Problem",
        "Im Funkloch: Lösung",
    ]

    # The connection is back: everything arrives, once.
    cable.mend()
    online(phone, timeout=15_000)  # the next reconnect attempt may be up to 5 s away
    expect(phone.locator("li.card-pending")).to_have_count(0, timeout=15_000)
    problems = [
        "Vor dem Funkloch geschrieben",
        "Antwort ging verloren",
        "Von Bernd, während Ayşe weg ist",
        "Im Funkloch: Problem",
    ]
    solutions = ["Im Funkloch: Lösung"]
    for screen in (phone, other):
        expect(screen.locator("#cards-problem .card-text")).to_have_text(problems)
        expect(screen.locator("#cards-solution .card-text")).to_have_text(solutions)
    # The wall shows the newest first.
    expect(projector.locator("#wall-problem .card-text")).to_have_text(problems[::-1])
    expect(projector.locator("#wall-solution .card-text")).to_have_text(solutions)
    expect(card(other, "Im Funkloch: Lösung").locator(".card-answers")).to_have_text(
        "Antwort auf: Vor dem Funkloch geschrieben"
    )
    expect(card(other, "Im Funkloch: Problem").locator(".card-meta")).to_have_text("Ayşe")
    assert sorted(server_cards(server, facilitator.join_link)) == sorted(problems + solutions)
    assert card_texts(phone, "problem") == card_texts(other, "problem") == problems
    assert (
        phone.evaluate(
            "(code) => localStorage.getItem(`querschnitt-outbox:${code}`)", workshop.code
        )
        == "[]"
    )
    screens.screenshot(phone, "phone-back-online")


def test_a_card_written_offline_after_collecting_ended_is_shown_back_not_dropped(
    screens, server, workshop
):
    facilitator = Facilitator(screens, workshop)
    phone = screens.phone()
    cable = Cable(phone)
    join_by_code(phone, workshop.code)
    cable.cut()
    expect(phone.locator("#connection")).not_to_have_attribute("data-state", "online")
    post_card(phone, "Zu spät: die Sammelphase ist vorbei")
    facilitator.set_phase("vote")
    cable.mend()
    online(phone, timeout=15_000)
    # The server refuses it; the phone says why and gives the text back to copy.
    error = phone.locator("#rejected")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Sammelphase")
    expect(error).to_contain_text("Zu spät: die Sammelphase ist vorbei")
    expect(phone.locator("li.card-pending")).to_have_count(0)
    assert server_cards(server, facilitator.join_link) == []
