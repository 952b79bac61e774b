"""Presence, failure limiter, coalescing marks and records, in memory and in Redis."""

import threading
import time
import uuid

import pytest
import redis

from app import coordination
from app.coordination.memory import MemoryCoordination
from app.coordination.redis import RedisCoordination
from tests.conftest import redis_url

SECRET = "test-secret"


@pytest.fixture
def redis_stores():
    """Make RedisCoordination instances ("processes") under a key prefix of this test's own."""
    url = redis_url()
    prefix = f"test:{uuid.uuid4().hex}:"
    made = []

    def make(**options):
        store = RedisCoordination(url, SECRET, prefix=prefix, **options)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
    cleaner = redis.Redis.from_url(url)
    try:
        keys = list(cleaner.scan_iter(match=prefix + "*"))
        if keys:
            cleaner.delete(*keys)
    finally:
        cleaner.close()


@pytest.fixture(params=["memory", "redis"])
def store(request):
    """Each implementation in turn."""
    if request.param == "memory":
        return MemoryCoordination(SECRET)
    return request.getfixturevalue("redis_stores")()


# Both implementations


def test_presence_counts_sockets_per_scope(store):
    store.add("w:1:board", "a")
    store.add("w:1:board", "b")
    store.add("w:1:board", "b")
    store.add("w:1:staff", "c")
    assert store.count("w:1:board") == 2
    assert store.counts(["w:1:board", "w:1:staff", "w:2:board"]) == {
        "w:1:board": 2,
        "w:1:staff": 1,
        "w:2:board": 0,
    }
    store.remove("w:1:board", "a")
    store.remove("w:1:board", "unknown")
    store.remove("w:9:board", "a")
    assert store.counts(["w:1:board"]) == {"w:1:board": 1}
    store.remove("w:1:board", "b")
    assert store.count("w:1:board") == 0
    assert store.counts([]) == {}


def test_limiter_refuses_after_the_limit_until_the_window_passes(store):
    assert store.retry_after("join", "10.0.0.1", limit=3) == 0
    for _ in range(3):
        store.fail("join", "10.0.0.1")
    assert 59 <= store.retry_after("join", "10.0.0.1", limit=3) <= 61
    assert store.retry_after("join", "10.0.0.2", limit=3) == 0
    assert store.retry_after("other", "10.0.0.1", limit=3) == 0
    assert store.retry_after("join", "10.0.0.1", limit=4) == 0

    for _ in range(2):
        store.fail("short", "10.0.0.1", window=0.3)
    assert store.retry_after("short", "10.0.0.1", limit=2, window=0.3) == 1
    time.sleep(0.35)
    assert store.retry_after("short", "10.0.0.1", limit=2, window=0.3) == 0


def test_limiter_keeps_only_a_keyed_hash_of_the_client(store):
    store.fail("join", "203.0.113.7")
    digest = store.client_hash("203.0.113.7")
    assert digest == MemoryCoordination(SECRET).client_hash("203.0.113.7")
    assert digest != MemoryCoordination("another secret").client_hash("203.0.113.7")
    if isinstance(store, RedisCoordination):
        keys = store.redis.keys(store.prefix + "*")
        assert keys == [f"{store.prefix}fail:join:{digest}"]
        assert 0 < store.redis.pttl(keys[0]) <= 60_000
        assert "203.0.113.7" not in str(store.redis.zrange(keys[0], 0, -1))


def test_take_returns_each_marked_key_once(store):
    store.mark("tally", 12)
    store.mark("tally", "12")
    store.mark("tally", 13)
    store.mark("export", 12)
    assert store.take("tally") == {"12", "13"}
    assert store.take("tally") == set()
    assert store.take("export") == {"12"}


def test_records_are_json_and_expire(store):
    record = {"state": "running", "progress": 0.5, "result": [1, {"a": None}]}
    store.put("job:1", record, ttl=0.3)
    record["state"] = "changed after storing"
    assert store.get("job:1") == {"state": "running", "progress": 0.5, "result": [1, {"a": None}]}
    assert store.get("job:2") is None
    time.sleep(0.35)
    assert store.get("job:1") is None


def test_init_app_chooses_by_config(app):
    assert isinstance(coordination.init_app(app), MemoryCoordination)
    with app.app_context():
        assert coordination.current() is app.extensions["coordination"]
    app.config["REDIS_URL"] = redis_url()
    try:
        assert isinstance(coordination.init_app(app), RedisCoordination)
    finally:
        app.extensions.pop("coordination").close()


# Redis: several processes


def test_presence_sums_over_processes(redis_stores):
    one, two = redis_stores(), redis_stores()
    one.add("w:1:board", "a")
    one.add("w:1:board", "b")
    two.add("w:1:board", "c")
    two.add("w:1:staff", "d")
    two.remove("w:1:board", "a")  # another process's socket: not this one's to remove
    for process in (one, two):
        assert process.counts(["w:1:board", "w:1:staff"]) == {"w:1:board": 3, "w:1:staff": 1}
    two.close()
    assert one.counts(["w:1:board", "w:1:staff"]) == {"w:1:board": 2, "w:1:staff": 0}


def test_a_process_that_stops_beating_drops_out(redis_stores):
    alive, dying = redis_stores(ttl=0.6), redis_stores(ttl=0.6)
    alive.start(lambda fn, *args: _thread(fn, *args))
    alive.add("w:1:board", "a")
    dying.add("w:1:board", "b")
    assert alive.count("w:1:board") == 2
    time.sleep(1.0)  # alive beats every 0.2 s; dying never does
    assert alive.count("w:1:board") == 1
    assert dying.process not in alive.redis.zrange(alive.prefix + "processes", 0, -1)


def test_heartbeat_republishes_presence_after_redis_lost_it(redis_stores):
    one = redis_stores()
    one.add("w:1:board", "a")
    one.redis.delete(one.prefix + "presence:" + one.process, one.prefix + "processes")
    assert one.count("w:1:board") == 0
    one.heartbeat()
    assert one.count("w:1:board") == 1


def test_limiter_is_shared_between_processes(redis_stores):
    one, two = redis_stores(), redis_stores()
    one.fail("join", "10.0.0.1")
    two.fail("join", "10.0.0.1")
    assert one.retry_after("join", "10.0.0.1", limit=2) > 0
    assert two.retry_after("join", "10.0.0.1", limit=2) > 0


def test_take_racing_from_two_processes_neither_duplicates_nor_loses(redis_stores):
    marker, one, two = redis_stores(), redis_stores(), redis_stores()
    marked = [str(n) for n in range(2000)]
    taken = {id(one): [], id(two): []}
    done = threading.Event()

    def mark():
        for key in marked:
            marker.mark("tally", key)
        done.set()

    def take(process):
        while not done.is_set():
            taken[id(process)].extend(process.take("tally"))
        taken[id(process)].extend(process.take("tally"))

    threads = [_thread(mark), _thread(take, one), _thread(take, two)]
    for thread in threads:
        thread.join()
    together = taken[id(one)] + taken[id(two)]
    assert sorted(together, key=int) == marked
    assert taken[id(one)] and taken[id(two)]


def _thread(fn, *args) -> threading.Thread:
    thread = threading.Thread(target=fn, args=args, daemon=True)
    thread.start()
    return thread
