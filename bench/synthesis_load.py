"""Synthesis under load: a week of N cards, suggestion times, and phones posting meanwhile.

Starts ``querschnitt run --demo`` in a fresh temporary instance folder (as
``bench/live_board.py`` does), fills the demo week's six themed workshops with N cards
(texts from tests/data/synthesis/cards.json, repeated with a numbered suffix, typed
in as paper cards through the app's services in this process), and then

1. connects a facilitator to ``/event`` and times the first ``request_suggestions``
   until its ``job`` fact says done: this embeds every card, so it is the one-off
   embedding cost (and per card: total / N);
2. times ``request_suggestions`` again (cards embedded: clusters) and, after
   ``create_need`` with two cards, ``request_suggestions`` for that need (ranked
   cards), against the 2 s target;
3. joins M phones to one workshop and lets them post cards at a steady rate, once
   with no suggestion running and once while suggestion runs are requested back to
   back; post-ack p50/p95 for both.

CPU and peak RSS of the server and of its job worker come from ``/proc``. It prints
figures only; nothing is asserted. Client, server and worker share this machine.

    PYTHONPATH=. .venv/bin/python bench/synthesis_load.py --cards 2000 --phones 30
"""

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from yarl import URL

from bench.live_board import (
    COOKIE,
    NAN,
    Phone,
    connect,
    first_workshop,
    ms,
    new_socket,
    pct,
    proc_figures,
    start_server,
    stop_server,
)

ROOT = Path(__file__).resolve().parent.parent
EVENT_NS = "/event"
EVENT_SLUG = "herne-2021"
TARGET = 2.0
now = time.perf_counter


