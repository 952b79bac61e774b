"""Crash safety: the server SIGKILLed in a storm of cards and dots, Redis restarted under two.

Phones are real Socket.IO clients that keep their board as the browser does
(``tests.live.BoardPhone``): they reconnect, sync, resend the cards still in
their outbox and never resend a dot. Afterwards every acknowledged card and
dot is stored exactly once, no budget is exceeded, and every phone's board is
the database's.
"""

import random
import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import postgres_url, redis_url
from tests.live import BoardPhone, LiveServer, Phone, postgres_schema

pytestmark = pytest.mark.server

#: A storm is faster than people: the per-socket flood limit would only slow it down.
STORM = {"SOCKET_EVENTS_PER_SECOND": "1000", "SOCKET_EVENT_BURST": "1000"}
WRITERS, CARDS_EACH = 4, 40
VOTERS = 6
#: Cards the voters put their dots on.
BALLOT = 6


def _database(server: LiveServer) -> sa.Engine:
    url = server.env.get("DATABASE_URL") or (
        f"sqlite:///{server.env['QUERSCHNITT_INSTANCE']}/querschnitt.db"
    )
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def _stored(engine, code: str) -> dict:
    """What the database holds for a workshop: cards on the board, dots per person."""
    with engine.connect() as conn:
        workshop = conn.execute(
            sa.text("SELECT id, dot_budget FROM workshop WHERE short_code = :code"),
            {"code": code},
        ).one()
        cards = dict(
            conn.execute(
                sa.text("SELECT id, text FROM card WHERE workshop_id = :w AND status = 'visible'"),
                {"w": workshop.id},
            ).all()
        )
        all_ids = [
            row.id
            for row in conn.execute(
                sa.text("SELECT id FROM card WHERE workshop_id = :w"), {"w": workshop.id}
            )
        ]
        spent = dict(
            conn.execute(
                sa.text(
                    "SELECT p.display_name, m.dots_spent FROM membership m"
                    " JOIN participant p ON p.id = m.participant_id WHERE m.workshop_id = :w"
                ),
                {"w": workshop.id},
            ).all()
        )
        votes = {}
        for name, card, dots in conn.execute(
            sa.text(
                "SELECT p.display_name, v.card_id, v.dots FROM vote v"
                " JOIN participant p ON p.id = v.participant_id"
                " JOIN card c ON c.id = v.card_id WHERE c.workshop_id = :w AND v.dots > 0"
            ),
            {"w": workshop.id},
        ):
            votes.setdefault(name, {})[card] = dots
    return {
        "budget": workshop.dot_budget,
        "cards": cards,
        "all_ids": all_ids,
        "spent": spent,
        "votes": votes,
    }


def _board_phone(server, code, name) -> BoardPhone:
    person = Phone(server)
    assert person.join_by_code(code, name=name).url.endswith(f"/w/{code}")
    person.http.close()
    return BoardPhone(server, person.cookie, code).connect()


