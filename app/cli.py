"""Command-line tasks: run the server, load a week, print facilitator links."""

import socket
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from app import coordination
from app.extensions import db, socketio
from app.models import Event, Workshop


def _create_app():
    from app import create_app

    return create_app()


cli = FlaskGroup(
    create_app=_create_app,
    add_default_commands=False,
    help="Querschnitt – die Werkstattwoche eines Beteiligungsprozesses.",
)
cli.add_command(shell_command)
cli.add_command(routes_command)


def init_app(app) -> None:
    """Register the commands on the app (``flask --app app`` finds them too)."""
    for command in (run_command, load_week_command, facilitator_links_command):
        app.cli.add_command(command)


def _load(path: Path) -> None:
    from app.services.weeks import WeekFileError, load_week

    try:
        result = load_week(path)
    except WeekFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{result.event.title}: {len(result.event.workshops)} Workshops "
        f"({result.created} neu, {result.updated} geändert)"
    )


@click.command("load-week")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def load_week_command(path: Path) -> None:
    """Load a workshop week from a TOML file; loading it again changes nothing."""
    _load(path)


def facilitator_links() -> list[tuple[Workshop, str]]:
    """Return each workshop with its facilitator link."""
    base = current_app.config["PUBLIC_URL"]
    workshops = db.session.scalars(select(Workshop).order_by(Workshop.event_id, Workshop.position))
    with current_app.test_request_context():
        return [
            (w, base + url_for("facilitate.facilitator_link", token=w.facilitator_token))
            for w in workshops
        ]


@click.command("facilitator-links")
@click.option(
    "--renew",
    "renew",
    metavar="CODE",
    multiple=True,
    help="Give this workshop a new link; whoever holds the old one loses access at once.",
)
@with_appcontext
def facilitator_links_command(renew: tuple[str, ...]) -> None:
    """Print the secret facilitator link of every workshop (give each to its facilitators)."""
    from app.services.joining import workshop_by_code
    from app.services.tokens import new_token

    for code in renew:
        workshop = workshop_by_code(code)
        if workshop is None:
            raise click.ClickException(f"{code}: diesen Workshop-Code gibt es nicht")
        workshop.facilitator_token = new_token()
    db.session.commit()
    for workshop, link in facilitator_links():
        click.echo(f"{workshop.short_code}  {workshop.title}\n    {link}")


@click.command("run")
@click.option("--host", default=None, help="Address to listen on (default HOST or 0.0.0.0).")
@click.option("--port", default=None, type=int, help="Port (default PORT or 5000).")
@click.option("--demo", is_flag=True, help="Load the demo week into an empty database.")
@click.option(
    "--week",
    "week",
    type=click.Path(path_type=Path),
    default=None,
    help="Load this week file before serving; loading it again changes nothing.",
)
@with_appcontext
def run_command(host: str | None, port: int | None, demo: bool, week: Path | None) -> None:
    """Migrate the database and serve the app where the phones in the room can reach it."""
    app = current_app._get_current_object()
    host = host or app.config["HOST"]
    port = port or app.config["PORT"]
    upgrade()
    if demo and db.session.scalar(select(Event.id).limit(1)) is None:
        _load(app.config["DEMO_WEEK"])
    if week is not None:
        _load(week)
    for workshop, link in facilitator_links():
        click.echo(f"Moderation {workshop.short_code} {workshop.title}: {link}")
    click.echo(f"Querschnitt läuft: {app.config['PUBLIC_URL']}  (lauscht auf {host}:{port})")
    db.session.remove()
    # Count this process's screens in the shared presence for as long as it serves.
    coordination.current().start(socketio.start_background_task)
    serve(app, host, port)


def serve(app, host: str, port: int) -> None:
    """Serve HTTP and WebSocket with gevent, replying without Nagle's delay."""
    if app.config["SOCKETIO_ASYNC_MODE"] != "gevent":
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
        return
    from gevent.pywsgi import WSGIHandler, WSGIServer

    class NoDelayHandler(WSGIHandler):
        """Sends small frames at once: Nagle adds ~40 ms to an ack that follows a broadcast."""

        def __init__(self, sock, address, server, rfile=None):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().__init__(sock, address, server, rfile)

    server = WSGIServer((host, port), app, handler_class=NoDelayHandler, log=None)
    server.serve_forever()
