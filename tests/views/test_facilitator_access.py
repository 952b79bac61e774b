"""Facilitators' own accesses over HTTP: personal links, PINs, revocation and the guess limit."""

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models import FacilitatorAccess
from app.services.access import hash_token, revoke_access


def _access(app, access_id) -> FacilitatorAccess:
    with app.app_context():
        access = db.session.get(FacilitatorAccess, access_id)
        db.session.expunge(access)
        return access


def _pin_login(client, code, pin, addr="10.0.0.1"):
    return client.post(
        "/moderation", data={"code": code, "pin": pin}, environ_base={"REMOTE_ADDR": addr}
    )


def test_an_access_is_named_and_stores_only_hashes_of_its_link_and_pin(app, actions):
    access_id, token, pin = actions.issue_access(name="Aylin (Moderation)", pin=True)
    access = _access(app, access_id)
    assert access.name == "Aylin (Moderation)" and access.active
    assert access.token_hash == hash_token(token) and token not in access.token_hash
    assert re.fullmatch(r"\d{6}", pin)
    assert access.pin_hash.startswith("scrypt:") and check_password_hash(access.pin_hash, pin)
    _id, _token, no_pin = actions.issue_access(name="Ben")
    assert no_pin is None and _access(app, _id).pin_hash is None


def test_the_pins_of_a_workshops_active_accesses_differ(app, actions):
    pins = {actions.issue_access(name=f"Person {i}", pin=True)[2] for i in range(4)}
    assert len(pins) == 4


def test_the_personal_link_lets_a_browser_run_the_workshop(client, actions):
    _id, token, _pin = actions.issue_access(name="Aylin")
    workshop = actions.workshop()
    assert client.get(f"/w/{workshop.short_code}/facilitate").status_code == 403
    opened = client.get(f"/f/{token}")
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/w/{workshop.short_code}/facilitate")
    assert client.get(f"/w/{workshop.short_code}/facilitate").status_code == 200
    assert client.get("/f/" + "x" * 43).status_code == 404


def test_the_pin_page_lets_a_facilitator_in_with_code_and_pin(client, actions):
    page = client.get("/moderation")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label for="code">Workshop-Code</label>' in html
    assert '<label for="pin">PIN</label>' in html
    assert 'type="password"' in html and "style=" not in html and "<script>" not in html
    _id, _token, pin = actions.issue_access(name="Aylin", pin=True)
    workshop = actions.workshop()
    entered = _pin_login(client, workshop.short_code.lower(), pin)
    assert entered.status_code == 302
    assert entered.headers["Location"].endswith(f"/w/{workshop.short_code}/facilitate")
    assert client.get(f"/w/{workshop.short_code}/facilitate").status_code == 200


def test_a_pin_opens_only_its_own_workshop(client, actions):
    _id, _token, pin = actions.issue_access(name="Aylin", pin=True)
    other = actions.workshop("antisemitismus")
    assert _pin_login(client, other.short_code, pin).status_code == 400
    assert client.get(f"/w/{other.short_code}/facilitate").status_code == 403


def test_a_wrong_pin_and_a_wrong_code_are_answered_alike(client, actions):
    _id, _token, pin = actions.issue_access(name="Aylin", pin=True)
    wrong_pin = "000000" if pin != "000000" else "111111"
    by_pin = _pin_login(client, actions.workshop().short_code, wrong_pin)
    by_code = _pin_login(client, "ZZZZZZ", pin)
    assert by_pin.status_code == by_code.status_code == 400
    message = "Code oder PIN stimmt nicht."
    assert message in by_pin.get_data(as_text=True) and message in by_code.get_data(as_text=True)


def test_wrong_pins_are_throttled_per_client_without_locking_out_the_facilitator(app, actions):
    _id, _token, pin = actions.issue_access(name="Aylin", pin=True)
    code = actions.workshop().short_code
    wrong = "000000" if pin != "000000" else "111111"
    guesser = app.test_client()
    limit = app.config["FACILITATOR_PIN_ATTEMPTS_PER_CODE"]
    for _ in range(limit):
        assert _pin_login(guesser, code, wrong, addr="10.6.6.6").status_code == 400
    throttled = _pin_login(guesser, code, pin, addr="10.6.6.6")
    assert throttled.status_code == 429
    assert "Zu viele falsche Versuche" in throttled.get_data(as_text=True)
    # The guesser has no way in even with the right PIN, but the facilitator's laptop has.
    assert guesser.get(f"/w/{code}/facilitate").status_code == 403
    laptop = app.test_client()
    assert _pin_login(laptop, code, pin, addr="10.0.0.7").status_code == 302
    assert laptop.get(f"/w/{code}/facilitate").status_code == 200


