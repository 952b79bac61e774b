"""The secrets and short codes that lead into a workshop."""

import secrets

#: Letters and digits nobody confuses when reading them off a projector (no 0/O, 1/I/L, U/V).
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
SHORT_CODE_LENGTH = 6


def new_token() -> str:
    """Return an unguessable URL-safe token of 256 bits."""
    return secrets.token_urlsafe(32)


def new_short_code() -> str:
    """Return a random short code (29^6, about 600 million codes)."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def normalise_short_code(typed: str) -> str | None:
    """Return the code as stored (case, spaces and dashes ignored), or None if it cannot be one."""
    if not isinstance(typed, str):
        return None
    code = "".join(ch for ch in typed.upper() if ch not in " -")
    if len(code) != SHORT_CODE_LENGTH or any(ch not in SHORT_CODE_ALPHABET for ch in code):
        return None
    return code
