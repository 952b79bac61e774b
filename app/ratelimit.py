"""Limits on wrong join codes and facilitator PINs, so that neither can be guessed by brute force.

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


PIN_BUCKET = "facilitator_pin"


def find_access_by_pin(code: str, pin: str, client: str):
    """Return the active facilitator access a workshop code and PIN name, counting misses.

    Wrong PINs count against the client, over all workshops and per typed
    code, never against the workshop: a guesser elsewhere does not lock the
    real facilitator out. A wrong code counts like a wrong PIN, and both
    answer alike.
    """
    from app.services.access import access_by_pin
    from app.services.joining import workshop_by_code
    from app.services.tokens import normalise_short_code

    store = coordination.current()
    config = current_app.config
    per_code = f"{PIN_BUCKET}:{normalise_short_code(code) or '?'}"
    wait = max(
        store.retry_after(PIN_BUCKET, client, config["FACILITATOR_PIN_ATTEMPTS_PER_MINUTE"]),
        store.retry_after(per_code, client, config["FACILITATOR_PIN_ATTEMPTS_PER_CODE"]),
    )
    if wait:
        raise TooManyGuesses(wait)
    access = access_by_pin(workshop_by_code(code), pin)
    if access is None:
        store.fail(PIN_BUCKET, client)
        store.fail(per_code, client)
    return access
