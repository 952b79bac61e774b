"""Capacity benchmark: N real phones on one workshop, the app beside a bare relay, same run.

For each N and each target (the app on the embedded default, the app on the
scale path, the bare relay of bench/relay.py) it starts fresh servers pinned
to CPU 0 and spreads the phones over several client processes pinned to CPU 1,
then runs the scenarios and prints one table per N with every figure also as
a ratio to the relay's:

* join storm: each phone fills in the code form and the join form with its
  own cookie jar, loads its board page, connects to ``/board`` over WebSocket
  and asks for the board (``sync``); at most 50 at a time. The relay has no
  HTTP, so its phones only connect and sync.
* card storm: cards posted one after another by one phone; latency from
  sending ``post_card`` until each other phone has ``card_posted``.
* paced vote storm: every phone spends 5 dots at random moments over 10 s.
* burst vote storm: after every phone took its dots back, all spend 5 at once.

Server CPU comes from /proc/<pid>/stat (utime + stime), summed over the
server processes, as a delta over each scenario; peak RSS is VmHWM. A phone
told ``busy`` retries after a short back-off, as the real outbox does; its
latency runs from the first send to the acknowledgement. Figures only.

    .venv/bin/python bench/capacity.py --n 200 500 1000 --scale both
    .venv/bin/python bench/capacity.py --n 200 --app-dir /tmp/before   # an older checkout
"""

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "querschnitt"
BOARD = "/board"
NAN = float("nan")
now = time.perf_counter  # CLOCK_MONOTONIC: the same clock in every client process
TICK = os.sysconf("SC_CLK_TCK")


def pct(values, p):
    ordered = sorted(values)
    return ordered[round(p / 100 * (len(ordered) - 1))] if ordered else NAN


def csrf_token(html):
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = tag and re.search(r'value="([^"]*)"', tag.group(0))
    if not value:
        raise RuntimeError("no csrf_token in page")
    return value.group(1)


def proc_cpu(pid):
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / TICK


