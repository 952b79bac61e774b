"""The live board over Socket.IO (Flask-SocketIO's test client): posting, delivery, phases, dots."""

import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, Vote
from tests.conftest import events


def _ack(sio, event, payload):
    return sio.emit(event, payload, callback=True)


def _card(kind="problem", text="Zu wenig Treffpunkte", **extra):
    return {"id": str(uuid.uuid4()), "kind": kind, "text": text, **extra}


@pytest.fixture
def workshop(make_workshop):
    """A fresh workshop of the test week: 5 dots each, at most 3 on one card."""
    return make_workshop(dot_budget=5, max_dots_per_card=3)


@pytest.fixture
def room(actions, workshop, make_workshop):
    """Two phones and the console in one workshop, a phone in another workshop."""
    phones = []
    for name in ("Ayşe", "Bernd"):
        phone = actions.phone()
        actions.join(phone, workshop, name=name, group="verwaltung")
        phones.append(actions.socket(phone, workshop))
    other = actions.phone()
    next_door = make_workshop()
    actions.join(other, next_door)
    elsewhere = actions.socket(other, next_door)
    console = actions.socket(actions.facilitator(workshop), workshop, role="console")
    for sio in (*phones, elsewhere, console):
        sio.get_received()
    return phones[0], phones[1], console, elsewhere


def _count(app, model=Card):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_connection_needs_a_joined_phone(actions):
    stranger = actions.socket(actions.phone())
    assert not stranger.is_connected()
    fake_staff = actions.phone()
    actions.join(fake_staff)
    assert not actions.socket(fake_staff, role="console").is_connected()


def test_unknown_workshop_is_refused(actions, app):
    from app.extensions import socketio

    phone = actions.phone()
    actions.join(phone)
    sio = socketio.test_client(
        app, namespace="/board", flask_test_client=phone, auth={"workshop": "ZZZZZZ"}
    )
    assert not sio.is_connected("/board")


def test_a_posted_card_reaches_everyone_in_the_workshop_and_nobody_else(room, app):
    ayse, bernd, console, elsewhere = room
    card = _card(text="Queere Jugendliche finden keine Beratung 🏳️‍🌈")
    reply = _ack(ayse, "post_card", card)
    assert reply["ok"] is True
    assert reply["card"]["text"] == card["text"]
    assert reply["card"]["author_name"] == "Ayşe"
    assert reply["card"]["author_group"] == "verwaltung"
    assert [e["card"]["id"] for e in events(bernd, "card_posted")] == [card["id"]]
    assert [e["card"]["id"] for e in events(console, "card_posted")] == [card["id"]]
    assert events(elsewhere, "card_posted") == []
    assert _count(app) == 1


def test_the_same_card_sent_twice_is_one_card(room, app):
    ayse, bernd, _, _ = room
    card = _card()
    first = _ack(ayse, "post_card", card)
    second = _ack(ayse, "post_card", card)
    assert first["ok"] and second["ok"]
    assert first["card"]["id"] == second["card"]["id"]
    assert len(events(bernd, "card_posted")) == 1
    assert _count(app) == 1


def test_someone_elses_card_id_cannot_be_taken_over(room, app):
    ayse, bernd, _, _ = room
    card = _card()
    _ack(ayse, "post_card", card)
    reply = _ack(bernd, "post_card", {**card, "text": "überschrieben"})
    assert reply["ok"] is False
    assert "schon vergeben" in reply["error"]
    with app.app_context():
        assert db.session.get(Card, card["id"]).text == card["text"]


def test_a_solution_answers_a_problem(room):
    ayse, bernd, _, _ = room
    problem = _card()
    _ack(ayse, "post_card", problem)
    solution = _card(kind="solution", text="Beratung im Jugendzentrum", answers=problem["id"])
    reply = _ack(bernd, "post_card", solution)
    assert reply["ok"]
    assert reply["card"]["answers"] == problem["id"]
    wrong = _ack(bernd, "post_card", _card(kind="problem", answers=problem["id"]))
    assert wrong["ok"] is False


