"""Live-board benchmark: N simulated phones against a real Querschnitt server process.

Starts ``querschnitt run --demo`` in a fresh temporary instance folder, takes the
first demo workshop, and then

1. joins N phones over HTTP (code form, join form) and connects each over
   Socket.IO (WebSocket only), concurrently with at most 50 in flight;
2. posts cards one after another from random phones (collect phase) and times
   how long each ``card_posted`` takes to reach every other phone;
3. switches to the vote phase through the facilitator's HTTP form (timing the
   ``phase_changed`` fan-out), then lets every phone cast its dots at once.

It prints figures only; nothing is asserted. Client and server share this
machine's cores, so the figures include the client's own work.

    .venv/bin/python bench/live_board.py --clients 200
"""

import argparse
import asyncio
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import requests
import socketio
from yarl import URL

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "querschnitt"
now = time.perf_counter


def pct(values, p):
    """Return the p-th percentile of values (nearest rank), or nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def csrf_token(html):
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = tag and re.search(r'value="([^"]*)"', tag.group(0))
    if not value:
        raise RuntimeError("no csrf_token in page")
    return value.group(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_figures(pid):
    """Peak and current RSS (MB) and CPU seconds of a process, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    mb = lambda k: int(fields[k].split()[0]) / 1024  # noqa: E731
    return mb("VmHWM"), mb("VmRSS"), cpu