def test_wrong_pins_across_workshops_are_capped_per_client(app, actions):
    actions.issue_access(name="Aylin", pin=True)
    app.config["FACILITATOR_PIN_ATTEMPTS_PER_MINUTE"] = 3
    guesser = app.test_client()
    codes = ["ZZZZZZ", "YYYYYY", "XXXXXX"]
    for code in codes:
        assert _pin_login(guesser, code, "123456", addr="10.6.6.6").status_code == 400
    assert _pin_login(guesser, "WWWWWW", "123456", addr="10.6.6.6").status_code == 429


def test_a_revoked_link_is_refused_and_its_console_closed(app, client, actions):
    access_id, token, _pin = actions.issue_access(name="Aylin")
    code = actions.workshop().short_code
    client.get(f"/f/{token}")
    assert client.get(f"/w/{code}/facilitate").status_code == 200
    with app.app_context():
        revoke_access(access_id)
    assert client.get(f"/w/{code}/facilitate").status_code == 403
    assert client.post(f"/w/{code}/facilitate", data={"phase": "vote"}).status_code == 403
    refused = app.test_client().get(f"/f/{token}")
    assert refused.status_code == 403
    assert "Dieser Zugang wurde zurückgezogen." in refused.get_data(as_text=True)


def test_a_revoked_pin_no_longer_opens_the_console(app, client, actions):
    access_id, _token, pin = actions.issue_access(name="Aylin", pin=True)
    with app.app_context():
        revoke_access(access_id)
    assert _pin_login(client, actions.workshop().short_code, pin).status_code == 400


def test_revoking_one_access_leaves_the_others(app, actions):
    aylin = actions.facilitator(name="Aylin")
    ben = actions.facilitator(name="Ben")
    code = actions.workshop().short_code
    with app.app_context():
        revoke_access(aylin.access_id)
    assert aylin.get(f"/w/{code}/facilitate").status_code == 403
    assert ben.get(f"/w/{code}/facilitate").status_code == 200


def test_participants_and_the_projector_cannot_run_the_console(app, actions):
    workshop = actions.workshop()
    phone = actions.phone()
    actions.join(phone)
    projector = actions.phone()
    assert projector.get(f"/p/{workshop.projector_token}").status_code == 200
    for browser in (phone, projector):
        assert browser.get(f"/w/{workshop.short_code}/facilitate").status_code == 403
        posted = browser.post(f"/w/{workshop.short_code}/facilitate", data={"phase": "vote"})
        assert posted.status_code == 403
        assert browser.get(f"/w/{workshop.short_code}/projector").status_code == 403
    assert actions.workshop().phase == "collect"


def test_an_old_shared_link_grant_in_a_cookie_is_ignored(app, client, actions):
    workshop = actions.workshop()
    with client.session_transaction() as session:
        session["facilitates"] = {str(workshop.id): "a1b2c3d4" * 4}
    assert client.get(f"/w/{workshop.short_code}/facilitate").status_code == 403


def test_the_cli_issues_lists_and_revokes_accesses(app, runner, actions):
    code = actions.workshop().short_code
    issued = runner.invoke(
        args=["facilitator-links", "--issue", code.lower(), "--name", "Aylin (Moderation)", "--pin"]
    )
    assert issued.exit_code == 0, issued.output
    link = re.search(r"http\S+/f/(\S+)", issued.output).group(1)
    pin = re.search(r"PIN (\d{6})", issued.output).group(1)
    assert "/moderation" in issued.output
    with app.app_context():
        access = db.session.scalar(select(FacilitatorAccess).filter_by(token_hash=hash_token(link)))
        assert access.name == "Aylin (Moderation)" and check_password_hash(access.pin_hash, pin)
        access_id = access.id

    listed = runner.invoke(args=["facilitator-links"])
    assert listed.exit_code == 0
    assert f"#{access_id}  Aylin (Moderation)" in listed.output
    assert "aktiv, mit PIN" in listed.output
    assert link not in listed.output and pin not in listed.output and "/f/" not in listed.output

    revoked = runner.invoke(args=["facilitator-links", "--revoke", str(access_id)])
    assert revoked.exit_code == 0, revoked.output
    assert "zurückgezogen" in revoked.output
    assert "zurückgezogen" in runner.invoke(args=["facilitator-links"]).output
    assert app.test_client().get(f"/f/{link}").status_code == 403


def test_the_cli_refuses_what_it_cannot_issue_or_revoke(runner, actions):
    code = actions.workshop().short_code
    assert runner.invoke(args=["facilitator-links", "--issue", code]).exit_code != 0
    assert runner.invoke(args=["facilitator-links", "--name", "Aylin"]).exit_code != 0
    unknown = runner.invoke(args=["facilitator-links", "--issue", "ZZZZZZ", "--name", "A"])
    assert unknown.exit_code != 0 and "ZZZZZZ" in unknown.output
    assert runner.invoke(args=["facilitator-links", "--revoke", "999"]).exit_code != 0
    too_long = runner.invoke(args=["facilitator-links", "--issue", code, "--name", "x" * 101])
    assert too_long.exit_code != 0
