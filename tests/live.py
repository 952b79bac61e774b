"""The app as a real server process on a free local port, as phones and browsers meet it."""

import itertools
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

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

    url = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
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

    def start(self) -> "OwnRedis":
        subprocess.run(
            [
                "redis-server",
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
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=2)
        try:
            client.shutdown(nosave=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it goes
        finally:
            client.close()
        deadline = time.monotonic() + 10
        while self.ping() and time.monotonic() < deadline:
            time.sleep(0.05)

    def ping(self) -> bool:
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=1)
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
