"""A small in-memory limit on wrong join codes, so the short codes cannot be guessed by brute force.

The client address is used only as a salted hash in this process's memory,
never written anywhere, and forgotten after a minute.
"""

import hashlib
import secrets
import threading
import time
from collections import deque


class FailureLimiter:
    """Counts failures per client over a sliding minute."""

    def __init__(self, window: float = 60.0):
        self.window = window
        self._salt = secrets.token_bytes(16)
        self._failures: dict[bytes, deque] = {}
        self._lock = threading.Lock()

    def _key(self, client: str) -> bytes:
        return hashlib.blake2b(client.encode(), key=self._salt, digest_size=16).digest()

    def _recent(self, key: bytes, now: float) -> deque:
        stamps = self._failures.setdefault(key, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps

    def retry_after(self, client: str, limit: int) -> int:
        """Seconds the client must wait before trying again; 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            stamps = self._recent(self._key(client), now)
            if len(stamps) < limit:
                return 0
            return max(1, int(stamps[0] + self.window - now) + 1)

    def fail(self, client: str) -> None:
        """Record a wrong attempt."""
        now = time.monotonic()
        with self._lock:
            self._recent(self._key(client), now).append(now)
            if len(self._failures) > 10_000:
                self._failures = {k: v for k, v in self._failures.items() if v}


join_code_failures = FailureLimiter()
