"""Fixtures: an app on a fresh database with a small week loaded, clients, and an actions helper."""

import itertools
import os
import re
import shutil
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db, socketio
from app.models import Event, StakeholderGroup, Workshop
from app.services.tokens import new_short_code, new_token

#: The test week: a small event of its own, nothing borrowed from sessions/.
WEEK = Path(__file__).parent / "data" / "week.toml"
TEST_WEEK_SLUG = "testwoche"


#: ``TEST_DATABASE=postgresql`` runs the whole suite on PostgreSQL (``make test`` does it
#: a second time that way); anything else, or nothing, runs it on a fresh SQLite per test.
ON_POSTGRES = os.environ.get("TEST_DATABASE", "sqlite").lower() in ("postgresql", "postgres")


def database_urls() -> list:
    """SQLite always; PostgreSQL where it runs (and under CI=true it must).

    On a PostgreSQL run only PostgreSQL: the SQLite case ran in the SQLite run.
    """
    postgresql = pytest.param("postgresql", marks=pytest.mark.postgres)
    return [postgresql] if ON_POSTGRES else ["sqlite", postgresql]


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
    """A copy of the test week that a test may edit."""
    return Path(shutil.copy(WEEK, tmp_path / "week.toml"))


@pytest.fixture(params=["postgresql" if ON_POSTGRES else "sqlite"])
def database_url(request, tmp_path):
    """A database of the test's own: a new SQLite file, or the PostgreSQL test database emptied."""
    if request.param == "postgresql":
        url = postgres_url()
        empty_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'test.db'}"


def empty_postgres(url: str) -> None:
    """Drop everything in the test database, whatever a previous test left there.

    Tables the models do not know (alembic_version) and sequences go too, so a
    test never sees ids or rows of the one before.
    """
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture
def app_config() -> dict:
    """Settings a test module changes for its app (override the fixture there)."""
    return {}


@pytest.fixture
def app(database_url, week_file, app_config):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **app_config})
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


#: Numbers for the names of made events and workshops, unique within a test run.
_serial = itertools.count(1)


@pytest.fixture
def make_event(app):
    """Return a function that creates an event (a week) with stakeholder groups.

    ``groups`` is a list of ``(key, label)``; the event comes back detached, with its id.
    """

    def make(slug=None, title=None, groups=(("verwaltung", "Verwaltung"),)) -> Event:
        n = next(_serial)
        with app.app_context():
            event = Event(slug=slug or f"woche-{n}", title=title or f"Woche {n}")
            event.stakeholder_groups = [
                StakeholderGroup(key=key, labels={"de": label}, position=i)
                for i, (key, label) in enumerate(groups)
            ]
            db.session.add(event)
            db.session.commit()
            db.session.refresh(event)
            db.session.expunge(event)
            return event

    return make


@pytest.fixture
def make_workshop(app, make_event):
    """Return a function that creates a workshop with its own links and code.

    Without ``event`` it goes into the test week; the workshop comes back detached,
    with its tokens, short code, phase and budget.
    """

    def make(
        event=None,
        slug=None,
        title=None,
        dot_budget=5,
        max_dots_per_card=3,
        phase="collect",
    ) -> Workshop:
        n = next(_serial)
        with app.app_context():
            if event is None:
                event_id = db.session.scalar(db.select(Event.id).filter_by(slug=TEST_WEEK_SLUG))
            else:
                event_id = event if isinstance(event, int) else event.id
            position = db.session.scalar(
                db.select(db.func.count(Workshop.id)).filter_by(event_id=event_id)
            )
            workshop = Workshop(
                event_id=event_id,
                slug=slug or f"workshop-{n}",
                title=title or f"Workshop {n}",
                position=position,
                phase=phase,
                dot_budget=dot_budget,
                max_dots_per_card=max_dots_per_card,
                join_token=new_token(),
                facilitator_token=new_token(),
                projector_token=new_token(),
                short_code=_unused_short_code(),
            )
            db.session.add(workshop)
            db.session.commit()
            db.session.refresh(workshop)
            db.session.expunge(workshop)
            return workshop

    return make


def _unused_short_code() -> str:
    while True:
        code = new_short_code()
        if db.session.scalar(db.select(Workshop.id).filter_by(short_code=code)) is None:
            return code


class Actions:
    """What a person does, in a few lines: join a workshop, open a socket, become facilitator.

    ``workshop`` is a Workshop (e.g. from ``make_workshop``) or the slug of one in the test week.
    """

    def __init__(self, app):
        self.app = app
        self._sockets = []

    def workshop(self, workshop="vielfalt") -> Workshop:
        """Return the workshop as it is now in the database, detached."""
        with self.app.app_context():
            found = self._find(workshop)
            db.session.expunge(found)
            return found

    @staticmethod
    def _find(workshop) -> Workshop:
        if isinstance(workshop, Workshop):
            return db.session.get(Workshop, workshop.id)
        in_test_week = Event.slug == TEST_WEEK_SLUG
        return db.session.scalar(
            db.select(Workshop).join(Event).filter(in_test_week, Workshop.slug == workshop)
        )

    def phone(self):
        """A new phone: its own cookie jar."""
        return self.app.test_client()

    def join(self, phone, workshop="vielfalt", name="", group=""):
        """Join by the QR link, as a phone does; return the response."""
        token = self.workshop(workshop).join_token
        return phone.post(f"/j/{token}", data={"display_name": name, "group": group})

    def issue_access(self, workshop="vielfalt", name="Moderation", pin=False):
        """Give a facilitator their own access; return its id, link secret and PIN."""
        from app.services.access import issue_access

        with self.app.app_context():
            access, token, plain_pin = issue_access(self._find(workshop), name, pin=pin)
            return access.id, token, plain_pin

    def facilitator(self, workshop="vielfalt", name="Moderation"):
        """A laptop that opened a facilitator's personal link."""
        laptop = self.app.test_client()
        access_id, token, _pin = self.issue_access(workshop, name)
        laptop.get(f"/f/{token}")
        laptop.access_id = access_id
        return laptop

    def socket(self, phone, workshop="vielfalt", role="participant"):
        """Open a Socket.IO test connection: a phone's board, a console or a projector."""
        workshop = self.workshop(workshop)
        if role == "projector":
            namespace, auth = "/projector", {"projector": workshop.projector_token}
        elif role in ("staff", "console"):
            namespace, auth = "/console", {"workshop": workshop.short_code}
        else:
            namespace, auth = "/board", {"workshop": workshop.short_code}
        sio = ScreenSocket(
            socketio.test_client(self.app, namespace=namespace, flask_test_client=phone, auth=auth),
            namespace,
        )
        self._sockets.append(sio)
        return sio

    def set_phase(self, phase, workshop="vielfalt"):
        from app.services.phases import set_phase

        with self.app.app_context():
            set_phase(self._find(workshop), phase)

    def reveal_results(self, workshop="vielfalt"):
        from app.services.phases import reveal_results

        with self.app.app_context():
            reveal_results(self._find(workshop), "Test", shown=True)

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