def proc_hwm(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return NAN


# ---- client processes ---------------------------------------------------------


class Phone:
    def __init__(self, idx, base, code, relay, connector, worker):
        import aiohttp
        import socketio

        self.idx, self.base, self.code, self.relay, self.worker = idx, base, code, relay, worker
        self.http = None
        if not relay:
            self.http = aiohttp.ClientSession(
                base,
                connector=connector,
                connector_owner=False,
                cookie_jar=aiohttp.CookieJar(unsafe=True),
            )
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.sio.on("card_posted", self.on_card, namespace=BOARD)
        self.voted = []  # card ids this phone put a dot on

    def on_card(self, data):
        self.worker.received.setdefault(data["card"]["id"], []).append((self.idx, now()))

    async def form(self, path, data):
        from yarl import URL

        async with self.http.get(path) as r:
            if r.status != 200:
                raise RuntimeError(f"GET {path}: HTTP {r.status}")
            data = {"csrf_token": csrf_token(await r.text()), **data}
        async with self.http.post(path, data=data, allow_redirects=False) as r:
            if r.status not in (302, 303):
                raise RuntimeError(f"POST {path}: HTTP {r.status}")
            return URL(r.headers["Location"]).path

    async def join(self):
        from yarl import URL

        headers, auth = {}, {"workshop": self.code}
        if self.relay:
            auth["participant"] = f"bench-{self.idx}"
        else:
            join_path = await self.form("/join", {"code": self.code})
            board = await self.form(join_path, {"display_name": f"Bench {self.idx}", "group": ""})
            if board != f"/w/{self.code}":
                raise RuntimeError(f"join redirected to {board}")
            async with self.http.get(board) as r:
                if r.status != 200:
                    raise RuntimeError(f"GET {board}: HTTP {r.status}")
                await r.read()
            cookie = self.http.cookie_jar.filter_cookies(URL(self.base))[COOKIE].value
            headers = {"Cookie": f"{COOKIE}={cookie}"}
        await self.sio.connect(
            self.base,
            headers=headers,
            auth=auth,
            namespaces=[BOARD],
            transports=["websocket"],
            wait_timeout=60,
        )
        reply = await self.call("sync", {})
        if not reply.get("ok"):
            raise RuntimeError(f"sync refused: {reply}")

    async def call(self, event, data, timeout=30):
        return await self.sio.call(event, data, namespace=BOARD, timeout=timeout)

    async def command(self, event, data, result):
        """Send until acknowledged or refused for good; ``busy`` is retried with back-off."""
        first, backoff = now(), 0.1
        while True:
            try:
                ack = await self.call(event, data)
            except Exception as exc:  # noqa: BLE001 - counted, not fatal
                result["failed"].append(f"{type(exc).__name__}: {exc}")
                return None
            if ack.get("ok"):
                result["acks"].append(now() - first)
                return ack
            code = ack.get("code")
            if code in ("busy", "throttled"):
                result["retries"] += 1
                await asyncio.sleep(backoff * (0.5 + random.random()))
                backoff = min(backoff * 2, 2)
                continue
            result["refused"][code] = result["refused"].get(code, 0) + 1
            return ack


class Worker:
    """One client process: its share of the phones, driven by commands over a pipe."""

    def __init__(self, pipe, spec):
        self.pipe, self.spec, self.received = pipe, spec, {}

    async def main(self):
        import aiohttp

        loop = asyncio.get_running_loop()
        connector = aiohttp.TCPConnector(limit=0)
        spec = self.spec
        self.phones = [
            Phone(
                i,
                spec["bases"][i % len(spec["bases"])],
                spec["code"],
                spec["relay"],
                connector,
                self,
            )
            for i in spec["idxs"]
        ]
        while True:
            cmd, arg = await loop.run_in_executor(None, self.pipe.recv)
            if cmd == "close":
                break
            usage0 = resource.getrusage(resource.RUSAGE_SELF)
            try:
                reply = await getattr(self, cmd)(**arg)
            except Exception as exc:  # noqa: BLE001 - the run goes on; the table shows the gap
                print(f"  client command {cmd} failed: {type(exc).__name__}: {exc}", flush=True)
                reply = {"failed_command": cmd, "end": now(), "ok": False, "reply": str(exc)}
            usage = resource.getrusage(resource.RUSAGE_SELF)
            reply["cpu"] = (usage.ru_utime + usage.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
            self.pipe.send(reply)
        await asyncio.gather(*(p.sio.disconnect() for p in self.phones), return_exceptions=True)
        await asyncio.gather(
            *(p.http.close() for p in self.phones if p.http), return_exceptions=True
        )
        await connector.close()
        self.pipe.send({})

    async def join(self, start, gate):
        await asyncio.sleep(max(0, start - now()))
        limit, times, errors = asyncio.Semaphore(gate), [], []

        async def one(phone):
            async with limit:
                t = now()
                try:
                    await phone.join()
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"{type(exc).__name__}: {exc}")
                    return
                times.append(now() - t)

        await asyncio.gather(*(one(p) for p in self.phones))
        return {"times": times, "errors": errors, "end": now()}

    async def post(self, card):
        phone = next((p for p in self.phones if p.sio.connected), self.phones[0])
        t = now()
        try:
            ack = await phone.call("post_card", card)
        except Exception as exc:  # noqa: BLE001 - reported as a refusal
            ack = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        return {
            "sent": t,
            "ack": now() - t,
            "ok": bool(ack.get("ok")),
            "reply": ack,
            "idx": phone.idx,
        }

    async def received_cards(self):
        got, self.received = self.received, {}
        return {"received": got, "phones": [p.idx for p in self.phones if p.sio.connected]}

    async def votes(self, start, cards, per_phone, spread, event):
        result = {"acks": [], "refused": {}, "failed": [], "retries": 0}

        async def phone_votes(phone):
            if event == "cast_vote":
                phone.voted = random.sample(cards, per_phone)
                targets = list(phone.voted)
            else:
                targets, phone.voted = phone.voted, []
            offsets = sorted(random.uniform(0, spread) for _ in targets)
            for card_id, offset in zip(targets, offsets, strict=True):
                await asyncio.sleep(max(0, start + offset - now()))
                await phone.command(event, {"id": card_id}, result)

        connected = [p for p in self.phones if p.sio.connected]
        await asyncio.sleep(max(0, start - now()))
        await asyncio.gather(*(phone_votes(p) for p in connected))
        result["end"] = now()
        result["connected_after"] = sum(p.sio.connected for p in self.phones)
        return result


def worker_main(pipe, spec, cpu):
    import logging

    # A phone whose socket the server closed says so once in the table, not per packet.
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(Worker(pipe, spec).main())


class Clients:
    """The client processes of one run, commanded together."""

    def __init__(self, n, procs, bases, code, relay, cpu):
        ctx = mp.get_context("fork")
        self.pipes, self.procs = [], []
        for k in range(procs):
            parent, child = ctx.Pipe()
            spec = {"idxs": list(range(k, n, procs)), "bases": bases, "code": code, "relay": relay}
            proc = ctx.Process(target=worker_main, args=(child, spec, cpu), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def all(self, cmd, **arg):
        for pipe in self.pipes:
            pipe.send((cmd, arg))
        return [pipe.recv() for pipe in self.pipes]

    def one(self, cmd, **arg):
        self.pipes[0].send((cmd, arg))
        return self.pipes[0].recv()

    def close(self):
        for pipe in self.pipes:
            try:
                pipe.send(("close", {}))
                pipe.recv()
            except (OSError, EOFError):
                pass
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()


# ---- servers --------------------------------------------------------------------


def free_port(start):
    for port in range(start, start + 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def wait_up(proc, base, log):
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(base + "/join", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server not answering at {base}; log {log}")


class Servers:
    """Server processes of one run, pinned to one CPU, stopped together."""

    def __init__(self, args, target, workdir):
        self.procs, self.bases, self.logs, self.workdir = [], [], [], workdir
        self.target = target
        pin = ["taskset", "-c", str(args.server_cpu)] if args.pin else []
        port = args.port
        if target.startswith("relay"):
            port = free_port(port)
            mode = target.partition("-")[2] or "gevent"
            cmd = [
                *pin,
                sys.executable,
                str(ROOT / "bench" / "relay.py"),
                "--port",
                str(port),
                "--async-mode",
                mode,
            ]
            self.start(cmd, os.environ, port, ROOT)
            return
        env = {
            **os.environ,
            "QUERSCHNITT_INSTANCE": str(workdir),
            "HOST": "127.0.0.1",
            "SECRET_KEY": "bench",
            "PYTHONPATH": str(args.app_dir),
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        count = 1
        if target == "scale":
            reset_postgres(args.pg_url)
            reset_redis(args.redis_url)
            env.update(DATABASE_URL=args.pg_url, REDIS_URL=args.redis_url)
            count = 2
        for k in range(count):
            port = free_port(port)
            cmd = [*pin, sys.executable, "-m", "app", "run", *(["--demo"] if k == 0 else [])]
            if wrapper := os.environ.get("BENCH_SERVER_WRAPPER"):
                # e.g. a profiler that starts on SIGUSR1 (sent before the vote storms)
                cmd[cmd.index("-m") : cmd.index("run") + 1] = [wrapper]
            run_env = {**env, "PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}"}
            self.start(cmd, run_env, port, args.app_dir)
            port += 1

    def start(self, cmd, env, port, cwd):
        log = self.workdir / f"server-{len(self.procs)}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        self.procs.append(proc)
        self.logs.append(log)
        wait_up(proc, base, log)
        self.bases.append(base)

    def cpu(self):
        return sum(proc_cpu(p.pid) for p in self.procs)

    def hwm(self):
        return max(proc_hwm(p.pid) for p in self.procs)

    def workshop(self):
        log = self.logs[0].read_text()
        match = re.search(r"^Moderation ([A-Z0-9]{6}) (.*): (http\S+)$", log, re.M)
        if not match:
            raise RuntimeError(f"no facilitator link in the server log:\n{log}")
        return match.group(1), match.group(3)

    def errors(self):
        lines = []
        for log in self.logs:
            lines += [
                ln
                for ln in log.read_text(errors="replace").splitlines()
                if "Traceback" in ln or "ERROR" in ln
            ]
        return lines

    def stop(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def reset_postgres(url):
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def reset_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def switch_phase(base, link, phase):
    """Switch the workshop's phase with the facilitator's form, as the console does."""
    import requests
    from yarl import URL

    staff = requests.Session()
    r = staff.get(base + URL(link).path, allow_redirects=False)
    console = URL(r.headers.get("Location", "")).path
    page = staff.get(base + console)
    r = staff.post(
        base + console,
        data={"csrf_token": csrf_token(page.text), "phase": phase},
        allow_redirects=False,
    )
    if r.status_code not in (302, 303):
        raise RuntimeError(f"phase form: HTTP {r.status_code}")


# ---- one run: one target, one N -------------------------------------------------


def run_one(args, target, n):
    """Run every scenario for one target and N; return its figures by name."""
    workdir = Path(tempfile.mkdtemp(prefix=f"capacity-{target}-{n}-"))
    servers = Servers(args, target, workdir)
    relay = target.startswith("relay")
    code, link = ("BENCH1", None) if relay else servers.workshop()
    clients = Clients(n, args.procs, servers.bases, code, relay, args.client_cpu)
    fig, clients_cpu = {}, []
    try:
        # join storm
        cpu0, t0 = servers.cpu(), now()
        replies = clients.all("join", start=now() + 0.3, gate=max(1, args.gate // args.procs))
        wall = max(r["end"] for r in replies) - t0 - 0.3
        joined = n - sum(len(r["errors"]) for r in replies)
        times = [t for r in replies for t in r["times"]]
        for r in replies:
            for err in r["errors"][:2]:
                print(f"  [{target} {n}] join failed: {err}")
        fig["join_s"] = wall
        fig["join_p95"] = pct(times, 95)
        fig["join_errors"] = n - joined
        fig["join_cpu_ms"] = (servers.cpu() - cpu0) * 1000 / max(joined, 1)
        clients_cpu.append((sum(r["cpu"] for r in replies), wall))

        # card storm
        clients.all("received_cards")
        sent = {}
        cpu0 = servers.cpu()
        for k in range(args.cards):
            card = {"id": str(uuid.uuid4()), "kind": "problem", "text": f"Bench-Karte {k}"}
            r = clients.one("post", card=card)
            if r["ok"]:
                sent[card["id"]] = (r["sent"], r["idx"])
            else:
                print(f"  [{target} {n}] post refused: {r['reply']}")
            time.sleep(args.gap)
        time.sleep(2)
        lat, got = [], 0
        replies = clients.all("received_cards")
        phones = {i for r in replies for i in r["phones"]}
        for r in replies:
            for cid, seen in r["received"].items():
                if cid not in sent:
                    continue
                t, author = sent[cid]
                for idx, at in seen:
                    if idx != author:
                        lat.append(at - t)
                        got += 1
        expected = len(sent) * (len(phones) - 1)
        fig["card_p50"], fig["card_p95"], fig["card_p99"] = (pct(lat, p) for p in (50, 95, 99))
        fig["card_missing"] = expected - got
        fig["card_cpu_ms"] = (servers.cpu() - cpu0) * 1000 / max(len(sent), 1)
        cards = list(sent)

        if not relay:
            switch_phase(servers.bases[0], link, "vote")
            time.sleep(1)
            if os.environ.get("BENCH_SERVER_WRAPPER"):
                for proc in servers.procs:
                    os.kill(proc.pid, signal.SIGUSR1)
        for name, spread, event in (
            ("paced", args.spread, "cast_vote"),
            ("back", 0.0, "take_back_vote"),
            ("burst", 0.0, "cast_vote"),
        ):
            cpu0, t0 = servers.cpu(), now()
            start = t0 + 0.5
            replies = clients.all(
                "votes",
                start=start,
                cards=cards,
                per_phone=min(args.dots, len(cards)),
                spread=spread,
                event=event,
            )
            wall = max(r["end"] for r in replies) - start
            acks = [a for r in replies for a in r["acks"]]
            refused = {}
            for r in replies:
                for key, count in r["refused"].items():
                    refused[key] = refused.get(key, 0) + count
            failed = [f for r in replies for f in r["failed"]]
            for f in failed[:2]:
                print(f"  [{target} {n}] {name} no ack: {f}")
            if refused:
                print(f"  [{target} {n}] {name} refused: {refused}")
            fig[f"{name}_rate"] = len(acks) / wall if wall > 0 else NAN
            fig[f"{name}_wall"] = wall
            fig[f"{name}_p50"], fig[f"{name}_p95"], fig[f"{name}_p99"] = (
                pct(acks, p) for p in (50, 95, 99)
            )
            fig[f"{name}_errors"] = len(failed) + sum(refused.values())
            fig[f"{name}_retries"] = sum(r["retries"] for r in replies)
            fig[f"{name}_cpu_ms"] = (servers.cpu() - cpu0) * 1000 / max(len(acks), 1)
            fig[f"{name}_dropped"] = n - sum(r["connected_after"] for r in replies) - (n - joined)
            clients_cpu.append((sum(r["cpu"] for r in replies), wall + 0.5))
        fig["rss_mb"] = servers.hwm()
        # Is the client the bottleneck? Its CPU time over the scenario's wall time, per core.
        fig["client_busy"] = max(c / w for c, w in clients_cpu if w > 0)
    finally:
        clients.close()
        servers.stop()
        errors = servers.errors()
        if errors:
            print(
                f"  [{target} {n}] {len(errors)} error lines in the server logs, kept in {workdir}"
            )
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return fig


ROWS = [
    ("join: all phones (s)", "join_s", "{:.1f}"),
    ("join: per phone p95 (ms)", "join_p95", "ms"),
    ("join: errors", "join_errors", "{:.0f}"),
    ("join: server CPU per phone (ms)", "join_cpu_ms", "{:.2f}"),
    ("card -> all phones p50 (ms)", "card_p50", "ms"),
    ("card -> all phones p95 (ms)", "card_p95", "ms"),
    ("card -> all phones p99 (ms)", "card_p99", "ms"),
    ("card: deliveries missing", "card_missing", "{:.0f}"),
    ("card: server CPU per card (ms)", "card_cpu_ms", "{:.1f}"),
]
for _name, _label in (("paced", "paced votes"), ("burst", "burst votes")):
    ROWS += [
        (f"{_label}: acks/s", f"{_name}_rate", "{:.0f}"),
        (f"{_label}: wall (s)", f"{_name}_wall", "{:.1f}"),
        (f"{_label}: ack p50 (ms)", f"{_name}_p50", "ms"),
        (f"{_label}: ack p95 (ms)", f"{_name}_p95", "ms"),
        (f"{_label}: ack p99 (ms)", f"{_name}_p99", "ms"),
        (f"{_label}: errors (refused + no ack)", f"{_name}_errors", "{:.0f}"),
        (f"{_label}: busy retries", f"{_name}_retries", "{:.0f}"),
        (f"{_label}: sockets dropped", f"{_name}_dropped", "{:.0f}"),
        (f"{_label}: server CPU per vote (ms)", f"{_name}_cpu_ms", "{:.2f}"),
    ]
ROWS += [
    ("take-back burst: acks/s", "back_rate", "{:.0f}"),
    ("take-back burst: server CPU per vote (ms)", "back_cpu_ms", "{:.2f}"),
    ("peak RSS (MB, largest process)", "rss_mb", "{:.0f}"),
    ("client CPU / wall, worst scenario (1.0 = a core)", "client_busy", "{:.2f}"),
]


def fmt(value, how):
    if value is None or value != value:
        return "–"
    return f"{value * 1000:.0f}" if how == "ms" else how.format(value)


def table(n, results):
    targets = [t for t in results if t != "relay"]
    head = [f"N = {n}", *targets, "relay", *[f"{t}/relay" for t in targets]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    relay = results.get("relay", {})
    for label, key, how in ROWS:
        row = [label] + [fmt(results[t].get(key), how) for t in targets]
        base = relay.get(key)
        row.append(fmt(base, how))
        for t in targets:
            value = results[t].get(key)
            ok = value is not None and base and base == base and value == value
            row.append(f"{value / base:.2f}" if ok else "–")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--n", type=int, nargs="+", default=[200], help="phones (several: one table each)"
    )
    parser.add_argument(
        "--scale",
        choices=("off", "on", "both", "none"),
        default="off",
        help="the scale path: 2 server processes, PostgreSQL + Redis (none: relays only)",
    )
    parser.add_argument(
        "--relay-modes",
        nargs="+",
        choices=("eventlet", "threading"),
        default=[],
        help="also run the relay on these servers (relay-eventlet, relay-threading)",
    )
    parser.add_argument("--no-relay", action="store_true", help="skip the bare relay")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="checkout of the app to measure")
    parser.add_argument("--procs", type=int, default=4, help="client processes")
    parser.add_argument("--gate", type=int, default=50, help="joins in flight at once, in all")
    parser.add_argument("--cards", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between cards")
    parser.add_argument("--dots", type=int, default=5, help="dots per phone")
    parser.add_argument("--spread", type=float, default=10.0, help="seconds of the paced storm")
    parser.add_argument("--port", type=int, default=5400, help="first port to try")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_capacity"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="do not pin server to CPU 0 and clients to CPU 1",
    )
    args = parser.parse_args()
    args.app_dir = args.app_dir.resolve()
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2 or not shutil.which("taskset"):
        args.pin = False
    args.server_cpu, args.client_cpu = (cpus[0], cpus[1]) if args.pin else (None, None)
    if args.pin:
        os.sched_setaffinity(0, {args.client_cpu})
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.scale in ("on", "both"):
        ensure_database(args.pg_url)
    targets = {"off": ["embedded"], "on": ["scale"], "both": ["embedded", "scale"], "none": []}[
        args.scale
    ]
    if not args.no_relay:
        targets.append("relay")
    targets += [f"relay-{mode}" for mode in args.relay_modes]
    commit = subprocess.run(
        ["git", "-C", str(args.app_dir), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"app {args.app_dir} at {commit}; {os.cpu_count()} CPUs, pinned: {args.pin}; "
        f"{args.procs} client processes; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    tables = []
    for n in args.n:
        results = {}
        for target in targets:
            print(f"-- {target}, {n} phones", flush=True)
            results[target] = run_one(args, target, n)
        tables.append(table(n, results))
        print("\n" + tables[-1] + "\n", flush=True)
    print("==== all tables ====\n" + "\n\n".join(tables))


def ensure_database(url):
    import sqlalchemy as sa

    name = sa.engine.make_url(url).database
    admin = sa.create_engine(
        sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.scalar() is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


if __name__ == "__main__":
    main()