def test_reconnect_gets_the_whole_board(room, actions, workshop):
    ayse, bernd, _, _ = room
    bernd.disconnect()
    posted = [_ack(ayse, "post_card", _card(text=f"Karte {n}"))["card"]["id"] for n in range(3)]
    bernd.connect(auth={"workshop": workshop.short_code})
    board = _ack(bernd, "sync", {})["board"]
    assert [c["id"] for c in board["cards"]] == posted
    assert board["workshop"]["phase"] == "collect"
    assert board["me"]["dots_left"] == 5
    assert board["totals"] is None


def test_authors_edit_and_withdraw_their_own_cards_only(room, app):
    ayse, bernd, console, _ = room
    card = _card()
    _ack(ayse, "post_card", card)
    events(bernd, "card_posted")
    edited = _ack(ayse, "edit_card", {"id": card["id"], "text": "Genauer: keine Treffpunkte"})
    assert edited["ok"] and edited["card"]["edited"] is True
    assert events(bernd, "card_edited")[0]["card"]["text"] == "Genauer: keine Treffpunkte"
    foreign = _ack(bernd, "edit_card", {"id": card["id"], "text": "meins"})
    assert foreign["ok"] is False and "eigenen" in foreign["error"]
    assert _ack(bernd, "withdraw_card", {"id": card["id"]})["ok"] is False
    assert _ack(ayse, "withdraw_card", {"id": card["id"]})["ok"] is True
    assert [e["id"] for e in events(console, "card_withdrawn")] == [card["id"]]
    assert _ack(ayse, "sync", {})["board"]["cards"] == []


def test_no_posting_while_voting_and_no_voting_while_collecting(room, actions, workshop):
    ayse, bernd, _, _ = room
    card = _card()
    _ack(ayse, "post_card", card)
    early = _ack(bernd, "cast_vote", {"id": card["id"]})
    assert early["ok"] is False and early["code"] == "phase"
    actions.set_phase("vote", workshop)
    late = _ack(ayse, "post_card", _card())
    assert late["ok"] is False and late["code"] == "phase"
    assert _ack(ayse, "edit_card", {"id": card["id"], "text": "neu"})["code"] == "phase"


def test_votes_go_to_my_tabs_and_totals_only_to_the_console_until_results(room, actions, workshop):
    ayse, bernd, console, _ = room
    card = _card()
    _ack(ayse, "post_card", card)
    actions.set_phase("vote", workshop)
    # Bernd's second tab on the same phone.
    second_tab = actions.socket(actions._sockets[1].flask_test_client, workshop)
    for sio in (ayse, bernd, console, second_tab):
        sio.get_received()
    reply = _ack(bernd, "cast_vote", {"id": card["id"]})
    assert reply == {"ok": True, "card": card["id"], "dots": 1, "dots_left": 4}
    assert events(second_tab, "dots_changed") == [{"card": card["id"], "dots": 1, "dots_left": 4}]
    assert _ack(second_tab, "sync", {})["board"]["me"]["votes"] == {card["id"]: 1}
    assert events(ayse, "dots_changed") == []
    assert events(ayse, "tally") == []
    assert events(console, "tally") == [{"totals": {card["id"]: 1}, "dots_given": 1, "voters": 1}]
    assert _ack(ayse, "sync", {})["board"]["totals"] is None
    actions.set_phase("results", workshop)
    assert _ack(ayse, "sync", {})["board"]["totals"] is None  # until the facilitator reveals
    actions.reveal_results(workshop)
    board = _ack(ayse, "sync", {})["board"]
    assert board["totals"] == {card["id"]: 1}


def test_results_rank_cards_by_dots(room, actions, workshop):
    ayse, bernd, _, _ = room
    cards = [_card(text=f"Karte {n}") for n in range(3)]
    for card in cards:
        _ack(ayse, "post_card", card)
    actions.set_phase("vote", workshop)
    for _ in range(2):
        _ack(bernd, "cast_vote", {"id": cards[2]["id"]})
    _ack(ayse, "cast_vote", {"id": cards[1]["id"]})
    actions.set_phase("results", workshop)
    actions.reveal_results(workshop)
    board = _ack(ayse, "sync", {})["board"]
    assert [c["id"] for c in board["cards"]] == [cards[2]["id"], cards[1]["id"], cards[0]["id"]]


