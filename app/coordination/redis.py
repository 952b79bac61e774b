"""Coordination shared by several server processes through Redis.

Keys, all under the prefix:

- ``processes``: sorted set of live process ids, scored by when they expire;
- ``presence:<process>``: hash scope -> sockets of that process, with a TTL;
- ``fail:<bucket>:<client hash>``: sorted set of failure times, expiring after the window;
- ``mark:<kind>``: set of marked keys;
- ``record:<name>``: a JSON document with a TTL.

A process counts only while its heartbeat keeps it in ``processes``, so the
sockets of a process that died drop out after ``ttl`` seconds. Times are
wall-clock seconds, so the servers' clocks must agree to well within ``ttl``.

Redis may go away for a moment (a restart). What a command already committed
must not fail for that: presence and marks written on its way out are kept
in this process and written again (presence by the next heartbeat, marks by
this process's next ``take``), with a warning instead of an exception.
"""

import json
import logging
import math
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable

import redis
from flask import current_app, has_app_context

from app.coordination import Coordination, redis_options

#: Marked keys nobody took are forgotten after a day.
_MARK_TTL = 24 * 60 * 60

log = logging.getLogger(__name__)


class RedisCoordination(Coordination):
    """Presence per process with a heartbeat, limiter and marks as plain Redis structures."""

    def __init__(
        self, url: str, secret: str | bytes, prefix: str = "querschnitt:", ttl: float = 30
    ):
        super().__init__(secret)
        #: Prepended to every key, so that several apps (or tests) can share one Redis.
        self.prefix = prefix
        #: Seconds a process stays counted after its last heartbeat; it beats every ttl / 3.
        self.ttl = ttl
        #: This process, unique even when a pid is reused.
        self.process = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.redis = redis.Redis.from_url(
            url, decode_responses=True, **redis_options(socket_timeout=5)
        )
        self._lock = threading.Lock()
        #: Sids present per scope in this process: the truth the heartbeat republishes.
        self._present: dict[str, set[str]] = {}
        #: Marks Redis did not take (it was away), per kind: this process sends them itself.
        self._unsent: dict[str, set[str]] = {}
        self._stopped = threading.Event()
        self._task = None

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    # Presence

    def add(self, scope: str, sid: str) -> None:
        with self._lock:
            sids = self._present.setdefault(scope, set())
            if sid not in sids:
                sids.add(sid)
                self._publish(scope, len(sids))

    def remove(self, scope: str, sid: str) -> None:
        with self._lock:
            sids = self._present.get(scope)
            if sids is None or sid not in sids:
                return
            sids.discard(sid)
            if not sids:
                del self._present[scope]
            self._publish(scope, len(sids))

    def _publish(self, scope: str, count: int) -> None:
        """Write this process's count for one scope and renew its lease (caller holds the lock).

        Without Redis the count stays in ``_present``; the next heartbeat writes it.
        """
        key = self._key("presence", self.process)
        try:
            with self.redis.pipeline() as pipe:
                if count:
                    pipe.hset(key, scope, count)
                else:
                    pipe.hdel(key, scope)
                pipe.expire(key, math.ceil(self.ttl))
                pipe.zadd(self._key("processes"), {self.process: time.time() + self.ttl})
                pipe.execute()
        except redis.RedisError as exc:
            log.warning("presence not written, the next heartbeat retries: %s", exc)

    def counts(self, scopes: Iterable[str]) -> dict[str, int]:
        scopes = list(scopes)
        totals = dict.fromkeys(scopes, 0)
        if not scopes:
            return totals
        live = self.redis.zrangebyscore(self._key("processes"), time.time(), "+inf")
        with self.redis.pipeline(transaction=False) as pipe:
            for process in live:
                pipe.hmget(self._key("presence", process), scopes)
            for values in pipe.execute():
                for scope, value in zip(scopes, values, strict=True):
                    totals[scope] += int(value or 0)
        return totals

    def heartbeat(self) -> None:
        """Republish this process's presence, renew its lease and drop expired processes."""
        key = self._key("presence", self.process)
        now = time.time()
        with self._lock, self.redis.pipeline() as pipe:
            pipe.delete(key)
            if self._present:
                pipe.hset(key, mapping={s: len(sids) for s, sids in self._present.items()})
                pipe.expire(key, math.ceil(self.ttl))
            pipe.zadd(self._key("processes"), {self.process: now + self.ttl})
            pipe.zremrangebyscore(self._key("processes"), "-inf", now)
            pipe.execute()

    def start(self, spawn: Callable) -> None:
        """Beat now, then every ttl / 3 in a task started by ``spawn``."""
        self.heartbeat()
        app = current_app._get_current_object() if has_app_context() else None
        self._task = spawn(self._beat_forever, app)

    def _beat_forever(self, app) -> None:
        while not self._stopped.wait(self.ttl / 3):
            try:
                self.heartbeat()
            except redis.RedisError as exc:  # Redis away for a moment; the next beat repairs it
                (app.logger if app is not None else log).warning(
                    "coordination heartbeat failed: %s", exc
                )

    def close(self) -> None:
        """Stop the heartbeat, withdraw this process's presence and close the connections."""
        self._stopped.set()
        if self._task is not None:
            self._task.join()
            self._task = None
        try:
            with self.redis.pipeline() as pipe:
                pipe.delete(self._key("presence", self.process))
                pipe.zrem(self._key("processes"), self.process)
                pipe.execute()
        finally:
            self.redis.close()

    # Failure limiter

    def _failures_key(self, bucket: str, client: str) -> str:
        return self._key("fail", bucket, self.client_hash(client))

    def retry_after(self, bucket: str, client: str, limit: int, window: float = 60) -> int:
        key = self._failures_key(bucket, client)
        now = time.time()
        with self.redis.pipeline() as pipe:
            pipe.zremrangebyscore(key, "-inf", now - window)
            pipe.zcard(key)
            # Trying is allowed again once all but limit - 1 failures have left the window.
            pipe.zrevrange(key, limit - 1, limit - 1, withscores=True)
            _, count, nth = pipe.execute()
        if count < limit or not nth:
            return 0
        return max(1, int(nth[0][1] + window - now) + 1)

    def fail(self, bucket: str, client: str, window: float = 60) -> None:
        key = self._failures_key(bucket, client)
        now = time.time()
        with self.redis.pipeline() as pipe:
            pipe.zadd(key, {f"{now:.6f}:{uuid.uuid4().hex[:8]}": now})
            pipe.zremrangebyscore(key, "-inf", now - window)
            pipe.pexpire(key, math.ceil(window * 1000))
            pipe.execute()

    # Coalescing

    def mark(self, kind: str, key: str | int) -> None:
        name = self._key("mark", kind)
        try:
            with self.redis.pipeline() as pipe:
                pipe.sadd(name, str(key))
                pipe.expire(name, _MARK_TTL)
                pipe.execute()
        except redis.RedisError as exc:
            # The change is committed already; its coalesced send must not undo the reply.
            log.warning("mark %s %s kept in this process: %s", kind, key, exc)
            with self._lock:
                self._unsent.setdefault(kind, set()).add(str(key))

    def take(self, kind: str) -> set[str]:
        name = self._key("mark", kind)
        with self._lock:
            mine = self._unsent.pop(kind, set())
        try:
            # MULTI/EXEC: nothing runs between reading the set and deleting it.
            with self.redis.pipeline(transaction=True) as pipe:
                pipe.smembers(name)
                pipe.delete(name)
                members, _ = pipe.execute()
        except redis.RedisError as exc:
            log.warning("marks of %s not taken from redis: %s", kind, exc)
            return mine
        return set(members) | mine

    # Records

    def put(self, name: str, record: dict, ttl: float) -> None:
        self.redis.set(self._key("record", name), json.dumps(record), px=math.ceil(ttl * 1000))

    def get(self, name: str) -> dict | None:
        value = self.redis.get(self._key("record", name))
        return None if value is None else json.loads(value)
