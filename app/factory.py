"""The application factory."""

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from app import cli, coordination, health, jobs, pages
from app import sockets as _sockets  # noqa: F401  refuses the default namespace
from app.extensions import babel, csrf, db, migrate, socketio
from app.facilitate import bp as facilitate_bp
from app.organize import bp as organize_bp
from app.organize import sockets as _event_area  # noqa: F401  the event-wide socket area
from app.organize.synthesis_routes import bp as synthesis_bp
from app.participant import bp as participant_bp
from app.projector import bp as projector_bp

# The socket handlers above are registered on import, before any init_app: an
# unbound SocketIO keeps them and hands them to every app it is bound to.

ROOT = Path(config.__file__).resolve().parent


def select_locale() -> str:
    """German unless the person chose English or their browser prefers it."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL for concurrent readers, FULL sync so an acknowledged card survives a power cut."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def _queue_manager(url: str | None) -> dict:
    """A Redis message queue whose publishes give up fast while Redis is away (see redis_options).

    No socket timeout: the listener waits on a quiet channel for as long as it is quiet.
    """
    if not url or not url.startswith(("redis://", "rediss://")):
        return {}
    import socketio as python_socketio

    manager = python_socketio.RedisManager(
        url, channel="flask-socketio", redis_options=coordination.redis_options()
    )
    return {"client_manager": manager}


def build_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app; ``test_config`` overrides settings for tests."""
    app = Flask(
        "app",
        instance_path=str(config.INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config.TestingConfig if test_config else config.Config)
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # An organizer adapts a page (the privacy notice, say) by putting a file of
    # the same name under instance/templates/; it takes precedence.
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(Path(app.instance_path) / "templates")), app.jinja_loader]
    )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.persistent_secret_key(Path(app.instance_path))
    if not app.config["PUBLIC_URL"]:
        app.config["PUBLIC_URL"] = f"http://{config.lan_address()}:{app.config['PORT']}"
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    coordination.init_app(app)
    jobs.init_app(app, socketio.start_background_task)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    socketio.init_app(
        app,
        # One socket's commands run one after another, in the order sent; a
        # burst from many sockets then interleaves with their acknowledgements.
        async_handlers=False,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        **_queue_manager(app.config["SOCKETIO_MESSAGE_QUEUE"]),
        max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
        ping_interval=20,
        ping_timeout=20,
    )

    app.register_blueprint(participant_bp)
    app.register_blueprint(facilitate_bp)
    app.register_blueprint(projector_bp)
    app.register_blueprint(organize_bp)
    app.register_blueprint(synthesis_bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
    pages.init_app(app)
    pages.init_error_pages(app)
    cli.init_app(app)
    return app
