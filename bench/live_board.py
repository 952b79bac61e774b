"""Live-board benchmark: N simulated phones against a real Querschnitt server process.

Starts ``querschnitt run --demo`` in a fresh temporary instance folder, takes the
first demo workshop, and then

1. joins N phones over HTTP (code form, then join form) and connects each over
   Socket.IO (WebSocket only), concurrently with at most 50 in flight;
2. posts cards one after another from random phones (collect phase) and times
   how long each ``card_posted`` takes to reach every other phone;
3. switches to the vote phase with the facilitator's HTTP form (timing the
   ``phase_changed`` fan-out), then lets every phone cast its dots at once.

It prints figures only; nothing is asserted. Client and server share this
machine's cores, so the figures include the client's own work (the CPU line
shows how much that was).

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
BOARD, CONSOLE = "/board", "/console"
NAN = float("nan")
now = time.perf_counter


def pct(values, p):
    """Return the p-th percentile of values (nearest rank), or nan when empty."""
    ordered = sorted(values)
    return ordered[round(p / 100 * (len(ordered) - 1))] if ordered else NAN


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def csrf_token(html):
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = tag and re.search(r'value="([^"]*)"', tag.group(0))
    if not value:
        raise RuntimeError("no csrf_token in page")
    return value.group(1)


def proc_figures(pid):
    """Peak and current RSS in MB and CPU seconds of a process, from /proc."""
    status = dict(ln.split(":", 1) for ln in Path(f"/proc/{pid}/status").read_text().splitlines())
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return int(status["VmHWM"].split()[0]) / 1024, int(status["VmRSS"].split()[0]) / 1024, cpu


def new_socket():
    return socketio.AsyncClient(reconnection=False, handle_sigint=False)


async def connect(sio, base, cookie, auth, namespace):
    """Connect a screen's namespace over WebSocket only, sending the session cookie as a header."""
    await sio.connect(
        base,
        headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {},
        auth=auth,
        namespaces=[namespace],
        transports=["websocket"],
        wait_timeout=60,
    )


class Phone:
    """One participant's phone: its own cookie jar and one Socket.IO connection."""

    def __init__(self, idx, bench, connector):
        self.idx, self.bench, self.http_done = idx, bench, None
        self.http = aiohttp.ClientSession(
            bench.base,
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # the default jar ignores IP hosts
        )
        self.sio = new_socket()
        self.seq = None
        self.sio.on("card_posted", self.on_card_posted, namespace=BOARD)
        self.sio.on("phase_changed", self.on_phase_changed, namespace=BOARD)

    async def follow(self, data):
        """Keep the fact number as the phone's store does; a gap costs a whole board (a sync)."""
        seq = data.get("seq")
        if self.seq is not None and seq is not None and seq > self.seq + 1:
            self.bench.resyncs += 1
            board = await self.call("sync", {})
            seq = max(seq, board["board"]["seq"])
        if seq is not None:
            self.seq = max(self.seq or 0, seq)

    async def call(self, event, data, timeout=30):
        return await self.sio.call(event, data, namespace=BOARD, timeout=timeout)

    async def on_card_posted(self, data):
        self.bench.received.setdefault(data["card"]["id"], {})[self.idx] = now()
        await self.follow(data)

    async def on_phase_changed(self, data):
        self.bench.phase_seen.setdefault(data["workshop"]["phase"], {})[self.idx] = now()
        await self.follow(data)

    async def form(self, path, data):
        """GET a form page, POST it with its CSRF token, return the redirect's path."""
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
        async with self.http.get(board) as r:  # the board page, as a phone loads it
            if r.status != 200:
                raise RuntimeError(f"GET {board}: HTTP {r.status}")
            await r.read()
        cookie = self.http.cookie_jar.filter_cookies(URL(self.bench.base))[COOKIE].value
        await connect(self.sio, self.bench.base, cookie, {"workshop": code}, BOARD)
        self.bench.syncs += 1
        self.seq = (await self.call("sync", {}))["board"]["seq"]


