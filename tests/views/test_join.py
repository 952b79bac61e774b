"""Joining a workshop by its QR link or the typed short code."""

import pytest

from tests.conftest import csrf_token


def test_join_link_asks_for_optional_name_and_group(client, actions):
    workshop = actions.workshop()
    page = client.get(f"/j/{workshop.join_token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Vielfalt" in html
    assert "Name (freiwillig)" in html
    assert "Verwaltung" in html and "keine Angabe" in html


def test_joining_anonymously_leads_to_the_board(actions):
    phone = actions.phone()
    response = actions.join(phone)
    assert response.status_code == 302
    code = actions.workshop().short_code
    assert response.headers["Location"].endswith(f"/w/{code}")
    board = phone.get(f"/w/{code}")
    assert board.status_code == 200
    assert "Karte schreiben" in board.get_data(as_text=True)


def test_board_without_joining_sends_to_the_code_form_without_the_join_link(client, actions):
    workshop = actions.workshop()
    response = client.get(f"/w/{workshop.short_code}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/join?code={workshop.short_code}")
    assert workshop.join_token not in response.get_data(as_text=True)
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'value="{workshop.short_code}"' in form


@pytest.mark.parametrize("path", ["/w/{code}", "/w/{code}/cards"])
def test_every_path_that_tells_a_right_code_shares_the_guess_limit(client, actions, app, path):
    limit = app.config["JOIN_CODE_ATTEMPTS_PER_MINUTE"]
    for n in range(limit):
        wrong = path.format(code=f"ZZZZZ{'ABCDEFGHJK'[n]}")
        response = client.post(wrong) if path.endswith("cards") else client.get(wrong)
        assert response.status_code == 404
    right = client.get(f"/w/{actions.workshop().short_code}")
    assert right.status_code == 429
    assert "Zu viele falsche Codes" in right.get_data(as_text=True)
    assert int(right.headers["Retry-After"]) > 0
    assert client.post("/join", data={"code": actions.workshop().short_code}).status_code == 429


@pytest.mark.parametrize("path", ["/w/{code}/facilitate", "/w/{code}/projector"])
def test_facilitator_paths_answer_a_wrong_code_and_a_right_one_alike(client, actions, path):
    wrong = client.get(path.format(code="ZZZZZZ"))
    right = client.get(path.format(code=actions.workshop().short_code))
    assert wrong.status_code == right.status_code == 403
    assert "Kein Zugang" in wrong.get_data(as_text=True)
    assert "Kein Zugang" in right.get_data(as_text=True)


def test_the_socket_handshake_does_not_tell_a_right_code_from_a_wrong_one(
    actions, app, monkeypatch
):
    from app.extensions import socketio
    from app.participant import sockets

    reasons = []

    def refuse(reason):
        reasons.append(reason)
        raise sockets.ConnectionRefusedError(reason)

    monkeypatch.setattr(sockets, "refuse_connection", refuse)
    phone = actions.phone()
    for code in ("ZZZZZZ", actions.workshop().short_code):
        sio = socketio.test_client(
            app, namespace="/board", flask_test_client=phone, auth={"workshop": code}
        )
        assert not sio.is_connected("/board")
    assert reasons == ["not joined", "not joined"]
    limit = app.config["JOIN_CODE_ATTEMPTS_PER_MINUTE"]
    for _ in range(limit):
        socketio.test_client(
            app, namespace="/board", flask_test_client=phone, auth={"workshop": "ZZZZZZ"}
        )
    assert client_is_throttled(phone, actions)


def client_is_throttled(phone, actions) -> bool:
    response = phone.post("/join", data={"code": actions.workshop().short_code})
    return response.status_code == 429


def test_unknown_join_token_is_not_found(client):
    response = client.get("/j/not-a-token")
    assert response.status_code == 404
    assert "Nicht gefunden" in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {spaced} "])
def test_typed_code_finds_the_workshop(client, actions, typed):
    workshop = actions.workshop()
    code = workshop.short_code
    text = typed.format(code=code, lower=code.lower(), spaced=f"{code[:3]} {code[3:]}")
    response = client.post("/join", data={"code": text})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{workshop.join_token}")


@pytest.mark.parametrize("typed", ["", "ABC", "ZZZZZZZ", "<script>", "000000"])
def test_wrong_code_gets_a_clear_message(client, typed):
    response = client.post("/join", data={"code": typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Code" in html
    assert "<script>" not in html


def test_wrong_codes_are_rate_limited(client, actions, app):
    limit = app.config["JOIN_CODE_ATTEMPTS_PER_MINUTE"]
    for _ in range(limit):
        assert client.post("/join", data={"code": "ZZZZZZ"}).status_code == 400
    blocked = client.post("/join", data={"code": actions.workshop().short_code})
    assert blocked.status_code == 429
    assert "Zu viele falsche Versuche" in blocked.get_data(as_text=True)


def test_name_and_group_are_kept_and_same_phone_is_same_participant_next_day(actions):
    phone = actions.phone()
    actions.join(phone, name="Jürgen", group="verwaltung")
    # The next day's workshop: the form is filled in with what the phone said yesterday.
    page = phone.get(f"/j/{actions.workshop('antisemitismus').join_token}")
    html = page.get_data(as_text=True)
    assert 'value="Jürgen"' in html
    assert "Willkommen zurück" in html
    actions.join(phone, "antisemitismus", name="Jürgen", group="verwaltung")
    from app.extensions import db
    from app.models import Membership, Participant

    with actions.app.app_context():
        [participant] = db.session.query(Participant).all()
        assert participant.display_name == "Jürgen"
        assert db.session.query(Membership).filter_by(participant_id=participant.id).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"display_name": "x" * 61, "group": ""}, "Höchstens 60 Zeichen"),
        ({"display_name": "ok", "group": "geheimdienst"}, "Keine gültige Auswahl"),
        ({"display_name": "a\x00b", "group": ""}, "Steuerzeichen"),
    ],
)
def test_bad_join_input_is_refused_without_change(actions, data, message):
    phone = actions.phone()
    response = phone.post(f"/j/{actions.workshop().join_token}", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    from app.extensions import db
    from app.models import Participant

    with actions.app.app_context():
        assert db.session.query(Participant).count() == 0


def test_forms_need_a_csrf_token(week_file, tmp_path):
    from app import create_app
    from app.extensions import db
    from app.services.weeks import load_week

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.db'}", "WTF_CSRF_ENABLED": True}
    )
    with app.app_context():
        db.create_all()
        workshop = load_week(week_file).event.workshops[0]
        token = workshop.join_token
    client = app.test_client()
    refused = client.post(f"/j/{token}", data={"display_name": "x", "group": ""})
    assert refused.status_code == 400
    assert "Formular abgelaufen" in refused.get_data(as_text=True)
    page = client.get(f"/j/{token}").get_data(as_text=True)
    accepted = client.post(
        f"/j/{token}", data={"display_name": "x", "group": "", "csrf_token": csrf_token(page)}
    )
    assert accepted.status_code == 302


def test_scanning_the_code_again_goes_straight_back_to_the_board(actions):
    phone = actions.phone()
    actions.join(phone, name="Ayşe")
    workshop = actions.workshop()
    again = phone.get(f"/j/{workshop.join_token}")
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/w/{workshop.short_code}")
