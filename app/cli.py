"""Command-line tasks: run the server, load a week, issue and revoke facilitator accesses."""

import socket
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from app import coordination
from app.extensions import db, socketio
from app.models import Event, FacilitatorAccess, Workshop


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


def _personal_link(token: str) -> str:
    base = current_app.config["PUBLIC_URL"]
    with current_app.test_request_context():
        return base + url_for("facilitate.facilitator_link", token=token)


def issue_missing_links(name: str = "Moderation") -> list[tuple[Workshop, str]]:
    """Issue an access named ``name`` to every workshop that has no active one; return the links.

    Only a hash of each link is stored, so a link can be printed only when it is issued.
    """
    from app.services.access import active_accesses, issue_access

    workshops = db.session.scalars(select(Workshop).order_by(Workshop.event_id, Workshop.position))
    issued = []
    for workshop in workshops:
        if not active_accesses(workshop):
            _access, token, _pin = issue_access(workshop, name)
            issued.append((workshop, _personal_link(token)))
    return issued


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _list_accesses() -> None:
    workshops = db.session.scalars(select(Workshop).order_by(Workshop.event_id, Workshop.position))
    for workshop in workshops:
        click.echo(f"{workshop.short_code}  {workshop.title}")
        accesses = db.session.scalars(
            select(FacilitatorAccess)
            .filter_by(workshop_id=workshop.id)
            .order_by(FacilitatorAccess.id)
        ).all()
        if not accesses:
            click.echo("    (kein Zugang)")
        for access in accesses:
            state = "aktiv" if access.active else f"zurückgezogen {_when(access.revoked_at)}"
            pin = ", mit PIN" if access.pin_hash else ""
            click.echo(
                f"    #{access.id}  {access.name}  seit {_when(access.created_at)}  {state}{pin}"
            )


@click.command("facilitator-links")
@click.option("--issue", "issue", metavar="CODE", help="Give this workshop a new named access.")
@click.option("--name", "name", help="Who gets it (with --issue), e.g. 'Aylin (Moderation)'.")
@click.option("--pin", is_flag=True, help="Also give the access a six-digit PIN (with --issue).")
@click.option(
    "--revoke",
    "revoke",
    metavar="ID",
    type=int,
    multiple=True,
    help="Take this access away; its holder loses the console at the next step.",
)
@click.option(
    "--issue-missing",
    is_flag=True,
    help="Give every workshop without an active access one named 'Moderation'.",
)
@with_appcontext
def facilitator_links_command(
    issue: str | None, name: str | None, pin: bool, revoke: tuple[int, ...], issue_missing: bool
) -> None:
    """List the facilitators' accesses; issue (links and PINs are shown once) and revoke them."""
    from app.facilitate.sockets import close_console_sockets
    from app.services.access import issue_access, revoke_access
    from app.services.errors import ServiceError
    from app.services.joining import workshop_by_code

    if (name or pin) and not issue:
        raise click.UsageError("--name und --pin gehören zu --issue")
    try:
        for access_id in revoke:
            access = revoke_access(access_id)
            close_console_sockets(access.id)
            click.echo(f"Zugang #{access.id} ({access.name}) zurückgezogen")
        if issue:
            workshop = workshop_by_code(issue)
            if workshop is None:
                raise click.ClickException(f"{issue}: diesen Workshop-Code gibt es nicht")
            if not name:
                raise click.UsageError("--issue braucht --name, z. B. --name 'Aylin (Moderation)'")
            access, token, plain_pin = issue_access(workshop, name, pin=pin)
            click.echo(f"{workshop.short_code}  {workshop.title}\n    {_personal_link(token)}")
            if plain_pin:
                click.echo(f"    PIN {plain_pin}  (auf {_pin_page()})")
            click.echo(f"    Zugang #{access.id} für {access.name}: nur jetzt sichtbar")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    if issue_missing:
        for workshop, link in issue_missing_links():
            click.echo(f"{workshop.short_code}  {workshop.title}\n    {link}")
    if not (revoke or issue or issue_missing):
        _list_accesses()


def _pin_page() -> str:
    with current_app.test_request_context():
        return current_app.config["PUBLIC_URL"] + url_for("facilitate.pin_entry")


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
    # Links are stored only as hashes: a workshop's first link is printed once, when it is issued.
    for workshop, link in issue_missing_links():
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
