"""Security headers and the one cookie, on every kind of page."""

import pytest

from app import create_app


@pytest.fixture
def pages(actions):
    """One URL of each kind of page, and a client that may see it."""
    phone = actions.phone()
    actions.join(phone)
    laptop = actions.facilitator()
    workshop = actions.workshop()
    code = workshop.short_code
    return [
        (phone, "/join"),
        (phone, f"/j/{actions.workshop('antisemitismus').join_token}"),
        (phone, f"/w/{code}"),
        (laptop, f"/w/{code}/facilitate"),
        (laptop, f"/p/{workshop.projector_token}"),
        (actions.phone(), f"/p/{workshop.projector_token}/qr.svg"),
        (phone, "/datenschutz"),
        (phone, "/barrierefreiheit"),
        (phone, "/gibt-es-nicht"),
    ]


def test_every_page_sends_a_strict_content_security_policy(pages):
    for client, url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_pages_carry_no_inline_script_or_style(pages):
    for client, url in pages:
        html = client.get(url).get_data(as_text=True)
        assert " style=" not in html, url
        assert " onload=" not in html and " onclick=" not in html, url
        for tag in html.split("<script")[1:]:
            assert tag.split(">")[0].count("src=") == 1, url


def test_the_only_cookie_is_the_session_cookie(actions):
    phone = actions.phone()
    response = actions.join(phone)
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    cookie = cookies[0]
    assert cookie.startswith("querschnitt=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on the venue laptop


def test_cookie_is_secure_over_https_and_behind_a_proxy(tmp_path):
    def app_with(**settings):
        return create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                "WTF_CSRF_ENABLED": True,  # the join page then starts a session
                **settings,
            }
        )

    plain = app_with().test_client()
    assert "Secure" not in plain.get("/join").headers["Set-Cookie"]
    https = plain.get("/join", base_url="https://venue.example")
    assert "Secure" in https.headers["Set-Cookie"]
    proxied = app_with(PROXY_COUNT=1).test_client()
    forwarded = proxied.get("/join", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in forwarded.headers["Set-Cookie"]
    direct = app_with(PROXY_COUNT=1).test_client().get("/join")
    assert "Secure" not in direct.headers["Set-Cookie"]


def test_organizer_adapts_the_privacy_notice_in_the_instance_folder(tmp_path, monkeypatch):
    import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    pages = tmp_path / "templates" / "pages"
    pages.mkdir(parents=True)
    (pages / "privacy.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Datenschutz der Stadt Herne</h1>'
        "{% endblock %}",
        encoding="utf-8",
    )
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    html = app.test_client().get("/datenschutz").get_data(as_text=True)
    assert "Datenschutz der Stadt Herne" in html
    assert "Zum Inhalt springen" in html  # still the app's own layout around it
