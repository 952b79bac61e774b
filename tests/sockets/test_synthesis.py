"""The synthesis board over the real socket path: several facilitators at once, nobody else."""

import time
import uuid

import pytest
from sqlalchemy import select

from app.extensions import db, socketio
from app.models import Need
from app.services import joining
from tests.conftest import TEST_WEEK_SLUG
from tests.services.test_needs import post


def _ack(sio, event, payload=None):
    return sio.emit(
        event, payload if payload is not None else {}, callback=True, namespace="/event"
    )


def _ok(reply):
    assert reply["ok"], reply
    return reply


def _received(sio, name):
    return [e["args"][0] for e in sio.get_received("/event") if e["name"] == name]


def _drain(sio) -> dict[str, list]:
    """Every event the client received since the last read, by name."""
    by_name: dict[str, list] = {}
    for e in sio.get_received("/event"):
        by_name.setdefault(e["name"], []).append(e["args"][0])
    return by_name


@pytest.fixture
def cards(app):
    """Cards on three workshops' boards of the test week."""
    with app.app_context():
        made = [
            post("vielfalt", "Vernetzung der Vereine", "verwaltung"),
            post("antisemitismus", "Netzwerk der Initiativen", "zivilgesellschaft"),
            post("nachbarschaft", "Austausch im Stadtteil"),
            post("jugend", "Jugendtreff fehlt"),
        ]
        db.session.remove()
        return made


@pytest.fixture
def board(actions, app):
    """Two facilitators of different workshops with the synthesis board open."""
    opened = []
    for workshop in ("vielfalt", "antisemitismus"):
        laptop = actions.facilitator(workshop)
        sio = socketio.test_client(
            app, namespace="/event", flask_test_client=laptop, auth={"event": TEST_WEEK_SLUG}
        )
        assert sio.is_connected("/event")
        opened.append(sio)
    yield opened
    for sio in opened:
        if sio.is_connected("/event"):
            sio.disconnect("/event")


def test_synth_sync_shows_every_card_the_needs_and_the_matrix(board, cards):
    aylin, _ = board
    _ok(_ack(aylin, "create_need", {"title": "Vernetzung", "cards": ",".join(cards[:2])}))
    synthesis = _ok(_ack(aylin, "synth_sync"))["synthesis"]
    shown = {card["id"]: card for card in synthesis["cards"]}
    assert set(cards) <= set(shown)
    assert shown[cards[0]]["theme"] == "Vielfalt"
    assert shown[cards[0]]["group"] == "verwaltung"
    assert shown[cards[0]]["kind"] == "problem" and shown[cards[0]]["dots"] == 0
    [need] = synthesis["needs"]
    assert need["card_count"] == 2 and need["groups"] == {"verwaltung": 1, "zivilgesellschaft": 1}
    [row] = synthesis["matrix"]["needs"]
    assert [cell["cards"] for cell in row["cells"]][:3] == [1, 1, 0]


def test_a_solution_on_the_board_says_which_problem_it_answers(board, app, cards):
    with app.app_context():
        from app.models import Card, Workshop
        from app.services import board as board_service

        problem = db.session.get(Card, cards[0])
        workshop = db.session.get(Workshop, problem.workshop_id)
        author = joining.join(workshop, None)
        solution, _ = board_service.post_card(
            workshop,
            author,
            card_id=str(uuid.uuid4()),
            kind="solution",
            text="Runder Tisch der Vereine",
            answers_id=problem.id,
        )
        solution_id = solution.id
        db.session.remove()
    aylin, _ = board
    shown = {c["id"]: c for c in _ok(_ack(aylin, "synth_sync"))["synthesis"]["cards"]}
    assert shown[solution_id]["answers"] == cards[0]
    assert shown[cards[0]]["answers"] is None


def test_two_facilitators_see_each_others_changes(board, cards):
    aylin, jonas = board
    created = _ok(_ack(aylin, "create_need", {"title": "Vernetzung", "cards": cards[0]}))
    need = created["needs"][0]
    seen = _drain(jonas)
    assert seen["need_changed"][-1]["need"]["title"] == "Vernetzung"
    assert seen["synthesis_entry"][-1]["entry"]["action"] == "create_need"

    # Both add cards at once, each to the need as they saw it: sets, so both stay.
    _ok(_ack(jonas, "add_cards", {"need": need["id"], "cards": cards[1]}))
    _ok(_ack(aylin, "add_cards", {"need": need["id"], "cards": cards[2]}))
    seen = _received(jonas, "need_changed")[-1]["need"]
    assert seen["cards"] == cards[:3]
    assert _received(aylin, "need_changed")[-1]["need"]["cards"] == cards[:3]

    other = _ok(_ack(jonas, "create_need", {"title": "Jugend", "cards": cards[3]}))["needs"][0]
    merged = _ok(_ack(aylin, "merge_needs", {"into": need["id"], "others": str(other["id"])}))
    assert _received(jonas, "need_deleted")[-1] == {"id": other["id"]}
    undone = _ok(_ack(jonas, "undo", {"entry": merged["entry"]["id"]}))
    assert {n["id"] for n in undone["needs"]} == {need["id"], other["id"]}
    assert _received(aylin, "need_changed")[-1]["need"]["id"] in {need["id"], other["id"]}

    _ok(_ack(aylin, "delete_need", {"need": other["id"]}))
    assert _received(jonas, "need_deleted")[-1] == {"id": other["id"]}


