"""Every console action also works as a plain form post, only for the workshop's facilitators."""

import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Card, CardStatus, ModerationEntry, Workshop


def _post_card(actions, phone, text, kind="problem", **extra):
    sio = actions.socket(phone)
    card = {"id": str(uuid.uuid4()), "kind": kind, "text": text, **extra}
    assert sio.emit("post_card", card, callback=True)["ok"]
    return card["id"]


@pytest.fixture
def board(actions):
    """A phone with two problem cards and a solution, and the facilitator's laptop."""
    phone = actions.phone()
    actions.join(phone, name="Ayşe")
    first = _post_card(actions, phone, "Kein Jugendtreff")
    second = _post_card(actions, phone, "Es fehlt ein Jugendtreff")
    solution = _post_card(actions, phone, "Ein Treff im Rathaus", kind="solution")
    return {
        "phone": phone,
        "laptop": actions.facilitator(),
        "code": actions.workshop().short_code,
        "cards": (first, second, solution),
    }


def _form(board, name, data):
    return board["laptop"].post(f"/w/{board['code']}/facilitate/{name}", data=data)


def _card(app, card_id):
    with app.app_context():
        card = db.session.get(Card, card_id)
        db.session.expunge(card)
        return card


def test_moderation_by_form_changes_the_card_and_says_so(board, app):
    first, second, solution = board["cards"]
    response = _form(board, "hide_card", {"id": first})
    assert response.status_code == 302
    page = board["laptop"].get(response.headers["Location"]).get_data(as_text=True)
    assert "Erledigt." in page
    assert _card(app, first).status == CardStatus.HIDDEN
    _form(board, "restore_card", {"id": first})
    assert _card(app, first).status == CardStatus.VISIBLE
    _form(board, "edit_card", {"id": first, "text": "Kein Jugendtreff im Viertel"})
    assert _card(app, first).text == "Kein Jugendtreff im Viertel"
    _form(board, "pin_card", {"id": first})
    assert _card(app, first).pinned
    _form(board, "link_card", {"id": solution, "answers": first})
    assert _card(app, solution).answers_id == first
    _form(board, "merge_cards", {"into": first, "ids": second})
    assert _card(app, second).status == CardStatus.MERGED
    paper = str(uuid.uuid4())
    _form(board, "paper_card", {"id": paper, "kind": "problem", "text": "Vom Plakat"})
    assert _card(app, paper).paper
    _form(board, "set_phase", {"phase": "vote"})
    _form(board, "paper_dots", {"id": paper, "dots": "3"})
    assert _card(app, paper).paper_dots == 3
    _form(board, "timer_start", {"seconds": "600"})
    _form(board, "set_options", {"dot_budget": "4", "max_dots_per_card": "2"})
    _form(board, "reveal_results", {})
    with app.app_context():
        workshop = db.session.scalar(select(Workshop).filter_by(short_code=board["code"]))
        assert workshop.results_shown and workshop.dot_budget == 4
        assert workshop.timer_ends_at is not None
        actions_logged = db.session.scalars(
            select(ModerationEntry.action).order_by(ModerationEntry.id)
        ).all()
        merge = db.session.scalar(select(ModerationEntry.id).filter_by(action="merge_cards"))
    assert actions_logged[:3] == ["hide_card", "restore_card", "edit_card"]
    _form(board, "undo", {"entry": str(merge)})
    assert _card(app, second).status == CardStatus.VISIBLE


def test_a_refused_form_shows_why_and_changes_nothing(board, app):
    first, _, solution = board["cards"]
    response = _form(board, "merge_cards", {"into": first, "ids": solution})
    page = board["laptop"].get(response.headers["Location"]).get_data(as_text=True)
    assert "Nur Karten derselben Art" in page
    assert _card(app, solution).status == CardStatus.VISIBLE
    bad = _form(board, "paper_dots", {"id": first, "dots": "viele"})
    page = board["laptop"].get(bad.headers["Location"]).get_data(as_text=True)
    assert "Punkte" in page and "flash-error" in page


@pytest.mark.parametrize("name", ["hide_card", "set_phase", "reveal_results", "paper_card"])
def test_a_phone_or_a_stranger_cannot_post_console_forms(board, app, actions, name):
    first, _, _ = board["cards"]
    data = {"id": first, "phase": "vote", "kind": "problem", "text": "x"}
    for client in (board["phone"], actions.phone()):
        response = client.post(f"/w/{board['code']}/facilitate/{name}", data=data)
        assert response.status_code == 403
    assert _card(app, first).status == CardStatus.VISIBLE
    with app.app_context():
        assert db.session.scalar(select(ModerationEntry.id)) is None


def test_unknown_console_forms_are_not_found(board):
    assert _form(board, "drop_database", {}).status_code == 404
    assert _form(board, "sync", {}).status_code == 404


def test_without_javascript_paper_cards_timer_minutes_and_paper_dots_work(board, app):
    first, _, _ = board["cards"]
    _form(board, "paper_card", {"id": "", "kind": "problem", "text": "Ohne Skript vom Plakat"})
    with app.app_context():
        paper = db.session.scalar(select(Card).filter_by(text="Ohne Skript vom Plakat"))
        assert paper is not None and paper.paper
    _form(board, "timer_start", {"minutes": "7"})
    with app.app_context():
        workshop = db.session.scalar(select(Workshop).filter_by(short_code=board["code"]))
        assert workshop.timer_duration == 7 * 60
    _form(board, "paper_dots", {"id": first, "amount": "5", "sign": "+"})
    _form(board, "paper_dots", {"id": first, "amount": "2", "sign": "-"})
    assert _card(app, first).paper_dots == 3


def test_a_socket_refusal_names_the_field_it_is_about(actions):
    console = actions.socket(actions.facilitator(), role="console")
    reply = console.emit(
        "set_options", {"dot_budget": 0, "max_dots_per_card": 1}, callback=True
    )
    assert reply["ok"] is False and reply["field"] == "dot_budget"
    assert reply["error"].startswith("Punkte pro Person:")