class Bench:
    def __init__(self, args, base, server_pid):
        self.args, self.base, self.server_pid = args, base, server_pid
        self.received = {}  # card id -> {phone idx: receive time}
        self.phase_seen = {}  # phase -> {phone idx: receive time}
        self.tallies = 0
        self.syncs = 0  # whole boards asked for by phones: each is a snapshot the server builds
        self.resyncs = 0
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
        connector = aiohttp.TCPConnector(limit=0)
        self.staff = aiohttp.ClientSession(self.base, cookie_jar=aiohttp.CookieJar(unsafe=True))
        phones = [Phone(i, self, connector) for i in range(self.args.clients)]
        self.projector = new_socket()
        self.projector.on("tally", self.on_tally, namespace=CONSOLE)
        try:
            # The facilitator opens the link; the console screen connects with that cookie.
            async with self.staff.get(URL(facilitator_url).path, allow_redirects=False) as r:
                self.console = URL(r.headers.get("Location", "")).path
                print(f"facilitator link: HTTP {r.status} -> {self.console}")
            cookie = self.staff.cookie_jar.filter_cookies(URL(self.base))[COOKIE].value
            await connect(self.projector, self.base, cookie, {"workshop": code}, CONSOLE)
            joined = await self.join_all(phones, code)
            if len(joined) >= 2:
                cards = await self.post_cards(joined)
                await self.switch_phase(joined, "vote")
                await self.vote_burst(joined, cards)
        finally:
            closing = [p.sio.disconnect() for p in phones] + [p.http.close() for p in phones]
            await asyncio.gather(*closing, self.projector.disconnect(), return_exceptions=True)
            await self.staff.close()
            await connector.close()

    def on_tally(self, data):
        self.tallies += 1

    async def join_all(self, phones, code):
        gate, errors, times, connect_times = asyncio.Semaphore(50), [], [], []

        async def join(phone):
            async with gate:
                t = now()
                try:
                    await phone.join(code)
                except Exception as exc:  # noqa: BLE001 - count and show, don't stop
                    errors.append(f"phone {phone.idx}: {type(exc).__name__}: {exc}")
                    return
                times.append(now() - t)
                connect_times.append(now() - phone.http_done)

        t0 = now()
        await asyncio.gather(*(join(p) for p in phones))
        wall = now() - t0
        for error in errors[:5]:
            print("  join failed:", error)
        joined = [p for p in phones if p.sio.connected]
        self.report(
            f"join (HTTP + connect) all: {wall:.1f} s  ({len(joined)} connected, "
            f"{len(errors)} failed; per phone p50 {ms(pct(times, 50))}, p95 {ms(pct(times, 95))}"
            f", of which Socket.IO connect p50 {ms(pct(connect_times, 50))})"
        )
        return joined

    async def post_cards(self, phones):
        """Post cards one after another; return the ids of those the server took."""
        sent, acks, refused, problems = {}, [], [], []
        for k in range(self.args.cards):
            poster = random.choice(phones)
            card = {"id": str(uuid.uuid4()), "kind": "problem", "text": f"Bench-Karte {k}"}
            if problems and k % 3 == 2:
                card.update(kind="solution", answers=random.choice(problems))
            t = now()
            ack = await poster.call("post_card", card)
            acks.append(now() - t)
            if ack.get("ok"):
                sent[card["id"]] = (t, poster.idx)
                problems += [card["id"]] if card["kind"] == "problem" else []
            else:
                refused.append(ack)
            await asyncio.sleep(self.args.gap)
        expected = len(sent) * (len(phones) - 1)
        got = lambda cid: self.received.get(cid, {})  # noqa: E731
        await self.wait_for(lambda: sum(len(got(c)) - 1 for c in sent) >= expected, 15)
        lat = [
            got(cid)[p.idx] - t
            for cid, (t, author) in sent.items()
            for p in phones
            if p.idx != author and p.idx in got(cid)
        ]
        for ack in refused[:3]:
            print("  post refused:", ack)
        self.report(
            f"card -> all phones: p50 {ms(pct(lat, 50))}, p95 {ms(pct(lat, 95))}, "
            f"max {ms(max(lat, default=NAN))}, missing {expected - len(lat)} of {expected}  "
            f"({len(sent)} cards, post ack p50 {ms(pct(acks, 50))}, refused {len(refused)})"
        )
        return list(sent)

    async def switch_phase(self, phones, phase):
        """Switch the phase with the facilitator's form; time the phase_changed fan-out."""
        async with self.staff.get(self.console) as r:
            page, status = await r.text(), r.status
        if status != 200:  # the CSRF token belongs to the session, so any form's will do
            print(f"console page: HTTP {status}; taking the CSRF token from /join")
            async with self.staff.get("/join") as r:
                page = await r.text()
        t = now()
        form = {"csrf_token": csrf_token(page), "phase": phase}
        async with self.staff.post(self.console, data=form, allow_redirects=False) as r:
            print(f"phase form: HTTP {r.status} -> {r.headers.get('Location')}")
        seen = lambda: self.phase_seen.get(phase, {})  # noqa: E731
        syncs_before = self.syncs + self.resyncs
        await self.wait_for(lambda: len(seen()) >= len(phones), 10)
        await asyncio.sleep(1)  # any board a phone asks for because of it
        fanout = [v - t for v in seen().values()]
        self.report(
            f"phase -> all phones: {len(fanout)} of {len(phones)} got it, "
            f"p50 {ms(pct(fanout, 50))}, max {ms(max(fanout, default=NAN))}; "
            f"boards built for it: {self.syncs + self.resyncs - syncs_before}"
        )

    async def vote_burst(self, phones, cards):
        """Every phone casts its dots at once, on distinct random cards."""
        acks, refused, failed = [], {}, []

        async def vote(phone, card_id):
            t = now()
            try:
                ack = await phone.call("cast_vote", {"id": card_id})
            except Exception as exc:  # noqa: BLE001
                failed.append(f"{type(exc).__name__}: {exc}")
                return
            if ack.get("ok"):
                acks.append(now() - t)
            else:
                key = f"{ack.get('code')}: {ack.get('error')}"
                refused[key] = refused.get(key, 0) + 1

        per_phone = min(self.args.votes_per_client, len(cards))
        burst = [(p, c) for p in phones for c in random.sample(cards, per_phone)]
        self.tallies = 0
        cpu0, t0 = self.cpu(), now()
        await asyncio.gather(*(vote(p, c) for p, c in burst))
        wall = now() - t0
        cpu_server, cpu_client = (b - a for a, b in zip(cpu0, self.cpu(), strict=True))
        await asyncio.sleep(1.5)  # let the coalesced tally reach the projector
        board = await self.projector.call("sync", {}, namespace=CONSOLE, timeout=30)
        totals = board["board"]["totals"] or {}
        for key, count in refused.items():
            print(f"  refused {count}x {key}")
        for error in failed[:3]:
            print("  vote failed:", error)
        self.report(
            f"votes: {len(acks)} acknowledged in {wall:.2f} s = {len(acks) / wall:.0f}/s, "
            f"ack first {ms(min(acks, default=NAN))}, p50 {ms(pct(acks, 50))}, "
            f"p95 {ms(pct(acks, 95))}, refused {sum(refused.values())}, "
            f"no ack {len(failed)} (of {len(burst)} sent)"
        )
        self.report(
            f"CPU during the vote burst: server {cpu_server:.1f} s, "
            f"bench client {cpu_client:.1f} s (wall {wall:.1f} s)"
        )
        self.report(f"resyncs after a gap in the fact numbers: {self.resyncs}")
        self.report(
            f"dots on the server afterwards: {sum(totals.values())}; "
            f"tally messages to the projector during burst + 1.5 s: {self.tallies}"
        )