def worker_pids(parent):
    """Pids of the processes whose parent is ``parent`` (the server's job worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == parent:
                found.append(int(entry.name))
    return found


def fill_week(instance, count, seed=0):
    """Type in ``count`` paper cards over the demo week's workshops; return the seed cards.

    Runs the app's own services in this process, on the server's database. Returns
    ``(need title, [two card ids])`` for a labelled need, to seed a ranking with.
    """
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Event, Workshop
    from app.services.moderation import paper_card

    data = json.loads((ROOT / "tests/data/synthesis/cards.json").read_text())
    titles = {t["slug"]: t["title"] for t in data["themes"]}
    os.environ["QUERSCHNITT_INSTANCE"] = instance
    app = create_app()
    rng = random.Random(seed)
    seeds = {}
    with app.app_context():
        event = db.session.scalar(select(Event).filter_by(slug=EVENT_SLUG))
        workshops = {
            w.title: w for w in db.session.scalars(select(Workshop).filter_by(event_id=event.id))
        }
        by_theme = {slug: workshops[title] for slug, title in titles.items()}
        cards = data["cards"]
        for i in range(count):
            card = cards[i % len(cards)]
            text = card["text"] if i < len(cards) else f"{card['text']} ({i // len(cards)})"
            if i >= len(cards) and rng.random() < 0.3:  # a few with a word dropped
                words = text.split()
                del words[rng.randrange(len(words) - 1)]
                text = " ".join(words)
            card_id = str(uuid.uuid4())
            paper_card(
                by_theme[card["workshop"]],
                "bench",
                card_id=card_id,
                kind=card["kind"],
                text=text,
            )
            if card["need"] and i < len(cards):
                seeds.setdefault(card["need"], []).append(card_id)
        need = next(n for n in data["needs"] if len(seeds.get(n["slug"], [])) >= 2)
        db.session.remove()
    return need["title"], seeds[need["slug"]][:2], len(by_theme)


class Bench:
    def __init__(self, args, base, server_pid):
        self.args, self.base, self.server_pid = args, base, server_pid
        self.received, self.phase_seen = {}, {}  # what Phone writes to
        self.syncs = self.resyncs = 0
        self.jobs = {}  # job id -> last status
        self.lines = []

    def report(self, line):
        print(line, flush=True)
        self.lines.append(line)

    def cpu(self):
        """CPU seconds of the server and of its job worker(s) so far."""
        worker = 0.0
        for pid in worker_pids(self.server_pid):
            try:
                worker += proc_figures(pid)[2]
            except OSError:
                pass
        return proc_figures(self.server_pid)[2], worker

    def on_job(self, data):
        self.jobs[data["id"]] = data

    async def suggestions(self, payload=None, timeout=600):
        """Request suggestions; return (seconds until done, final status)."""
        t = now()
        reply = await self.sio.call("request_suggestions", payload or {}, namespace=EVENT_NS)
        if not reply.get("ok"):
            raise RuntimeError(f"request_suggestions refused: {reply}")
        job = reply["job"]
        deadline = t + timeout
        while now() < deadline:
            status = self.jobs.get(job, {})
            if status.get("state") in ("done", "failed"):
                return now() - t, status
            await asyncio.sleep(0.01)
        return now() - t, {"state": "timeout"}

    async def run(self, code, link, need_title, seed_cards):
        self.staff = aiohttp.ClientSession(self.base, cookie_jar=aiohttp.CookieJar(unsafe=True))
        connector = aiohttp.TCPConnector(limit=0)
        self.sio = new_socket()
        self.sio.on("job", self.on_job, namespace=EVENT_NS)
        phones = []
        try:
            async with self.staff.get(URL(link).path, allow_redirects=False) as r:
                print(f"facilitator link: HTTP {r.status} -> {r.headers.get('Location')}")
            cookie = self.staff.cookie_jar.filter_cookies(URL(self.base))[COOKIE].value
            await connect(self.sio, self.base, cookie, {"event": EVENT_SLUG}, EVENT_NS)
            await self.timings(need_title, seed_cards)
            phones = [Phone(i, self, connector) for i in range(self.args.phones)]
            await asyncio.gather(*(p.join(code) for p in phones))
            joined = [p for p in phones if p.sio.connected]
            self.report(f"phones joined to {code}: {len(joined)} of {len(phones)}")
            await self.posting(joined, busy=False)
            await self.posting(joined, busy=True)
        finally:
            closing = [p.sio.disconnect() for p in phones] + [p.http.close() for p in phones]
            await asyncio.gather(*closing, self.sio.disconnect(), return_exceptions=True)
            await self.staff.close()
            await connector.close()

    async def timings(self, need_title, seed_cards):
        n = self.args.cards
        cpu0 = self.cpu()
        took, status = await self.suggestions()
        server, worker = (b - a for a, b in zip(cpu0, self.cpu(), strict=True))
        clusters = len((status.get("result") or {}).get("clusters", []))
        self.report(
            f"first suggestions (embeds all {n} cards): {took:.1f} s = "
            f"{took / n * 1000:.1f} ms per card; state {status['state']}, {clusters} clusters; "
            f"CPU worker {worker:.1f} s, server {server:.1f} s"
        )
        took, status = await self.suggestions()
        clusters = len((status.get("result") or {}).get("clusters", []))
        verdict = "within" if took < TARGET else "OVER"
        self.report(
            f"suggestions, cards embedded (clusters): {took:.2f} s ({verdict} {TARGET:.0f} s); "
            f"state {status['state']}, {clusters} clusters"
        )
        reply = await self.sio.call(
            "create_need",
            {"title": need_title, "cards": ",".join(seed_cards)},
            namespace=EVENT_NS,
        )
        if not reply.get("ok"):
            raise RuntimeError(f"create_need refused: {reply}")
        need = reply["needs"][0]["id"]
        took, status = await self.suggestions({"need": need})
        ranked = len((status.get("result") or {}).get("cards", []))
        verdict = "within" if took < TARGET else "OVER"
        self.report(
            f"suggestions for a need with 2 cards (ranked): {took:.2f} s ({verdict} "
            f"{TARGET:.0f} s); state {status['state']}, {ranked} cards"
        )

    async def posting(self, phones, busy):
        """Phones post at a steady rate; with ``busy``, suggestions run back to back meanwhile."""
        rate, seconds = self.args.rate, self.args.seconds
        acks, refused, failed, runs = [], [], [], []
        stop = asyncio.Event()

        async def post(phone, k):
            card = {"id": str(uuid.uuid4()), "kind": "problem", "text": f"Lastkarte {k}"}
            t = now()
            try:
                ack = await phone.call("post_card", card)
            except Exception as exc:  # noqa: BLE001 - count, don't stop
                failed.append(f"{type(exc).__name__}: {exc}")
                return
            (acks if ack.get("ok") else refused).append(now() - t if ack.get("ok") else ack)

        async def suggest_loop():
            while not stop.is_set():
                runs.append(await self.suggestions())

        cpu0, t0 = self.cpu(), now()
        loop = asyncio.create_task(suggest_loop()) if busy else None
        if busy:
            await asyncio.sleep(0.2)  # the first run is under way
            t0 = now()
        tasks, total = [], int(rate * seconds)
        for k in range(total):
            await asyncio.sleep(max(0.0, t0 + k / rate - now()))
            tasks.append(asyncio.create_task(post(random.choice(phones), k)))
        await asyncio.gather(*tasks)
        wall = now() - t0
        stop.set()
        if loop is not None:
            await loop
        server, worker = (b - a for a, b in zip(cpu0, self.cpu(), strict=True))
        label = "during suggestion runs" if busy else "no suggestion running"
        for error in (failed + [str(r) for r in refused])[:3]:
            print("  post problem:", error)
        extra = ""
        if busy:
            times = [t for t, s in runs if s.get("state") == "done"]
            extra = (
                f"; {len(times)} suggestion runs done, each p50 {pct(times, 50):.2f} s"
                if times
                else "; no suggestion run finished"
            )
        self.report(
            f"post ack, {label}: p50 {ms(pct(acks, 50))}, p95 {ms(pct(acks, 95))}, "
            f"max {ms(max(acks, default=NAN))} ({len(acks)} of {total} acknowledged, "
            f"{len(refused)} refused, {len(failed)} failed, {total / wall:.1f}/s over "
            f"{wall:.1f} s; CPU server {server:.1f} s, worker {worker:.1f} s{extra})"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=2000, help="cards in the week")
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--rate", type=float, default=10.0, help="cards posted per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long phones post")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    instance = tempfile.mkdtemp(prefix="querschnitt-synthload-")
    proc = None
    try:
        if not (port := args.port):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        proc, env, base = start_server(port, instance)
        os.environ["SECRET_KEY"] = env["SECRET_KEY"]
        code, title, link = first_workshop(instance)
        print(f"server pid {proc.pid} at {base}; phones go to {code} {title}")
        t = now()
        need_title, seed_cards, workshops = fill_week(instance, args.cards)
        bench = Bench(args, base, proc.pid)
        bench.report(
            f"week: {args.cards} cards over {workshops} themed workshops, typed in in "
            f"{now() - t:.1f} s; phones: {args.phones}, posting {args.rate:g}/s "
            f"for {args.seconds:g} s"
        )
        asyncio.run(bench.run(code, link, need_title, seed_cards))
        hwm, rss, cpu = proc_figures(proc.pid)
        bench.report(f"server: peak RSS {hwm:.0f} MB (at end {rss:.0f} MB), CPU {cpu:.1f} s")
        for pid in worker_pids(proc.pid):
            hwm, rss, cpu = proc_figures(pid)
            bench.report(f"job worker {pid}: peak RSS {hwm:.0f} MB, CPU {cpu:.1f} s")
        print("\n==== summary ====\n" + "\n".join(bench.lines))
    finally:
        stop_server(proc, instance)


if __name__ == "__main__":
    main()
