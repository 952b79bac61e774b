"""The scale path: two server processes on one PostgreSQL, joined by a Redis message queue."""

import uuid

import pytest

from tests.conftest import postgres_url, redis_url
from tests.live import LiveServer, Phone

pytestmark = [pytest.mark.server, pytest.mark.postgres]


@pytest.fixture
def two_servers(tmp_path):
    database = postgres_url()
    env = {"DATABASE_URL": database, "REDIS_URL": redis_url()}
    _empty_database(database)
    first = LiveServer(tmp_path / "a", env=env).start()
    second = LiveServer(tmp_path / "b", env=env)
    second.start()
    yield first, second
    for server in (first, second):
        server.stop()
        assert server.errors_in_log() == [], server.log.read_text()


def _empty_database(url):
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def test_a_card_posted_on_one_process_reaches_a_phone_on_the_other(two_servers, screens):
    first, second = two_servers
    code = next(iter(first.facilitator_links()))
    on_first, on_second = Phone(first), Phone(second)
    on_first.join_by_code(code)
    on_second.join_by_code(code)
    a = screens(first, on_first.cookie, code).connect()
    b = screens(second, on_second.cookie, code).connect()
    card = {"id": str(uuid.uuid4()), "kind": "problem", "text": "Über zwei Prozesse"}
    assert a.call("post_card", card)["ok"]
    assert [e["card"]["id"] for e in b.wait_for("card_posted")] == [card["id"]]
    assert [c["id"] for c in b.call("sync")["board"]["cards"]] == [card["id"]]