def test_a_stale_rename_is_refused_with_the_need_and_nothing_is_lost(board, cards):
    aylin, jonas = board
    need = _ok(_ack(aylin, "create_need", {"title": "Vernetzung"}))["needs"][0]
    assert need["version"] == 1
    _ok(_ack(aylin, "rename_need", {"need": need["id"], "title": "Netzwerke", "version": 1}))
    stale = _ack(jonas, "rename_need", {"need": need["id"], "title": "Vernetzen", "version": 1})
    assert stale["ok"] is False and stale["code"] == "conflict"
    assert stale["need"]["title"] == "Netzwerke" and stale["need"]["version"] == 2
    stale_update = _ack(
        jonas,
        "update_need",
        {"need": need["id"], "what": "Ein Netzwerk", "priority": 1, "version": 1},
    )
    assert stale_update["code"] == "conflict"
    # Seeing both, Jonas writes again on the current version: both edits stand.
    done = _ok(
        _ack(jonas, "update_need", {"need": need["id"], "what": "Ein Netzwerk", "version": 2})
    )
    assert done["needs"][0]["title"] == "Netzwerke"
    assert done["needs"][0]["what"] == "Ein Netzwerk"


def test_a_card_of_another_event_is_refused(board, app, make_event, make_workshop):
    aylin, _ = board
    other = make_workshop(event=make_event())
    with app.app_context():
        foreign = post_in(other.id)
    reply = _ack(aylin, "create_need", {"title": "Fremd", "cards": foreign})
    assert reply["ok"] is False and reply["code"] == "not_found"


def post_in(workshop_id: int) -> str:
    import uuid

    from app.models import Workshop
    from app.services import board, joining

    workshop = db.session.get(Workshop, workshop_id)
    author = joining.join(workshop, None)
    card, _ = board.post_card(workshop, author, card_id=str(uuid.uuid4()), kind="problem", text="x")
    return card.id


@pytest.mark.parametrize(
    "command", ["create_need", "synth_sync", "synth_cards", "request_suggestions"]
)
def test_phones_and_projectors_cannot_reach_the_synthesis(actions, app, command):
    phone = actions.phone()
    actions.join(phone)
    for sio in (actions.socket(phone), actions.socket(actions.phone(), role="projector")):
        reply = sio.emit(command, {"title": "Übernahme"}, callback=True)
        assert reply["ok"] is False and reply["code"] == "unknown"
    browser = socketio.test_client(
        app, namespace="/event", flask_test_client=phone, auth={"event": TEST_WEEK_SLUG}
    )
    assert not browser.is_connected("/event")
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Need)) == 0


def test_suggestions_run_as_a_job_and_reach_the_event_room(board, app, cards):
    aylin, jonas = board
    need = _ok(_ack(aylin, "create_need", {"title": "Vernetzung", "cards": cards[0]}))["needs"][0]
    job = _ok(_ack(aylin, "request_suggestions", {"need": need["id"]}))["job"]
    steps = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and not (
            steps and steps[-1]["state"] in ("done", "failed")
        ):
            time.sleep(0.05)
            steps += [s for s in _received(jonas, "job") if s["id"] == job]
        assert steps[-1]["state"] == "done", steps[-1]
        assert steps[-1]["kind"] == "suggestions"
        result = steps[-1]["result"]
        assert result["need"] == need["id"]
        assert sorted(result["cards"]) == sorted(cards[1:])
    finally:
        app.extensions["jobs"].close()


def test_a_card_posted_on_a_phone_nudges_the_open_synthesis_board(board, actions):
    aylin, jonas = board
    _drain(aylin)
    phone = actions.phone()
    actions.join(phone, "antisemitismus")
    sio = actions.socket(phone, "antisemitismus")
    card = {"id": str(uuid.uuid4()), "kind": "problem", "text": "Mehr Räume für Treffen"}
    assert sio.emit("post_card", card, callback=True)["ok"]
    assert _drain(aylin)["synth_cards_changed"] == [{}]
    assert _received(jonas, "synth_cards_changed")
    # The nudge says only "fetch again": the card comes with the board's own command.
    shown = {c["id"] for c in _ok(_ack(aylin, "synth_sync"))["synthesis"]["cards"]}
    assert card["id"] in shown
    assert sio.emit("withdraw_card", {"id": card["id"]}, callback=True)["ok"]
    assert _drain(aylin)["synth_cards_changed"] == [{}]
    shown = {c["id"] for c in _ok(_ack(aylin, "synth_cards"))["synthesis"]["cards"]}
    assert card["id"] not in shown


