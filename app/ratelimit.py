"""A limit on wrong join codes, so that the short codes cannot be guessed by brute force.

The count is kept by the process-wide seam (:mod:`app.coordination`), so with
several server processes a client gets the same few guesses a minute in all
of them together. The client address is used only as a keyed hash.
"""

from flask import current_app

from app import coordination

BUCKET = "join_code"


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
    from app.services.joining import workshop_by_code

    store = coordination.current()
    limit = current_app.config["JOIN_CODE_ATTEMPTS_PER_MINUTE"]
    wait = store.retry_after(BUCKET, client, limit)
    if wait:
        raise TooManyGuesses(wait)
    workshop = workshop_by_code(code)
    if workshop is None:
        store.fail(BUCKET, client)
    return workshop
