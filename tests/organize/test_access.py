"""Only organizers reach the organizer's pages, downloads and event-wide socket as organizers."""

import pytest

from app.extensions import db, socketio
from app.models import Organizer
from app.services.organizers import authenticate
from tests.organize.conftest import LOGIN, PASSWORD, log_in

PAGES = [
    "/organisation/",
    "/organisation/passwort",
    "/organisation/w/{code}/plakat",
    "/organisation/w/{code}/plakat.pdf",
    "/organisation/e/testwoche/bericht",
    "/organisation/e/testwoche/export?format=docx",
    "/organisation/e/testwoche/export?format=json",
    "/organisation/e/testwoche/loeschen",
    "/organisation/export/" + "a" * 32,
    "/organisation/export/" + "a" * 32 + "/stand",
    "/organisation/export/" + "a" * 32 + "/datei",
]
POSTS = [
    "/organisation/e/testwoche/export",
    "/organisation/e/testwoche/loeschen",
    "/organisation/passwort",
    "/organisation/logout",
]


def _refused(response) -> bool:
    if response.status_code == 403:
        return True
    return response.status_code == 302 and "/organisation/login" in response.headers["Location"]


@pytest.fixture
def strangers(actions):
    phone = actions.phone()
    actions.join(phone)
    return {"phone": phone, "laptop": actions.facilitator(), "anonymous": actions.phone()}


@pytest.mark.parametrize("who", ["phone", "laptop", "anonymous"])
def test_no_one_but_an_organizer_reaches_the_pages_or_downloads(actions, strangers, who):
    browser = strangers[who]
    code = actions.workshop().short_code
    for page in PAGES:
        response = browser.get(page.format(code=code))
        assert _refused(response), page
    for page in POSTS:
        assert browser.post(page, data={"slug": "testwoche"}).status_code == 403, page
    assert actions.workshop().title == "Vielfalt"


def test_a_page_asked_for_without_login_leads_to_the_login_and_back(client, organizer):
    response = client.get("/organisation/e/testwoche/loeschen")
    assert response.status_code == 302
    login_page = response.headers["Location"]
    assert "next=" in login_page
    assert client.get(login_page).status_code == 200
    response = client.post(
        login_page,
        data={"login": LOGIN, "password": PASSWORD, "next": "/organisation/e/testwoche/loeschen"},
    )
    assert response.headers["Location"] == "/organisation/e/testwoche/loeschen"


def test_login_does_not_send_anyone_elsewhere(client, organizer):
    response = client.post(
        "/organisation/login",
        data={"login": LOGIN, "password": PASSWORD, "next": "https://evil.example/organisation/"},
    )
    assert response.headers["Location"] == "/organisation/"


def test_login_with_the_right_password_opens_the_overview(client, organizer, app):
    assert log_in(client).status_code == 302
    assert client.get("/organisation/").status_code == 200
    with app.app_context():
        assert db.session.get(Organizer, organizer).last_login_at is not None


def test_login_with_a_wrong_password_is_refused_with_the_message_at_the_field(client, organizer):
    response = log_in(client, password="falsch-falsch")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    assert "Passwort stimmt nicht" in page
    assert _refused(client.get("/organisation/"))


def test_login_is_throttled_per_client(client, organizer, app):
    limit = app.config["ORGANIZER_LOGIN_ATTEMPTS_PER_MINUTE"]
    for _ in range(limit):
        assert log_in(client, password="falsch-falsch").status_code == 400
    # Now even the right password waits: a guesser cannot tell it was right.
    response = log_in(client)
    assert response.status_code == 429
    assert "Zu viele falsche Versuche" in response.get_data(as_text=True)


def test_login_renews_the_session_but_keeps_the_facilitators_grant(actions, organizer):
    laptop = actions.facilitator()
    with laptop.session_transaction() as session:
        session["planted"] = "by someone else"
        grants = dict(session["facilitates"])
    assert log_in(laptop).status_code == 302
    with laptop.session_transaction() as session:
        assert "planted" not in session
        assert session["facilitates"] == grants
    code = actions.workshop().short_code
    assert laptop.get(f"/w/{code}/facilitate").status_code == 200


