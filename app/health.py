"""GET /health: whether this process can reach its database and its message queue.

For a load balancer or a monitor: HTTP 200 when everything this process needs
answers, 503 when the database or a configured Redis does not. The reply
names backends and revisions, never a URL, host or password::

    {"status": "ok", "version": "0.1.0",
     "database": {"status": "ok", "backend": "postgresql",
                  "schema": "e1f0a7b3c9d2", "schema_head": "e1f0a7b3c9d2"},
     "message_queue": {"status": "ok"},        # "none" for one process without Redis
     "coordination": {"backend": "redis", "status": "ok"}}
"""

from importlib import metadata

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app import coordination
from app.coordination import redis_options
from app.coordination.memory import MemoryCoordination
from app.extensions import db

bp = Blueprint("health", __name__)

#: Seconds a check may take before its service counts as down.
TIMEOUT = 3


@bp.get("/health")
@bp.get("/healthz")
def health():
    database = _database()
    queue_url = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    message_queue = {"status": _redis_status(queue_url) if queue_url else "none"}
    if isinstance(coordination.current(), MemoryCoordination):
        shared = {"backend": "memory", "status": "ok"}
    else:
        shared_url = current_app.config.get("REDIS_URL") or queue_url
        shared = {"backend": "redis", "status": _redis_status(shared_url)}
    healthy = all(part["status"] in ("ok", "none") for part in (database, message_queue, shared))
    reply = jsonify(
        status="ok" if healthy else "error",
        version=_version(),
        database=database,
        message_queue=message_queue,
        coordination=shared,
    )
    reply.status_code = 200 if healthy else 503
    reply.headers["Cache-Control"] = "no-store"
    return reply


def _database() -> dict:
    """A real round trip (``SELECT 1``) on a connection of the pool, and the schema revision."""
    found = {"status": "ok", "backend": db.engine.dialect.name}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            found["schema"] = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:  # noqa: BLE001 - any failure means the database is not usable
        current_app.logger.warning("health: database unreachable: %s", type(exc).__name__)
        return {"status": "down", "backend": found["backend"]}
    found["schema_head"] = _schema_head()
    return found


def _schema_head() -> str | None:
    """The newest migration this code brings; differs from ``schema`` before ``upgrade``."""
    heads = current_app.extensions.setdefault("health_schema_head", [])
    if not heads:
        directory = current_app.extensions["migrate"].directory
        heads.append(ScriptDirectory(directory).get_current_head())
    return heads[0]


def _redis_status(url: str) -> str:
    """Ping the Redis at ``url`` with a client of its own that gives up after TIMEOUT."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    clients = current_app.extensions.setdefault("health_redis", {})
    if url not in clients:
        clients[url] = redis.Redis.from_url(
            url, **redis_options(socket_timeout=TIMEOUT, retry=Retry(NoBackoff(), 0))
        )
    try:
        clients[url].ping()
    except Exception as exc:  # noqa: BLE001 - refused, timed out, wrong password: all "down"
        current_app.logger.warning("health: redis unreachable: %s", type(exc).__name__)
        return "down"
    return "ok"


def _version() -> str:
    try:
        return metadata.version("querschnitt")
    except metadata.PackageNotFoundError:
        return "unknown"
