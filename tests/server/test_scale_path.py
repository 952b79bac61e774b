"""The scale path: two server processes on one PostgreSQL, joined by a Redis message queue.

Phones on one process and facilitators on the other must see the same
workshop: cards, dots, presence, the phase, the guess limit and the budget.
"""

import threading
import uuid

import psycopg
import pytest
import requests

from tests.conftest import postgres_url, redis_url
from tests.live import Phone
from tests.server.conftest import forget_coordination

pytestmark = [pytest.mark.server, pytest.mark.postgres]

#: The address the guess-limit test pretends to come from (behind PROXY_COUNT=1).
GUESSER = "203.0.113.7"


def database_rows(sql, **params):
    with psycopg.connect(postgres_url().replace("+psycopg", "")) as conn:
        return conn.execute(sql, params).fetchall()


def _card(text="Über zwei Prozesse", kind="problem"):
    return {"id": str(uuid.uuid4()), "kind": kind, "text": text}


def _joined(server, code, name=""):
    person = Phone(server)
    assert person.join_by_code(code, name=name).url.endswith(f"/w/{code}")
    return person


def _facilitator(server, link):
    laptop = Phone(server)
    laptop.facilitate(link)
    return laptop


def test_a_card_posted_on_one_process_reaches_a_phone_on_the_other(two_servers, codes, screens):
    first, second = two_servers
    code = list(codes)[0]
    on_first, on_second = _joined(first, code), _joined(second, code)
    a = screens(first, on_first.cookie, code).connect()
    b = screens(second, on_second.cookie, code).connect()
    card = _card()
    assert a.call("post_card", card)["ok"]
    assert [e["card"]["id"] for e in b.wait_for("card_posted")] == [card["id"]]
    assert [c["id"] for c in b.call("sync")["board"]["cards"]] == [card["id"]]


def test_phase_and_dots_cross_processes(two_servers, codes, screens):
    first, second = two_servers
    code, link = list(codes.items())[1]
    author, voter = _joined(first, code), _joined(second, code)
    facilitator = _facilitator(first, link)
    writer = screens(first, author.cookie, code).connect()
    cards = [writer.call("post_card", _card(f"Karte {n}"))["card"]["id"] for n in range(2)]
    # The voter has a tab on each process; the console is on the second.
    tab_second = screens(second, voter.cookie, code).connect()
    tab_first = screens(first, voter.cookie, code).connect()
    console = screens(second, facilitator.cookie, code, role="console").connect()

    facilitator.set_phase(code, "vote")  # an HTTP post to the first process
    for screen in (tab_second, console, writer):
        assert screen.wait_until("phase_changed", lambda e: e["workshop"]["phase"] == "vote")

    reply = tab_first.call("cast_vote", {"id": cards[0]})
    assert reply["ok"]
    change = tab_second.wait_until("dots_changed", lambda e: e["card"] == cards[0])
    assert change == {"card": cards[0], "dots": 1, "dots_left": reply["dots_left"]}
    tally = console.wait_until("tally", lambda e: (e["totals"] or {}).get(cards[0]) == 1)
    assert tally is not None and tally["dots_given"] == 1 and tally["voters"] == 1
    # The tab that voted is not told again what it was just told in the reply.
    assert tab_first.events("dots_changed") == []

    assert tab_second.call("cast_vote", {"id": cards[1]})["ok"]
    assert tab_first.wait_until("dots_changed", lambda e: e["card"] == cards[1])
    assert console.wait_until("tally", lambda e: e["dots_given"] == 2)
    me_first = tab_first.call("sync")["board"]["me"]
    assert me_first == tab_second.call("sync")["board"]["me"]
    assert me_first["votes"] == {cards[0]: 1, cards[1]: 1}


