"""State all server processes must agree on: presence, failure limits, coalescing marks, records.

One process (the default) keeps it in memory; several processes behind a
Redis message queue share it in Redis. ``init_app`` picks the implementation
from the config (``REDIS_URL`` or ``SOCKETIO_MESSAGE_QUEUE``) and
``current()`` returns it::

    store = coordination.current()
    store.add("w:12:board", request.sid)         # presence, on connect
    store.counts(["w:12:board", "w:12:staff"])   # {"w:12:board": 31, "w:12:staff": 2}
    store.retry_after("join_code", addr, limit=10)
    store.mark("tally", 12); store.take("tally")  # {"12"}, in exactly one process

Redis presence needs a heartbeat: ``store.start(socketio.start_background_task)``.
"""

import hmac
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from flask import Flask, current_app


class Coordination(ABC):
    """The interface both implementations provide."""

    def __init__(self, secret: str | bytes):
        if isinstance(secret, str):
            secret = secret.encode()
        #: Key for client hashes, derived from SECRET_KEY so that every process agrees.
        self._client_key = hmac.digest(secret, b"querschnitt coordination: client", "sha256")

    def client_hash(self, client: str) -> str:
        """Return the keyed hash that stands for a client address; the address is never kept."""
        return hmac.digest(self._client_key, client.encode(), "sha256")[:16].hex()

    # Presence: open sockets per scope ("w:12:board"), summed over all processes.

    @abstractmethod
    def add(self, scope: str, sid: str) -> None:
        """Count socket ``sid`` as present in ``scope``."""

    @abstractmethod
    def remove(self, scope: str, sid: str) -> None:
        """Stop counting ``sid`` in ``scope``; harmless if it was never added."""

    def count(self, scope: str) -> int:
        """Return the number of sockets present in ``scope``."""
        return self.counts([scope])[scope]

    @abstractmethod
    def counts(self, scopes: Iterable[str]) -> dict[str, int]:
        """Return the number of sockets present in each scope."""

    # Failure limiter: wrong attempts per (bucket, client) over a sliding window.

    @abstractmethod
    def retry_after(self, bucket: str, client: str, limit: int, window: float = 60) -> int:
        """Return the seconds ``client`` must wait before trying again; 0 when it may try now."""

    @abstractmethod
    def fail(self, bucket: str, client: str, window: float = 60) -> None:
        """Record a wrong attempt by ``client``."""

    # Coalescing: keys marked dirty, each taken by exactly one process.

    @abstractmethod
    def mark(self, kind: str, key: str | int) -> None:
        """Note that ``key`` (a workshop id, say) needs the ``kind`` of work (a tally, say)."""

    @abstractmethod
    def take(self, kind: str) -> set[str]:
        """Remove and return the keys marked for ``kind``; a key marked once is taken once."""

    # Records: small JSON documents any process can read (job status).

    @abstractmethod
    def put(self, name: str, record: dict, ttl: float) -> None:
        """Store a JSON-able ``record`` under ``name`` for ``ttl`` seconds."""

    @abstractmethod
    def get(self, name: str) -> dict | None:
        """Return the record stored under ``name``, or None."""

    # Lifecycle.

    @abstractmethod
    def start(self, spawn: Callable) -> None:
        """Start background upkeep with ``spawn(fn)`` (``socketio.start_background_task``)."""

    @abstractmethod
    def close(self) -> None:
        """Let go of this process's presence and connections."""


def redis_options(**extra) -> dict:
    """Options for a Redis client of this app: give up fast when Redis is away.

    redis-py's default retries a failed connection with a back-off of about
    4 s in all; under gevent that holds up the command that publishes, and so
    every command queued behind it. One immediate retry is enough to replace a
    connection a restarted Redis dropped; a connect gives up after 2 s.
    """
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": 2, "retry": Retry(NoBackoff(), 1), **extra}


def create(url: str | None, secret: str | bytes, prefix: str = "querschnitt:") -> Coordination:
    """Return the Redis implementation for a ``redis://`` URL, else the in-memory one."""
    if url and url.split(":", 1)[0] in ("redis", "rediss", "unix"):
        from app.coordination.redis import RedisCoordination

        return RedisCoordination(url, secret, prefix=prefix)
    from app.coordination.memory import MemoryCoordination

    return MemoryCoordination(secret)


def init_app(app: Flask) -> Coordination:
    """Choose the implementation for ``app`` (after SECRET_KEY is set) and keep it in extensions."""
    url = app.config.get("REDIS_URL") or app.config.get("SOCKETIO_MESSAGE_QUEUE")
    prefix = app.config.get("COORDINATION_PREFIX", "querschnitt:")
    previous = app.extensions.get("coordination")
    if previous is not None:
        previous.close()
    store = app.extensions["coordination"] = create(url, app.config["SECRET_KEY"], prefix)
    return store


def current() -> Coordination:
    """Return the current app's coordination, choosing it on first use."""
    store = current_app.extensions.get("coordination")
    if store is None:
        store = init_app(current_app._get_current_object())
    return store