def test_needs_put_to_the_vote_reach_phones_who_vote_on_them_like_on_cards(board, cards, actions):
    aylin, jonas = board
    _ok(_ack(aylin, "create_need", {"title": "Vernetzung", "cards": ",".join(cards[:2])}))
    closing = actions.workshop("jugend")
    phone = actions.phone()
    actions.join(phone, "jugend")
    sio = actions.socket(phone, "jugend")
    sio.get_received()
    _drain(jonas)
    [need] = _ok(_ack(aylin, "put_to_vote", {"workshop": closing.id}))["needs"]
    vote_card = need["vote"]["card"]
    changed = [e["args"][0] for e in sio.get_received() if e["name"] == "cards_changed"]
    [shown] = changed[0]["cards"]
    assert (shown["id"], shown["kind"], shown["text"]) == (vote_card, "need", "Vernetzung")
    assert _received(jonas, "need_changed")[0]["need"]["vote"]["workshop"] == closing.id
    # A phone may not write a need itself; the refusal is in German.
    refused = sio.emit(
        "post_card", {"id": str(uuid.uuid4()), "kind": "need", "text": "Mein Bedarf"}, callback=True
    )
    assert not refused["ok"]
    assert "Bedarfe stellt die Moderation zur Abstimmung" in str(refused)
    # It votes on the need with the board's own command and rules.
    actions.set_phase("vote", "jugend")
    assert sio.emit("cast_vote", {"id": vote_card}, callback=True)["ok"]
    [need] = _ok(_ack(jonas, "synth_sync"))["synthesis"]["needs"]
    assert need["vote"]["dots"] == 1
    # A rename follows onto the phone's board.
    sio.get_received()
    _ok(_ack(jonas, "rename_need", {"need": need["id"], "title": "Netzwerke", "version": 1}))
    edited = [e["args"][0] for e in sio.get_received() if e["name"] == "cards_changed"]
    assert edited[0]["cards"][0]["text"] == "Netzwerke"


def test_an_undo_overtaken_by_a_later_edit_is_refused_over_the_socket(board, cards):
    aylin, jonas = board
    need = _ok(_ack(aylin, "create_need", {"title": "Vernetzung"}))["needs"][0]
    renamed = _ok(_ack(aylin, "rename_need", {"need": need["id"], "title": "A", "version": 1}))
    _ok(_ack(jonas, "rename_need", {"need": need["id"], "title": "B", "version": 2}))
    reply = _ack(aylin, "undo", {"entry": renamed["entry"]["id"]})
    assert reply["ok"] is False and reply["code"] == "stale"
    assert "seitdem weiter geändert" in reply["error"]
    [now] = _ok(_ack(aylin, "synth_sync"))["synthesis"]["needs"]
    assert now["title"] == "B"


def test_the_projector_view_follows_live_and_cannot_change_anything(app, board, cards, actions):
    from app.organize.synthesis_routes import projector_token

    aylin, _ = board
    with app.app_context():
        from app.models import Event

        token = projector_token(db.session.scalar(select(Event).filter_by(slug=TEST_WEEK_SLUG)))
    wall = socketio.test_client(
        app, namespace="/event", flask_test_client=app.test_client(), auth={"synthesis": token}
    )
    assert wall.is_connected("/event")
    refused = socketio.test_client(
        app, namespace="/event", flask_test_client=app.test_client(), auth={"synthesis": "0" * 32}
    )
    assert not refused.is_connected("/event")
    need = _ok(_ack(aylin, "create_need", {"title": "Vernetzung", "cards": cards[0]}))["needs"][0]
    assert _received(wall, "need_changed")[0]["need"]["title"] == "Vernetzung"
    assert _ok(_ack(wall, "synth_sync"))["synthesis"]["needs"][0]["id"] == need["id"]
    assert _ok(_ack(wall, "synth_cards"))
    for command, payload in [
        ("create_need", {"title": "Von der Wand"}),
        ("rename_need", {"need": need["id"], "title": "Anders", "version": 1}),
        ("delete_need", {"need": need["id"]}),
        ("add_cards", {"need": need["id"], "cards": cards[1]}),
        ("dismiss_suggestion", {"cards": ",".join(cards[:2])}),
        ("request_suggestions", {}),
        ("put_to_vote", {"workshop": actions.workshop("jugend").id}),
        ("undo", {"entry": 1}),
    ]:
        reply = _ack(wall, command, payload)
        assert reply["ok"] is False and reply["code"] == "forbidden", (command, reply)
    [now] = _ok(_ack(aylin, "synth_sync"))["synthesis"]["needs"]
    assert (now["title"], now["cards"], now["vote"]) == ("Vernetzung", [cards[0]], None)
    wall.disconnect("/event")
