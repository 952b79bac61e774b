"""Redis away for a moment: what a committed command writes on its way out does not fail it."""

from app.coordination.redis import RedisCoordination


def test_presence_and_marks_written_while_redis_is_away_arrive_when_it_is_back(own_redis):
    first = RedisCoordination(own_redis.url, "geheim")
    other = RedisCoordination(own_redis.url, "geheim")
    try:
        first.add("w:1:board", "a")
        first.mark("tally", 1)
        own_redis.stop()
        # Neither raises: the command that caused them has been committed already.
        first.add("w:1:board", "b")
        first.remove("w:1:board", "a")
        first.add("w:1:board", "c")
        first.mark("tally", 2)
        first.mark("presence", 1)
        # This process sends what it could not hand over.
        assert first.take("presence") == {"1"}
        first.mark("presence", 1)
        own_redis.start()  # empty: a restart without persistence forgets everything
        assert other.counts(["w:1:board"]) == {"w:1:board": 0}
        first.heartbeat()
        assert other.counts(["w:1:board"]) == {"w:1:board": 2}
        assert first.take("tally") == {"2"}
        assert first.take("presence") == {"1"}
        assert first.take("presence") == set()
    finally:
        for store in (first, other):
            if own_redis.ping():
                store.close()
