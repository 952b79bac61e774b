"""The app as a real server process on a free local port, as phones and browsers meet it."""

import contextlib
import itertools
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
#: The test week the server loads: nothing borrowed from the demo week in sessions/.
WEEK = Path(__file__).parent / "data" / "week.toml"


#: Numbers for the PostgreSQL schemas of live servers, unique within a test run.
_schemas = itertools.count(1)


def on_postgres() -> bool:
    """Whether this run is the suite's PostgreSQL run (``TEST_DATABASE=postgresql``)."""
    return os.environ.get("TEST_DATABASE", "").lower() in ("postgresql", "postgres")


def postgres_schema(name: str) -> str:
    """Return a URL of the PostgreSQL test database whose tables live in a new, empty ``name``.

    Each live server of the PostgreSQL run gets a schema of its own, so that two
    servers alive at once (a module's server and a test's own) never share tables.
    """
    import psycopg

    from tests.conftest import postgres_url

    url = postgres_url()  # skips without PostgreSQL (fails under CI=true)
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{name}"')
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``querschnitt run --week tests/data/week.toml`` in a fresh instance folder; ``stop()``."""

    def __init__(self, instance: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "QUERSCHNITT_INSTANCE": str(instance),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "PUBLIC_URL": self.url,
            "SECRET_KEY": "live-test-secret",
            "TALLY_INTERVAL": "0.2",
            **(env or {}),
        }
        if "DATABASE_URL" not in self.env and on_postgres():
            self.env["DATABASE_URL"] = postgres_schema(f"live_{next(_schemas)}")
        self.log = instance / "server.log"
        instance.mkdir(parents=True, exist_ok=True)
        self.process = None

    def start(self) -> "LiveServer":
        self._log_file = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "run", "--week", str(WEEK)],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.1)
                continue
            with requests.get(self.url + "/join", timeout=5) as response:
                response.raise_for_status()
            return self
        raise RuntimeError(f"server did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()

    def kill(self) -> None:
        """SIGKILL the server: no shutdown, no flush, as when the laptop's power goes."""
        self.process.kill()
        self.process.wait()
        self._log_file.close()

    def restart(self) -> None:
        """Stop and start again on the same port and database (a server restart at the venue)."""
        self.stop()
        self.start()

    def facilitator_links(self) -> dict[str, str]:
        """Return {short code: facilitator link} for the test week's workshops, in order.

        Links are stored only as hashes and printed once, when issued: ``run``
        prints the ones it issues at start, ``facilitator-links --issue-missing``
        issues the rest. Both are kept here for the next call.
        """
        if not hasattr(self, "_facilitator_links"):
            self._facilitator_links = dict(
                re.findall(r"^Moderation (\w{6}) .*: (http\S+)$", self.log.read_text(), re.M)
            )
        output = subprocess.run(
            [sys.executable, "-m", "app", "facilitator-links", "--issue-missing"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        self._facilitator_links.update(re.findall(r"^(\w{6}) .*\n\s+(\S+)$", output, re.M))
        return dict(self._facilitator_links)

    def errors_in_log(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if "Traceback" in line]


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        raise AssertionError("no CSRF token in the page")
    return match.group(1)


class Phone:
    """A phone's HTTP side: its own cookies, joining like a person does."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.http = requests.Session()

    def join_by_code(self, code: str, name: str = "", group: str = "") -> requests.Response:
        page = self.http.get(self.server.url + "/join")
        found = self.http.post(
            self.server.url + "/join", data={"code": code, "csrf_token": csrf_from(page.text)}
        )
        return self._join_form(found, name, group)

    def join_by_link(self, link: str, name: str = "", group: str = "") -> requests.Response:
        return self._join_form(self.http.get(link), name, group)

    def _join_form(self, page, name, group):
        return self.http.post(
            page.url,
            data={"display_name": name, "group": group, "csrf_token": csrf_from(page.text)},
        )

    @property
    def cookie(self) -> str:
        return f"querschnitt={self.http.cookies.get('querschnitt')}"

    def facilitate(self, link: str) -> str:
        """Open a facilitator link; return the console URL."""
        return self.http.get(link).url

    def set_phase(self, code: str, phase: str) -> None:
        console = self.server.url + f"/w/{code}/facilitate"
        page = self.http.get(console)
        response = self.http.post(
            console, data={"phase": phase, "csrf_token": csrf_from(page.text)}
        )
        response.raise_for_status()


class OwnRedis:
    """A redis-server of the test's own (port 6390-6399), so that it can be stopped and restarted.

    Never the shared Redis: stopping that would break every other test using it.
    Nothing is saved to disk, so a restart starts empty, as pub/sub does anyway.
    """

    def __init__(self, ports=range(6390, 6400)):
        self.port = next(port for port in ports if _port_is_free(port))
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.pidfile = Path(tempfile.gettempdir()) / f"querschnitt-test-redis-{self.port}.pid"

    def start(self) -> "OwnRedis":
        subprocess.run(
            [
                "redis-server",
                "--pidfile",
                str(self.pidfile),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
            ],
            check=True,
            capture_output=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.ping():
                return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        """SIGTERM the server and wait until it is gone (SHUTDOWN through redis-py retries)."""
        import signal

        os.kill(int(self.pidfile.read_text()), signal.SIGTERM)
        deadline = time.monotonic() + 10
        while (self.ping() or self.pidfile.exists()) and time.monotonic() < deadline:
            time.sleep(0.02)

    def ping(self) -> bool:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = redis.Redis(port=self.port, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False
        finally:
            client.close()


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class BoardPhone:
    """A phone's board over a real Socket.IO connection, kept as static/js/ keeps it.

    It mirrors connection.js, store.js and the board's outbox:

    - on every (re)connect it asks for ``sync`` and replaces its board with the
      snapshot; facts that arrive meanwhile are held and applied after it;
    - numbered facts (``seq``) are applied in order, exactly once; a missing
      number is a gap, and a gap is closed by asking for ``sync`` again;
    - a card waits in the outbox until acknowledged and is resent with the
      same id (the server keeps one card per id); "error", "busy", "throttled"
      and "not_connected" replies are transient and resent too;
    - a dot is sent once and never resent: the budget is the server's, and a
      dot whose reply was lost may or may not be stored; the next ``sync`` says.
    """

    TRANSIENT = frozenset({"throttled", "not_connected", "error", "busy"})

    def __init__(self, server: LiveServer, cookie: str, code: str, timeout: float = 5):
        self.server, self.cookie, self.code, self.timeout = server, cookie, code, timeout
        self.client = None
        self._lock = threading.RLock()
        self.board = None  # {"seq", "cards": {id: card}, "me": {...}} once synced
        self._held = []  # facts that came while a sync was under way
        self._ahead = {}  # seq -> (event, payload): facts that came before a missing one
        self.outbox = []  # cards waiting for their acknowledgement, oldest first
        self.sent_cards = []  # ids of every card this phone wrote
        self.acked_cards = []  # ids acknowledged
        self.acked_votes = []  # the acknowledgements of dots given
        self.lost_votes = []  # ids of cards voted on whose reply never came
        self.refused = []  # refusals, as replied
        self.reconnects = 0
        self.seen = set()  # ids of cards this phone was told about by a card_posted fact

    # ---- connection

    def connect(self, deadline: float = 60) -> "BoardPhone":
        """Connect (trying until ``deadline`` seconds from now), then sync."""
        give_up = time.monotonic() + deadline
        while True:
            self.close()
            client = socketio.Client(reconnection=False)
            client.on("*", self._fact, namespace="/board")
            try:
                client.connect(
                    self.server.url,
                    headers={"Cookie": self.cookie},
                    auth={"workshop": self.code},
                    namespaces=["/board"],
                    transports=["websocket"],
                    wait_timeout=5,
                )
                self.client = client
                self.resync()
                return self
            except Exception:
                client_close(client)
                self.client = None
                if time.monotonic() > give_up:
                    raise
                time.sleep(0.2)

    def reconnect(self, deadline: float = 60) -> None:
        self.reconnects += 1
        self.connect(deadline)

    def close(self) -> None:
        if self.client is not None:
            client_close(self.client)
            self.client = None

    def call(self, event: str, payload: dict) -> dict:
        """Send a command and return the reply; raises when none comes (disconnected, timeout)."""
        if self.client is None or not self.client.connected:
            raise ConnectionError("not connected")
        return self.client.call(event, payload, namespace="/board", timeout=self.timeout)

    # ---- the board

    def resync(self) -> None:
        with self._lock:
            self._syncing = True
            self._held = []
        try:
            reply = self.call("sync", {})
            if not reply.get("ok"):
                raise ConnectionError(f"sync refused: {reply}")
        except BaseException:
            with self._lock:
                self._syncing = False
            raise
        snapshot = reply["board"]
        with self._lock:
            self.board = {
                "seq": snapshot["seq"],
                "cards": {card["id"]: card for card in snapshot["cards"]},
                "me": snapshot["me"],
            }
            self._ahead = {}
            self._syncing = False
            held, self._held = self._held, []
            for event, payload in held:
                self._apply(event, payload)

    @property
    def has_gap(self) -> bool:
        with self._lock:
            return bool(self._ahead)

    def settle(self) -> None:
        """What the board does by itself after a moment: reconnect if the socket dropped
        (a phone whose last command went before the server died learns it only now),
        and close a gap by asking for sync again."""
        if self.client is None or not self.client.connected:
            self.reconnect()
        elif self.has_gap:
            self.resync()

    def _fact(self, event, payload=None):
        with self._lock:
            if event == "card_posted" and isinstance(payload, dict):
                self.seen.add(payload["card"]["id"])
            if self.board is None or getattr(self, "_syncing", False):
                self._held.append((event, payload))
            else:
                self._apply(event, payload)

    def _apply(self, event, payload):
        seq = payload.get("seq") if isinstance(payload, dict) else None
        if seq is None:
            if event == "dots_changed":
                self._dots(payload)
            return
        board = self.board
        if seq <= board["seq"]:
            return
        if seq > board["seq"] + 1:
            self._ahead[seq] = (event, payload)
            return
        self._apply_numbered(event, payload)
        board["seq"] = seq
        while board["seq"] + 1 in self._ahead:
            board["seq"] += 1
            self._apply_numbered(*self._ahead.pop(board["seq"]))

    def _apply_numbered(self, event, payload):
        cards = self.board["cards"]
        if event in ("card_posted", "card_edited"):
            cards[payload["card"]["id"]] = payload["card"]
        elif event == "card_withdrawn":
            cards.pop(payload["id"], None)
        elif event == "cards_reset":
            self._ahead[float("inf")] = (event, payload)  # a wholesale change: sync again

    def _dots(self, change):
        me = self.board["me"]
        me["votes"] = {**me["votes"], change["card"]: change["dots"]}
        if not change["dots"]:
            me["votes"].pop(change["card"])
        me["dots_left"] = change["dots_left"]

    # ---- what a person does

    def post_card(self, text: str, kind: str = "problem") -> None:
        """Write a card: into the outbox, then send what waits there."""
        card = {"id": str(uuid.uuid4()), "kind": kind, "text": text}
        self.sent_cards.append(card["id"])
        self.outbox.append(card)
        self.flush()

    def flush(self) -> None:
        """Send the outbox, oldest first, until every card is acknowledged or refused for good."""
        while self.outbox:
            card = self.outbox[0]
            try:
                reply = self.call("post_card", card)
            except Exception:
                self.reconnect()  # syncs, then the loop resends the same card
                continue
            if not reply["ok"] and reply.get("code") in self.TRANSIENT:
                time.sleep(0.1)
                continue
            self.outbox.pop(0)
            if reply["ok"]:
                self.acked_cards.append(card["id"])
                with self._lock:
                    self.board["cards"][card["id"]] = reply["card"]
            else:
                self.refused.append(reply)

    def vote(self, card_id: str) -> dict | None:
        """Give a dot once; a lost reply is not resent, the reconnect's sync settles it."""
        try:
            reply = self.call("cast_vote", {"id": card_id})
        except Exception:
            self.lost_votes.append(card_id)
            self.reconnect()
            return None
        if reply["ok"]:
            self.acked_votes.append(reply)
            with self._lock:
                self._dots(reply)
        else:
            self.refused.append(reply)
        return reply


def client_close(client) -> None:
    """Drop a Socket.IO client's connection at once (see Screen.close in tests/server)."""
    ws = getattr(client.eio, "ws", None)
    if ws is not None:
        if getattr(ws, "sock", None) is not None:
            with contextlib.suppress(OSError):
                ws.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            ws.shutdown()
    with contextlib.suppress(Exception):
        if client.connected or client.eio.state != "disconnected":
            client.eio.disconnect(abort=True)
