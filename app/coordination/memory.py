"""Coordination for one server process, kept in its memory."""

import json
import threading
import time
from collections import deque
from collections.abc import Iterable

from app.coordination import Coordination

#: Beyond this many tracked clients, the limiter drops those with no recent failure.
_PRUNE_AT = 10_000


class MemoryCoordination(Coordination):
    """Plain dicts and sets behind one lock; correct only while a single process serves."""

    def __init__(self, secret: str | bytes):
        super().__init__(secret)
        self._lock = threading.Lock()
        #: Sids present per scope.
        self._present: dict[str, set[str]] = {}
        #: Monotonic times of recent failures per (bucket, client hash).
        self._failures: dict[tuple[str, str], deque[float]] = {}
        #: Marked keys per kind.
        self._marks: dict[str, set[str]] = {}
        #: Records by name, with the monotonic time they expire.
        self._records: dict[str, tuple[float, dict]] = {}

    def add(self, scope: str, sid: str) -> None:
        with self._lock:
            self._present.setdefault(scope, set()).add(sid)

    def remove(self, scope: str, sid: str) -> None:
        with self._lock:
            sids = self._present.get(scope)
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self._present[scope]

    def counts(self, scopes: Iterable[str]) -> dict[str, int]:
        with self._lock:
            return {scope: len(self._present.get(scope, ())) for scope in scopes}

    def _recent(self, bucket: str, client: str, window: float, now: float) -> deque[float]:
        stamps = self._failures.setdefault((bucket, self.client_hash(client)), deque())
        while stamps and stamps[0] <= now - window:
            stamps.popleft()
        return stamps

    def retry_after(self, bucket: str, client: str, limit: int, window: float = 60) -> int:
        now = time.monotonic()
        with self._lock:
            stamps = self._recent(bucket, client, window, now)
            if len(stamps) < limit:
                return 0
            # Trying is allowed again once all but limit - 1 failures have left the window.
            return max(1, int(stamps[-limit] + window - now) + 1)

    def fail(self, bucket: str, client: str, window: float = 60) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(bucket, client, window, now).append(now)
            if len(self._failures) > _PRUNE_AT:
                self._failures = {
                    k: v for k, v in self._failures.items() if v and v[-1] > now - window
                }

    def mark(self, kind: str, key: str | int) -> None:
        with self._lock:
            self._marks.setdefault(kind, set()).add(str(key))

    def take(self, kind: str) -> set[str]:
        with self._lock:
            return self._marks.pop(kind, set())

    def put(self, name: str, record: dict, ttl: float) -> None:
        now = time.monotonic()
        with self._lock:
            # A copy through JSON, so that memory behaves as Redis does.
            self._records[name] = (now + ttl, json.loads(json.dumps(record)))
            if len(self._records) > _PRUNE_AT:
                self._records = {k: v for k, v in self._records.items() if v[0] > now}

    def get(self, name: str) -> dict | None:
        with self._lock:
            expires, record = self._records.get(name, (0.0, None))
        return record if expires > time.monotonic() else None

    def start(self, spawn) -> None:
        """Nothing to keep up in one process."""

    def close(self) -> None:
        """Nothing to let go of."""