class Phone:
    """One participant's phone: its own cookie jar and one Socket.IO connection."""

    def __init__(self, idx, base, connector, bench):
        self.idx, self.base, self.bench = idx, base, bench
        self.http = aiohttp.ClientSession(
            base, connector=connector, connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.sio.on("card_posted", self.on_card_posted)
        self.sio.on("phase_changed", self.on_phase_changed)

    async def on_card_posted(self, card):
        self.bench.received.setdefault(card.get("id"), {})[self.idx] = now()

    async def on_phase_changed(self, data):
        self.bench.phase_seen.setdefault(data.get("phase"), {})[self.idx] = now()

    async def form(self, path, data):
        """GET a form page, POST it with its CSRF token, return the redirect target."""
        async with self.http.get(path) as r:
            if r.status != 200:
                raise RuntimeError(f"GET {path}: HTTP {r.status}")
            data = {"csrf_token": csrf_token(await r.text()), **data}
        async with self.http.post(path, data=data, allow_redirects=False) as r:
            if r.status not in (302, 303):
                raise RuntimeError(f"POST {path}: HTTP {r.status}")
            return URL(r.headers["Location"]).path

    async def join(self, code):
        join_path = await self.form("/join", {"code": code})
        board = await self.form(join_path, {"display_name": f"Bench {self.idx}", "group": ""})
        if board != f"/w/{code}":
            raise RuntimeError(f"join redirected to {board}")
        self.http_done = now()
        cookie = self.http.cookie_jar.filter_cookies(URL(self.base)).get(COOKIE)
        await self.sio.connect(
            self.base, headers={"Cookie": f"{COOKIE}={cookie.value}"},
            auth={"workshop": code}, transports=["websocket"], wait_timeout=60)

    async def close(self):
        if self.sio.connected:
            await self.sio.disconnect()
        await self.http.close()


class Bench:
    def __init__(self, args, base, server_pid):
        self.args, self.base, self.server_pid = args, base, server_pid
        self.received = {}    # card id -> {phone idx: receive time}
        self.phase_seen = {}  # phase -> {phone idx: receive time}
        self.lines = [f"clients: {args.clients}"]

    def report(self, line):
        print(line, flush=True)
        self.lines.append(line)

    def cpu(self):
        """CPU seconds used so far by the server process and by this client."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return proc_figures(self.server_pid)[2], usage.ru_utime + usage.ru_stime

    async def wait_for(self, done, timeout):
        deadline = now() + timeout
        while not done() and now() < deadline:
            await asyncio.sleep(0.01)

    async def run(self, code, facilitator_url):
        args = self.args
        connector = aiohttp.TCPConnector(limit=0)
        staff_http = aiohttp.ClientSession(self.base, cookie_jar=aiohttp.CookieJar(unsafe=True))
        phones = [Phone(i, self.base, connector, self) for i in range(args.clients)]
        projector = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        tallies = []
        projector.on("tally", lambda data: tallies.append(now()))
        try:
            # Facilitator: open the link (sets the staff cookie); the projector connects as staff.
            async with staff_http.get(URL(facilitator_url).path, allow_redirects=False) as r:
                console = URL(r.headers.get("Location", "")).path
                print(f"facilitator link: HTTP {r.status} -> {console}")
            staff_cookie = staff_http.cookie_jar.filter_cookies(URL(self.base)).get(COOKIE).value
            await projector.connect(
                self.base, headers={"Cookie": f"{COOKIE}={staff_cookie}"},
                auth={"workshop": code, "role": "staff"}, transports=["websocket"],
                wait_timeout=30)

            # 1. Join all phones.
            gate, errors, join_times, connect_times = asyncio.Semaphore(50), [], [], []

            async def join(phone):
                async with gate:
                    t = now()
                    try:
                        await phone.join(code)
                        join_times.append(now() - t)
                        connect_times.append(now() - phone.http_done)
                    except Exception as exc:  # noqa: BLE001 - count and show, don't stop
                        errors.append(f"phone {phone.idx}: {type(exc).__name__}: {exc}")

            t0 = now()
            await asyncio.gather(*(join(p) for p in phones))
            join_wall = now() - t0
            for e in errors[:5]:
                print("  join failed:", e)
            phones = [p for p in phones if p.sio.connected]
            self.report(
                f"join (HTTP + connect) all: {join_wall:.1f} s  ({len(phones)} connected, "
                f"{len(errors)} failed; per phone p50 {ms(pct(join_times, 50))}, "
                f"p95 {ms(pct(join_times, 95))}, of which Socket.IO connect p50 "
                f"{ms(pct(connect_times, 50))})")
            if len(phones) < 2:
                return
            sync = await phones[0].sio.call("sync", {}, timeout=30)
            print("sync:", "ok" if sync.get("ok") else sync,
                  "phase", sync.get("board", {}).get("workshop", {}).get("phase"))

            # 2. Cards: one after another from random phones; every other phone must get each.
            sent, post_acks, post_refused = {}, [], []
            problems = []
            for k in range(args.cards):
                poster = random.choice(phones)
                kind = "solution" if problems and k % 3 == 2 else "problem"
                card = {"id": str(uuid.uuid4()), "kind": kind,
                        "text": f"Bench-Karte {k}: Barrierefreie Wege zum Jugendzentrum"}
                if kind == "solution":
                    card["answers"] = random.choice(problems)
                t = now()
                sent[card["id"]] = (t, poster.idx)
                ack = await poster.sio.call("post_card", card, timeout=30)
                post_acks.append(now() - t)
                if ack.get("ok"):
                    problems += [card["id"]] if kind == "problem" else []
                else:
                    post_refused.append(ack)
                    del sent[card["id"]]
                await asyncio.sleep(args.gap)
            expected = len(sent) * (len(phones) - 1)

            def delivered():
                return sum(len(self.received.get(cid, {})) - 1 for cid in sent)

            await self.wait_for(lambda: delivered() >= expected, 15)
            lat = [self.received[cid][p.idx] - t for cid, (t, author) in sent.items()
                   for p in phones if p.idx != author and p.idx in self.received.get(cid, {})]
            for ack in post_refused[:3]:
                print("  post refused:", ack)
            self.report(
                f"card -> all phones: p50 {ms(pct(lat, 50))}, p95 {ms(pct(lat, 95))}, "
                f"max {ms(max(lat, default=float('nan')))}, missing {expected - len(lat)} of "
                f"{expected}  ({len(sent)} cards, post ack p50 {ms(pct(post_acks, 50))}, "
                f"refused {len(post_refused)})")

            # 3. Vote phase through the facilitator's form, then everyone votes at once.
            async with staff_http.get(console) as r:
                page = await r.text()
                status = r.status
            if status != 200:  # the CSRF token is per session, so any form of it will do
                print(f"console page: HTTP {status}; taking the CSRF token from /join")
                async with staff_http.get("/join") as r:
                    page = await r.text()
            t = now()
            async with staff_http.post(console, data={"csrf_token": csrf_token(page),
                                                      "phase": "vote"},
                                       allow_redirects=False) as r:
                print(f"phase form: HTTP {r.status}")
            seen = lambda: self.phase_seen.get("vote", {})  # noqa: E731
            await self.wait_for(lambda: len(seen()) >= len(phones), 10)
            fanout = [v - t for v in seen().values()]
            self.report(f"phase -> all phones: {len(fanout)} of {len(phones)} got it, "
                        f"p50 {ms(pct(fanout, 50))}, max {ms(max(fanout, default=float('nan')))}")

            card_ids = list(sent)
            acks, refused, failed = [], {}, []

            async def vote(phone, card_id):
                t = now()
                try:
                    ack = await phone.sio.call("cast_vote", {"id": card_id}, timeout=30)
                except Exception as exc:  # noqa: BLE001
                    failed.append(f"{type(exc).__name__}: {exc}")
                    return
                if ack.get("ok"):
                    acks.append(now() - t)
                else:
                    key = f"{ack.get('code')}: {ack.get('error')}"
                    refused[key] = refused.get(key, 0) + 1

            tallies.clear()
            burst = [(p, c) for p in phones
                     for c in random.sample(card_ids, min(args.votes_per_client, len(card_ids)))]
            cpu0 = self.cpu()
            t0 = now()
            await asyncio.gather(*(vote(p, c) for p, c in burst))
            wall = now() - t0
            cpu_server, cpu_client = (b - a for a, b in zip(cpu0, self.cpu()))
            await asyncio.sleep(1.5)  # let the coalesced tally reach the projector
            totals = (await projector.call("sync", {}, timeout=30))["board"]["totals"] or {}
            for key, count in refused.items():
                print(f"  refused {count}x {key}")
            for f in failed[:3]:
                print("  vote failed:", f)
            self.report(
                f"votes: {len(acks)} acknowledged in {wall:.2f} s = {len(acks) / wall:.0f}/s, "
                f"ack first {ms(min(acks, default=float('nan')))}, p50 {ms(pct(acks, 50))}, "
                f"p95 {ms(pct(acks, 95))}, "
                f"refused {sum(refused.values())}, no ack {len(failed)} (of {len(burst)} sent)")
            self.report(f"CPU during the vote burst: server {cpu_server:.1f} s, "
                        f"bench client {cpu_client:.1f} s (wall {wall:.1f} s)")
            self.report(f"dots on the server afterwards: {sum(totals.values())}; "
                        f"tally messages to the projector during burst + 1.5 s: {len(tallies)}")
        finally:
            await asyncio.gather(*(p.close() for p in phones), return_exceptions=True)
            if projector.connected:
                await projector.disconnect()
            await staff_http.close()
            await connector.close()


def start_server(port, instance):
    env = {**os.environ, "QUERSCHNITT_INSTANCE": instance, "PORT": str(port),
           "HOST": "127.0.0.1", "PUBLIC_URL": f"http://127.0.0.1:{port}", "SECRET_KEY": "bench"}
    script = ROOT / ".venv" / "bin" / "querschnitt"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "app"]
    log = open(Path(instance) / "server.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([*cmd, "run", "--demo"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if requests.get(base + "/join", timeout=2).status_code == 200:
                return proc, env, base
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not answer GET /join within 90 s")


def first_workshop(env):
    out = subprocess.run([sys.executable, "-m", "app", "facilitator-links"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    match = re.search(r"^([A-Z0-9]{6})\s+(.*)\n\s+(http\S+)", out, re.M)
    if not match:
        raise RuntimeError(f"no workshop in facilitator-links output:\n{out}")
    return match.groups()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--votes-per-client", type=int, default=3)
    parser.add_argument("--cards", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between cards")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    instance = tempfile.mkdtemp(prefix="querschnitt-bench-")
    proc, keep = None, False
    try:
        proc, env, base = start_server(args.port or free_port(), instance)
        code, title, link = first_workshop(env)
        print(f"server pid {proc.pid} at {base}; workshop {code} {title}")
        bench = Bench(args, base, proc.pid)
        asyncio.run(bench.run(code, link))
        hwm, rss, cpu = proc_figures(proc.pid)
        bench.report(f"server: peak RSS {hwm:.0f} MB (now {rss:.0f} MB), CPU {cpu:.1f} s")
        print("\n==== summary ====\n" + "\n".join(bench.lines))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log = (Path(instance) / "server.log").read_text(errors="replace")
        problems = [ln for ln in log.splitlines() if "Traceback" in ln or "ERROR" in ln]
        if problems or proc is None or (proc.returncode not in (0, -15)):
            keep = True
            print(f"server output has {len(problems)} error lines; tail of {instance}/server.log:")
            print("\n".join(log.splitlines()[-40:]))
        if not keep:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