def start_server(port, instance):
    env = {
        **os.environ,
        "QUERSCHNITT_INSTANCE": instance,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SECRET_KEY": "bench",
    }
    script = Path(sys.executable).parent / "querschnitt"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "app"]
    log = open(Path(instance) / "server.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [*cmd, "run", "--demo"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(base + "/join", timeout=2).status_code == 200:
                return proc, env, base
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server not answering GET /join (exit code {proc.poll()})")


def first_workshop(instance):
    """Return code, title and facilitator link of the first workshop, as ``run`` printed them.

    Links are stored only as hashes: ``run`` prints a link for each workshop it
    gives a first access to, which in the bench's fresh instance is every one.
    """
    log = (Path(instance) / "server.log").read_text()
    match = re.search(r"^Moderation ([A-Z0-9]{6}) (.*): (http\S+)$", log, re.M)
    if not match:
        raise RuntimeError(f"no facilitator link in the server log:\n{log}")
    return match.groups()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--votes-per-client", type=int, default=3)
    parser.add_argument("--cards", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between cards")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the server inherits it too

    instance = tempfile.mkdtemp(prefix="querschnitt-bench-")
    proc = None
    try:
        if not (port := args.port):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        proc, env, base = start_server(port, instance)
        code, title, link = first_workshop(instance)
        print(f"server pid {proc.pid} at {base}; workshop {code} {title}")
        bench = Bench(args, base, proc.pid)
        asyncio.run(bench.run(code, link))
        hwm, rss, cpu = proc_figures(proc.pid)
        bench.report(f"server: peak RSS {hwm:.0f} MB (at end {rss:.0f} MB), CPU {cpu:.1f} s")
        print("\n==== summary ====\n" + "\n".join(bench.lines))
    finally:
        stop_server(proc, instance)


def stop_server(proc, instance):
    """Stop the server; keep its instance folder and show the log's tail if anything went wrong."""
    if proc is not None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log = (Path(instance) / "server.log").read_text(errors="replace").splitlines()
    errors = [ln for ln in log if "Traceback" in ln or "ERROR" in ln]
    if errors or proc is None or proc.returncode not in (0, -15):
        print(f"server log ({len(errors)} error lines), kept in {instance}; its tail:")
        print("\n".join(log[-40:]))
    else:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
