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


class TooManyGuesses(Exception):
    """A client typed too many wrong codes; it may try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def find_workshop(code: str, client: str):
    """Look up a workshop by its short code, counting wrong codes against the client.

    Every path that tells a right code from a wrong one goes through here, so
    all of them together allow only a few guesses a minute.
    """
    from flask import current_app

    from app.services.joining import workshop_by_code

    limit = current_app.config["JOIN_CODE_ATTEMPTS_PER_MINUTE"]
    wait = join_code_failures.retry_after(client, limit)
    if wait:
        raise TooManyGuesses(wait)
    workshop = workshop_by_code(code)
    if workshop is None:
        join_code_failures.fail(client)
    return workshop
