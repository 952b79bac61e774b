"""deploy/nginx.conf in front of two processes: a hall behind one address spreads over both.

The sample is used as shipped, with only the ports, the TLS lines and the
HTTP redirect taken out (there is no certificate here).
"""

import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests

from tests.conftest import redis_url
from tests.live import ROOT, Phone, csrf_from, free_port
from tests.server.conftest import forget_coordination

pytestmark = [pytest.mark.server, pytest.mark.postgres]

SAMPLE = ROOT / "deploy" / "nginx.conf"
#: Debian puts nginx in /usr/sbin, which is not on every user's PATH.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


class Through:
    """Stands for the venue's address: the phones reach the processes only through nginx."""

    def __init__(self, url):
        self.url = url


def _site(sample: str, port: int, upstreams: list[int]) -> str:
    """The sample with this test's ports, without TLS and without the redirect to it."""
    site = sample.split("\nserver {\n    listen 80;")[0]
    site = re.sub(r"\n\s*ssl_certificate(_key)? [^\n]*", "", site)
    site = site.replace("    listen [::]:443 ssl;\n", "")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    servers = "".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstreams
    )
    site, count = re.subn(r"(    server 127\.0\.0\.1:500\d [^\n]*\n)+", servers, site)
    assert count == 1
    return site


@pytest.fixture(scope="module")
def nginx(two_servers, tmp_path_factory):
    if NGINX is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is required under CI to check deploy/nginx.conf")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    folder: Path = tmp_path_factory.mktemp("nginx")
    port = free_port()
    (folder / "querschnitt.conf").write_text(
        _site(SAMPLE.read_text(), port, [server.port for server in two_servers])
    )
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        f"http {{\n    access_log off;\n{temp}    include {folder / 'querschnitt.conf'};\n}}\n"
    )
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, (folder / "error.log").read_text()
            time.sleep(0.05)
    yield Through(f"http://127.0.0.1:{port}")
    process.terminate()
    process.wait(10)


def _sockets_per_process(url) -> list[int]:
    """Phone sockets each live process counts in the shared presence."""
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        counts = []
        for key in client.keys("querschnitt:presence:*"):
            counts.append(
                sum(int(n) for scope, n in client.hgetall(key).items() if scope.endswith(":board"))
            )
        return counts
    finally:
        client.close()


def test_health_through_nginx(nginx):
    response = requests.get(nginx.url + "/health", timeout=10)
    assert response.status_code == 200
    assert response.json()["database"]["backend"] == "postgresql"
    assert response.json()["coordination"] == {"backend": "redis", "status": "ok"}


def test_a_hall_behind_one_address_spreads_over_both_processes(nginx, two_servers, screens):
    code = list(two_servers[0].facilitator_links())[5]
    phones = []
    for n in range(12):
        person = Phone(nginx)
        assert person.join_by_code(code, name=f"Saal {n}").url == f"{nginx.url}/w/{code}"
        phones.append(screens(nginx, person.cookie, code).connect())
    per_process = _sockets_per_process(redis_url())
    assert len(per_process) == 2 and sum(per_process) == 12
    assert all(count > 0 for count in per_process), per_process

    ids = []
    for phone in phones[:3]:
        card = {"id": str(uuid.uuid4()), "kind": "problem", "text": "Durch nginx"}
        assert phone.call("post_card", card)["ok"]
        ids.append(card["id"])
    for phone in phones:
        phone.wait_for("card_posted", count=3)
        assert sorted(e["card"]["id"] for e in phone.events("card_posted")) == sorted(ids)


def test_a_phone_cannot_forge_its_address_past_the_guess_limit(nginx, two_servers):
    right_code = list(two_servers[0].facilitator_links())[6]
    guesser = requests.Session()
    try:
        replies = []
        for n in range(11):
            # A made-up X-Forwarded-For each time: nginx appends the real address,
            # and the app (PROXY_COUNT=1) trusts only that last entry.
            guesser.headers["X-Forwarded-For"] = f"198.51.100.{n}"
            page = guesser.get(nginx.url + "/join")
            code = right_code if n == 10 else "ZZZZZ" + "23456789"[n % 8]
            replies.append(
                guesser.post(
                    nginx.url + "/join", data={"code": code, "csrf_token": csrf_from(page.text)}
                ).status_code
            )
        assert replies == [400] * 10 + [429]
    finally:
        guesser.close()
        forget_coordination(redis_url())