def test_phase_change_from_the_facilitator_reaches_every_screen(room):
    ayse, _, console, elsewhere = room
    reply = _ack(console, "set_phase", {"phase": "discuss"})
    assert reply["ok"] is True and reply["workshop"]["phase"] == "discuss"
    [fact] = events(ayse, "phase_changed")
    assert fact["workshop"]["phase"] == "discuss"
    assert fact["workshop"]["collecting"] is False
    assert events(elsewhere, "phase_changed") == []
    refused = _ack(ayse, "set_phase", {"phase": "vote"})
    assert refused["ok"] is False and refused["code"] == "unknown"
    assert _ack(console, "set_phase", {"phase": "später"})["ok"] is False


BAD_POSTS = [
    None,
    "Karte",
    ["liste"],
    {},
    {"id": "keine-uuid", "kind": "problem", "text": "x"},
    {"id": str(uuid.uuid4()), "kind": "problem", "text": ""},
    {"id": str(uuid.uuid4()), "kind": "problem", "text": "   "},
    {"id": str(uuid.uuid4()), "kind": "problem", "text": "x" * 501},
    {"id": str(uuid.uuid4()), "kind": "idee", "text": "x"},
    {"id": str(uuid.uuid4()), "kind": "problem", "text": ["x"]},
    {"id": str(uuid.uuid4()), "kind": "problem", "text": {"a": 1}},
    {"id": str(uuid.uuid4()), "kind": "problem", "text": True},
    {"id": str(uuid.uuid4()), "kind": "problem", "text": "a\x00b"},
    {"id": str(uuid.uuid4()), "kind": "problem", "text": "\ud800"},
    {"id": str(uuid.uuid4()), "kind": "solution", "text": "x", "answers": str(uuid.uuid4())},
    {"id": 12, "kind": "problem", "text": "x"},
]


@pytest.mark.parametrize("payload", BAD_POSTS)
def test_bad_posts_get_a_clear_message_and_change_nothing(room, app, payload):
    ayse, bernd, _, _ = room
    reply = _ack(ayse, "post_card", payload)
    assert reply["ok"] is False
    assert reply["error"] and "Interner Fehler" not in reply["error"]
    assert _count(app) == 0
    assert events(bernd, "card_posted") == []


@pytest.mark.parametrize("event", ["edit_card", "withdraw_card", "cast_vote", "take_back_vote"])
@pytest.mark.parametrize(
    "payload", [None, 7, {}, {"id": "x"}, {"id": str(uuid.uuid4())}, {"id": ["a"]}]
)
def test_bad_references_get_a_clear_message(room, actions, workshop, event, payload):
    ayse, _, _, _ = room
    if event in ("cast_vote", "take_back_vote"):
        actions.set_phase("vote", workshop)
    reply = _ack(ayse, event, payload)
    assert reply["ok"] is False
    assert reply["error"] and "Interner Fehler" not in reply["error"]


def test_a_500_character_card_with_umlauts_is_accepted_whole(room):
    ayse, _, _, _ = room
    text = ("Grüße aus dem Viertel – Ärger über Öffnungszeiten " * 20)[:500]
    reply = _ack(ayse, "post_card", _card(text=text))
    assert reply["ok"] and reply["card"]["text"] == text.strip()


def test_withdrawing_a_card_gives_its_dots_back(room, actions, app, workshop):
    ayse, bernd, _, _ = room
    card = _card()
    _ack(ayse, "post_card", card)
    actions.set_phase("vote", workshop)
    _ack(bernd, "cast_vote", {"id": card["id"]})
    actions.set_phase("collect", workshop)
    assert _ack(ayse, "withdraw_card", {"id": card["id"]})["ok"]
    assert _ack(bernd, "sync", {})["board"]["me"]["dots_left"] == 5
    assert _count(app, Vote) == 0
