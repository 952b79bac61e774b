"""A real server for the whole module (or two on the scale path), and real Socket.IO clients."""

import contextlib
import os
import shutil
import socket
import threading

import pytest
import socketio

from tests.conftest import postgres_url, redis_url
from tests.live import LiveServer, OwnRedis, Phone


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("live")).start()
    yield live
    live.stop()
    assert live.errors_in_log() == [], live.log.read_text()


@pytest.fixture(scope="module")
def workshops(server):
    """Short codes of the test week's workshops, each test takes its own."""
    return list(server.facilitator_links())


class Screen:
    """A real Socket.IO client that records the events it receives."""

    def __init__(self, server, cookie: str, code: str, role="participant"):
        self.received: list[tuple[str, dict]] = []
        self.arrived = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.namespace = "/console" if role == "console" else "/board"
        self.client.on("*", self._record, namespace=self.namespace)
        self.server = server
        self.cookie = cookie
        self.code = code

    def _record(self, event, data=None):
        with self.arrived:
            self.received.append((event, data))
            self.arrived.notify_all()

    def connect(self):
        self.client.connect(
            self.server.url,
            headers={"Cookie": self.cookie},
            auth={"workshop": self.code},
            namespaces=[self.namespace],
            transports=["websocket"],
            wait_timeout=10,
        )
        return self

    def call(self, event, data=None):
        payload = data if data is not None else {}
        return self.client.call(event, payload, namespace=self.namespace, timeout=15)

    def wait_for(self, event, count=1, timeout=10):
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.events(event)) >= count, timeout=timeout)
        return self.events(event)

    def mark(self) -> int:
        """Return a mark for ``wait_until(..., since=mark)``: only what arrives after it counts."""
        with self.arrived:
            return len(self.received)

    def wait_until(self, event, predicate, timeout=15, since=0):
        """Wait for an ``event`` whose payload satisfies ``predicate``; return it, or None."""

        def found():
            return next((d for n, d in self.received[since:] if n == event and predicate(d)), None)

        with self.arrived:
            self.arrived.wait_for(lambda: found() is not None, timeout=timeout)
            return found()

    def events(self, event):
        return [data for name, data in self.received if name == event]

    def close(self):
        """Disconnect without waiting out websocket-client's 3 s close handshake."""
        ws = getattr(self.client.eio, "ws", None)
        if ws is not None:
            # Shut the TCP connection down first: a bare close() leaves it open while the
            # reader thread still waits on it, and the server would count this screen
            # until its ping timed out (20 s).
            if ws.sock is not None:
                with contextlib.suppress(OSError):
                    ws.sock.shutdown(socket.SHUT_RDWR)
            ws.shutdown()
        if self.client.connected:
            self.client.eio.disconnect(abort=True)


@pytest.fixture
def screens():
    opened = []

    def open_screen(*args, **kwargs):
        screen = Screen(*args, **kwargs)
        opened.append(screen)
        return screen

    yield open_screen
    for screen in opened:
        screen.close()


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    database, queue = postgres_url(), redis_url()
    empty_database(database)
    forget_coordination(queue)
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": queue,
        # As behind the sample nginx: the client address comes from X-Forwarded-For.
        "PROXY_COUNT": "1",
    }
    first = LiveServer(tmp_path_factory.mktemp("a"), env=env).start()
    # The second starts once the first has migrated: two upgrades at once would race.
    second = LiveServer(tmp_path_factory.mktemp("b"), env=env).start()
    yield first, second
    for server in (first, second):
        server.stop()
    forget_coordination(queue)
    for server in (first, second):
        assert server.errors_in_log() == [], server.log.read_text()


@pytest.fixture(scope="module")
def codes(two_servers):
    """The test week's short codes with their facilitator links; each test takes its own."""
    return two_servers[0].facilitator_links()


def empty_database(url):
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def forget_coordination(url):
    """Drop what an earlier run left in the shared Redis (guess counts live a minute)."""
    import redis

    client = redis.Redis.from_url(url)
    keys = client.keys("querschnitt:*")
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def own_redis():
    """A redis-server of the test's own, which it may stop and start again."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is required under CI for the Redis restart tests")
        pytest.skip("redis-server is not installed")
    server = OwnRedis().start()
    yield server
    server.stop()


@pytest.fixture
def phone(server):
    made = []

    def new_phone():
        made.append(Phone(server))
        return made[-1]

    yield new_phone
    for person in made:
        person.http.close()