def test_logout_ends_the_login_and_keeps_the_phone_in_its_workshop(actions, organizer):
    phone = actions.phone()
    actions.join(phone)
    log_in(phone)
    assert phone.get("/organisation/").status_code == 200
    assert phone.post("/organisation/logout").status_code == 302
    assert _refused(phone.get("/organisation/"))
    with phone.session_transaction() as session:
        assert session["participants"]


def test_a_changed_password_logs_out_other_browsers(app, office, organizer):
    other = app.test_client()
    log_in(other)
    response = office.post(
        "/organisation/passwort",
        data={
            "current": PASSWORD,
            "new": "ein-ganz-neues-passwort",
            "repeat": "ein-ganz-neues-passwort",
        },
    )
    assert response.status_code == 302
    assert office.get("/organisation/").status_code == 200
    assert _refused(other.get("/organisation/"))
    with app.app_context():
        assert authenticate(LOGIN, "ein-ganz-neues-passwort") is not None


def test_a_password_change_with_bad_input_is_refused_at_the_fields(office):
    response = office.post(
        "/organisation/passwort", data={"current": "falsch", "new": "kurz", "repeat": "anders"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "mindestens 10 Zeichen" in page and "nicht gleich" in page


def _event_socket(app, browser):
    return socketio.test_client(
        app, namespace="/event", flask_test_client=browser, auth={"event": "testwoche"}
    )


def test_an_organizer_joins_the_event_area_and_strangers_do_not(app, office, actions):
    watcher = _event_socket(app, office)
    assert watcher.is_connected("/event")
    reply = watcher.emit("sync", {}, callback=True, namespace="/event")
    assert reply["ok"] and reply["event"]["workshops"][0]["title"] == "Vielfalt"
    watcher.disconnect("/event")

    phone = actions.phone()
    actions.join(phone)
    assert not _event_socket(app, phone).is_connected("/event")
    assert not _event_socket(app, app.test_client()).is_connected("/event")
    # A facilitator is admitted as before, as a facilitator of the event.
    laptop = actions.facilitator()
    console = _event_socket(app, laptop)
    assert console.is_connected("/event")
    console.disconnect("/event")


def test_an_organizer_socket_loses_its_right_when_the_password_changes(app, office):
    watcher = _event_socket(app, office)
    with app.app_context():
        account = db.session.get(Organizer, 1)
        account.set_password("jemand-anderes-2022")
        db.session.commit()
    reply = watcher.emit("sync", {}, callback=True, namespace="/event")
    assert reply["ok"] is False and reply["code"] == "forbidden"
    watcher.disconnect("/event")


def test_create_organizer_from_the_command_line(runner, app):
    result = runner.invoke(
        args=["create-organizer", "--name", "Büro", "--login", "Buero", "--password-stdin"],
        input="ein-langes-passwort\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert authenticate("buero", "ein-langes-passwort") is not None
    result = runner.invoke(
        args=["create-organizer", "--name", "Büro", "--login", "buero"],
        input="ein-anderes-passwort\nein-anderes-passwort\n",
    )
    assert result.exit_code != 0 and "gibt es schon" in result.output


def test_create_organizer_asks_twice_for_the_password(runner, app):
    result = runner.invoke(
        args=["create-organizer", "--name", "Büro", "--login", "zwei"],
        input="ein-langes-passwort\nein-langes-passwort\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert authenticate("zwei", "ein-langes-passwort") is not None


def test_create_organizer_on_a_fresh_installation_makes_the_tables_first(tmp_path):
    # The office creates its account before the server ever ran: no tables yet.
    from app import create_app

    fresh = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}"})
    result = fresh.test_cli_runner().invoke(
        args=["create-organizer", "--name", "Büro", "--login", "erst", "--password-stdin"],
        input="ein-langes-passwort\n",
    )
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert authenticate("erst", "ein-langes-passwort") is not None
        db.engine.dispose()