class Storm:
    """Writers post cards in one workshop while voters spend their dots in another."""

    def __init__(self, servers, codes, links):
        self.write_code, self.vote_code = codes
        self.writers = [
            _board_phone(servers[n % len(servers)], self.write_code, f"Schreiberin {n}")
            for n in range(WRITERS)
        ]
        author = _board_phone(servers[0], self.vote_code, "Autorin")
        for n in range(BALLOT):
            author.post_card(f"Zur Wahl {n}")
        self.ballot = list(author.acked_cards)
        author.close()
        facilitator = Phone(servers[0])
        facilitator.facilitate(links[self.vote_code])
        facilitator.set_phase(self.vote_code, "vote")
        self.voters = [
            _board_phone(servers[n % len(servers)], self.vote_code, f"Wähler {n}")
            for n in range(VOTERS)
        ]
        self.failures = []
        self.threads = [
            threading.Thread(target=self._guard, args=(self._write, p, n))
            for n, p in enumerate(self.writers)
        ] + [
            threading.Thread(target=self._guard, args=(self._vote, p, n))
            for n, p in enumerate(self.voters)
        ]

    def _guard(self, work, phone, n):
        try:
            work(phone, n)
        except BaseException as exc:  # reported by finish()
            self.failures.append(exc)

    def _write(self, phone, n):
        for k in range(CARDS_EACH):
            phone.post_card(f"Karte {k} von {n}")
            time.sleep(random.uniform(0, 0.03))

    def _vote(self, phone, n):
        # The dots are spread over the whole card storm, however fast this machine
        # is: the k-th dot waits for the k-th part of the cards (give or take).
        total = WRITERS * CARDS_EACH
        for k in range(3 * BALLOT):
            if phone.board["me"]["dots_left"] == 0:
                return
            due = min(total, int((k + random.uniform(0.2, 1.2)) * total / 6))
            while self.acknowledged()[0] < due and any(
                t.is_alive() for t in self.threads[:WRITERS]
            ):
                time.sleep(0.01)
            phone.vote(self.ballot[(n + k) % BALLOT])

    def start(self):
        for thread in self.threads:
            thread.start()

    def acknowledged(self) -> tuple[int, int]:
        return (
            sum(len(p.acked_cards) for p in self.writers),
            sum(len(p.acked_votes) for p in self.voters),
        )

    def wait_until_busy(self, cards: int, votes: int, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done_cards, done_votes = self.acknowledged()
            if done_cards >= cards and done_votes >= votes:
                return
            time.sleep(0.02)
        raise AssertionError(f"the storm did not get going: {self.acknowledged()}")

    def finish(self, timeout=120):
        for thread in self.threads:
            thread.join(timeout)
        assert not any(t.is_alive() for t in self.threads), "a phone is still stuck"
        assert self.failures == []
        for phone in self.writers + self.voters:
            phone.settle()

    def close(self):
        for phone in self.writers + self.voters:
            phone.close()

    def check(self, engine):
        """Every acknowledged card and dot stored once, budgets kept, every board the database's."""
        written = _stored(engine, self.write_code)
        sent = [card for p in self.writers for card in p.sent_cards]
        assert all(p.outbox == [] and p.refused == [] for p in self.writers)
        assert sorted(card for p in self.writers for card in p.acked_cards) == sorted(sent)
        # Each card the phones wrote is there once, and nothing else is.
        assert sorted(written["all_ids"]) == sorted(sent)
        assert set(written["cards"]) == set(sent)

        voted = _stored(engine, self.vote_code)
        budget = voted["budget"]
        for phone, n in zip(self.voters, range(VOTERS), strict=True):
            name = f"Wähler {n}"
            stored = voted["votes"].get(name, {})
            spent = voted["spent"][name]
            assert spent == sum(stored.values()) <= budget
            # Each voter spent the whole budget: acknowledged, or stored with the reply lost.
            assert spent == budget
            assert len(phone.acked_votes) <= spent <= len(phone.acked_votes) + len(phone.lost_votes)
            for ack in phone.acked_votes:
                assert stored.get(ack["card"], 0) >= ack["dots"]
            assert {r["code"] for r in phone.refused} <= {"budget"}
            assert phone.board["me"]["votes"] == stored
            assert phone.board["me"]["dots_left"] == budget - spent

        for phone in self.writers + self.voters:
            stored = written if phone.code == self.write_code else voted
            shown = {card_id: card["text"] for card_id, card in phone.board["cards"].items()}
            assert shown == stored["cards"]
            # A fresh sync says the same as the board the phone kept.
            kept = phone.board
            phone.resync()
            assert phone.board["cards"].keys() == kept["cards"].keys()
            assert phone.board["me"] == kept["me"]


def _start(tmp_path, name, env=None):
    return LiveServer(tmp_path / name, env={**STORM, **(env or {})}).start()


def test_sigkill_in_a_storm_of_cards_and_dots_loses_nothing_acknowledged(tmp_path):
    server = _start(tmp_path, "crash")
    storm = None
    try:
        links = server.facilitator_links()
        codes = list(links)
        storm = Storm([server], (codes[2], codes[0]), links)
        storm.start()
        storm.wait_until_busy(cards=WRITERS * CARDS_EACH // 3, votes=VOTERS * 2)
        server.kill()
        killed_at = storm.acknowledged()
        time.sleep(0.5)
        server.start()
        storm.finish()
        assert storm.acknowledged()[0] > killed_at[0], "the storm was over before the kill"
        assert sum(p.reconnects for p in storm.writers + storm.voters) >= WRITERS
        storm.check(_database(server))
    finally:
        if storm is not None:
            storm.close()
        server.stop()
    assert server.errors_in_log() == [], server.log.read_text()


def _scale_env(redis_at: str) -> dict:
    return {"DATABASE_URL": postgres_schema("crash"), "REDIS_URL": redis_at}


@pytest.mark.postgres
def test_sigkill_of_one_of_two_processes_in_a_storm_loses_nothing_acknowledged(tmp_path):
    postgres_url(), redis_url()  # skip here, or fail under CI, without them
    env = _scale_env(redis_url())
    first = _start(tmp_path, "a", env)
    second = _start(tmp_path, "b", env)
    storm = None
    try:
        links = first.facilitator_links()
        codes = list(links)
        storm = Storm([first, second], (codes[2], codes[0]), links)
        storm.start()
        storm.wait_until_busy(cards=WRITERS * CARDS_EACH // 3, votes=VOTERS * 2)
        first.kill()
        time.sleep(0.5)
        first.start()
        storm.finish()
        storm.check(_database(first))
    finally:
        if storm is not None:
            storm.close()
        first.stop()
        second.stop()
    for server in (first, second):
        assert server.errors_in_log() == [], server.log.read_text()


def _subscribers(own_redis) -> int:
    import redis

    client = redis.Redis(port=own_redis.port)
    try:
        return dict(client.pubsub_numsub("flask-socketio")).get(b"flask-socketio", 0)
    finally:
        client.close()


@pytest.mark.postgres
def test_a_redis_restart_mid_storm_heals_by_resync(tmp_path, own_redis):
    postgres_url()
    env = _scale_env(own_redis.url)
    first = _start(tmp_path, "a", env)
    second = _start(tmp_path, "b", env)
    storm = None
    try:
        links = first.facilitator_links()
        codes = list(links)
        storm = Storm([first, second], (codes[2], codes[0]), links)
        storm.start()
        storm.wait_until_busy(cards=WRITERS * CARDS_EACH // 4, votes=VOTERS)
        own_redis.stop()
        time.sleep(1)
        own_redis.start()
        storm.finish()
        # Both processes subscribe again (their listeners retry with a back-off) ...
        deadline = time.monotonic() + 60
        while _subscribers(own_redis) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _subscribers(own_redis) == 2
        # ... and what is posted now on one process reaches the phones on the other.
        on_first = [p for p in storm.writers if p.server is first]
        on_second = [p for p in storm.writers if p.server is second]
        on_first[0].post_card("Nach dem Neustart von Redis")
        after = on_first[0].sent_cards[-1]
        deadline = time.monotonic() + 15
        while not all(after in p.seen for p in on_second) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(after in p.seen for p in on_second)
        for phone in storm.writers + storm.voters:
            phone.settle()
        storm.check(_database(first))
    finally:
        if storm is not None:
            storm.close()
        first.stop()
        second.stop()
