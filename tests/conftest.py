"""Fixtures: an app on a fresh database with a small week loaded, clients, and an actions helper."""

import os
import re
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db, socketio
from app.models import Workshop

WEEK = """
[event]
slug = "testwoche"
title = "Testwoche"

[[stakeholder_groups]]
key = "verwaltung"
label = "Verwaltung"
label_en = "Administration"

[[stakeholder_groups]]
key = "zivilgesellschaft"
label = "Zivilgesellschaft"

[[workshops]]
slug = "vielfalt"
title = "Vielfalt"
date = 2021-10-04
start = "09:00"
end = "16:00"
dot_budget = 5
max_dots_per_card = 3

[[workshops]]
slug = "antisemitismus"
title = "Antisemitismus"
dot_budget = 3
max_dots_per_card = 2
"""


def database_urls() -> list:
    """SQLite always; PostgreSQL where it runs (and under CI=true it must)."""
    return [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ]


def require_service(name: str, url: str, check) -> str:
    """Return the URL if ``check(url)`` reaches the service; skip otherwise, fail under CI=true."""
    try:
        check(url)
    except Exception as exc:  # noqa: BLE001 - any failure means "not available here"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required under CI but not reachable at {url}: {exc}")
        pytest.skip(f"{name} not reachable at {url}: {exc}")
    return url


def postgres_url() -> str:
    """The PostgreSQL test database of the scale path."""

    def check(url):
        import psycopg

        psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3).close()

    default = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    return require_service("PostgreSQL", os.environ.get("TEST_POSTGRES_URL", default), check)


def redis_url() -> str:
    """The Redis of the scale path's message queue."""

    def check(url):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
        client.close()

    default = "redis://127.0.0.1:6379/0"
    return require_service("Redis", os.environ.get("TEST_REDIS_URL", default), check)


@pytest.fixture
def week_file(tmp_path) -> Path:
    path = tmp_path / "week.toml"
    path.write_text(WEEK, encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path):
    if request.param == "postgresql":
        return postgres_url()
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(database_url, week_file, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        from app.services.weeks import load_week

        load_week(week_file)
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Actions:
    """What a person does, in a few lines: join a workshop, open a socket, become facilitator."""

    def __init__(self, app):
        self.app = app
        self._sockets = []

    def workshop(self, slug="vielfalt") -> Workshop:
        with self.app.app_context():
            workshop = db.session.scalar(db.select(Workshop).filter_by(slug=slug))
            db.session.expunge(workshop)
            return workshop

    def phone(self):
        """A new phone: its own cookie jar."""
        return self.app.test_client()

    def join(self, phone, slug="vielfalt", name="", group=""):
        """Join by the QR link, as a phone does; return the response."""
        workshop = self.workshop(slug)
        return phone.post(f"/j/{workshop.join_token}", data={"display_name": name, "group": group})

    def issue_access(self, slug="vielfalt", name="Moderation", pin=False):
        """Give a facilitator their own access; return its id, link secret and PIN."""
        from app.services.access import issue_access

        with self.app.app_context():
            workshop = db.session.scalar(db.select(Workshop).filter_by(slug=slug))
            access, token, plain_pin = issue_access(workshop, name, pin=pin)
            return access.id, token, plain_pin

    def facilitator(self, slug="vielfalt", name="Moderation"):
        """A laptop that opened a facilitator's personal link."""
        laptop = self.app.test_client()
        _id, token, _pin = self.issue_access(slug, name)
        laptop.get(f"/f/{token}")
        laptop.access_id = _id
        return laptop

    def socket(self, phone, slug="vielfalt", role="participant"):
        """Open a Socket.IO test connection: a phone's board, a console or a projector."""
        workshop = self.workshop(slug)
        if role == "projector":
            namespace, auth = "/projector", {"projector": workshop.projector_token}
        elif role in ("staff", "console"):
            namespace, auth = "/console", {"workshop": workshop.short_code}
        else:
            namespace, auth = "/board", {"workshop": workshop.short_code}
        sio = ScreenSocket(
            socketio.test_client(
                self.app, namespace=namespace, flask_test_client=phone, auth=auth
            ),
            namespace,
        )
        self._sockets.append(sio)
        return sio

    def set_phase(self, phase, slug="vielfalt"):
        from app.services.phases import set_phase

        with self.app.app_context():
            workshop = db.session.scalar(db.select(Workshop).filter_by(slug=slug))
            set_phase(workshop, phase)

    def close(self):
        for sio in self._sockets:
            if sio.is_connected():
                sio.disconnect()


class ScreenSocket:
    """A Socket.IO test client bound to one screen's namespace."""

    def __init__(self, client, namespace):
        self.client = client
        self.namespace = namespace
        self.flask_test_client = client.flask_test_client

    def emit(self, event, *args, callback=False):
        return self.client.emit(event, *args, callback=callback, namespace=self.namespace)

    def get_received(self):
        return self.client.get_received(self.namespace)

    def is_connected(self):
        return self.client.is_connected(self.namespace)

    def disconnect(self):
        self.client.disconnect(self.namespace)

    def connect(self, auth):
        self.client.connect(namespace=self.namespace, auth=auth)


@pytest.fixture
def actions(app):
    helper = Actions(app)
    yield helper
    helper.close()


def events(sio, name):
    """The payloads of the events of that name the client received since the last call."""
    return [e["args"][0] for e in sio.get_received() if e["name"] == name]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