def test_presence_counts_phones_on_both_processes(two_servers, codes, screens):
    first, second = two_servers
    code, link = list(codes.items())[2]
    console = screens(first, _facilitator(first, link).cookie, code, role="console").connect()
    phones = [
        screens(server, _joined(server, code).cookie, code).connect()
        for server in (first, first, second, second, second)
    ]
    assert console.wait_until("presence", lambda e: e["phones"] == 5)
    since = console.mark()
    for phone in phones[2:4]:  # two of the second process's phones leave
        phone.close()
    assert console.wait_until("presence", lambda e: e["phones"] == 3, since=since)
    # A console on the second process counts the same.
    other = screens(second, _facilitator(second, link).cookie, code, role="console").connect()
    phones.append(screens(second, _joined(second, code).cookie, code).connect())
    found = other.wait_until("presence", lambda e: e["phones"] == 4)
    assert found, (other.received, console.events("presence"))


def test_one_participant_voting_through_both_processes_at_once_never_overspends(
    two_servers, codes, screens
):
    first, second = two_servers
    code, link = list(codes.items())[3]
    author, voter = _joined(first, code), _joined(first, code, name="Zwei Wege")
    writer = screens(first, author.cookie, code).connect()
    cards = [writer.call("post_card", _card(f"Karte {n}"))["card"]["id"] for n in range(4)]
    _facilitator(second, link).set_phase(code, "vote")
    # Two sockets with the same cookie on each process: four tabs of one phone.
    tabs = [
        screens(server, voter.cookie, code).connect() for server in (first, second, first, second)
    ]
    budget = tabs[0].call("sync")["board"]["me"]["dots_left"]
    barrier = threading.Barrier(len(tabs))
    replies, lock = [], threading.Lock()

    def vote_from(tab, offset):
        barrier.wait()
        for n in range(8):
            reply = tab.call("cast_vote", {"id": cards[(n + offset) % len(cards)]})
            with lock:
                replies.append(reply)

    threads = [threading.Thread(target=vote_from, args=(t, i)) for i, t in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    accepted = [r for r in replies if r["ok"]]
    assert len(replies) == 32
    assert len(accepted) == budget
    assert {r["code"] for r in replies if not r["ok"]} <= {"budget", "card_limit"}
    # Every acknowledgement tells a different moment of the same budget ...
    assert sorted(r["dots_left"] for r in accepted) == list(range(budget))
    # ... and of the same card: its dots counted up one by one.
    for card in cards:
        on_card = sorted(r["dots"] for r in accepted if r["card"] == card)
        assert on_card == list(range(1, len(on_card) + 1))
    rows = database_rows(
        "SELECT m.dots_spent, coalesce(sum(v.dots), 0) FROM membership m"
        " JOIN participant p ON p.id = m.participant_id"
        " LEFT JOIN vote v ON v.participant_id = p.id"
        " WHERE p.display_name = %(name)s GROUP BY m.dots_spent",
        name="Zwei Wege",
    )
    assert rows == [(budget, budget)]
    mine = [tab.call("sync")["board"]["me"] for tab in tabs]
    assert all(me == mine[0] for me in mine)
    assert mine[0]["dots_left"] == 0 and sum(mine[0]["votes"].values()) == budget


def test_wrong_codes_count_against_one_limit_over_both_processes(two_servers, codes):
    first, second = two_servers
    right_code = list(codes)[4]
    limit = 10  # JOIN_CODE_ATTEMPTS_PER_MINUTE
    guesser = requests.Session()
    guesser.headers["X-Forwarded-For"] = GUESSER

    def guess(server, code):
        from tests.live import csrf_from

        page = guesser.get(server.url + "/join")
        return guesser.post(
            server.url + "/join", data={"code": code, "csrf_token": csrf_from(page.text)}
        )

    try:
        for n in range(limit):
            server = (first, second)[n % 2]
            assert guess(server, "ZZZZZ" + "23456789"[n % 8]).status_code == 400
        # Both processes now refuse this client, even its right code ...
        assert guess(first, right_code).status_code == 429
        assert guess(second, right_code).status_code == 429
        # ... and nobody else: a phone from another address joins.
        assert _joined(second, right_code).cookie
    finally:
        guesser.close()
        forget_coordination(redis_url())
