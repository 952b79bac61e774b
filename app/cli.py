"""Command-line tasks: run the server, load a week, issue and revoke facilitator accesses."""

import socket
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import inspect, select

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
    for command in (
        run_command,
        load_week_command,
        facilitator_links_command,
        export_command,
        import_command,
        purge_event_command,
        purge_expired_command,
        create_organizer_command,
    ):
        app.cli.add_command(command)


def _ready_database() -> None:
    """Give a fresh installation its tables (and bring a migrated one up to date).

    An office creates its account, loads a week or imports an export before the
    first ``run``; without this the command ended in a traceback ("no such table").
    A database made without migrations (``db.create_all``, as the tests do) is left as it is.
    """
    tables = set(inspect(db.engine).get_table_names())
    if not tables or "alembic_version" in tables:
        upgrade()


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
    _ready_database()
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


def _event_by_slug(slug: str) -> Event:
    event = db.session.scalar(select(Event).filter_by(slug=slug))
    if event is None:
        raise click.ClickException(f"{slug}: diese Veranstaltung gibt es nicht")
    return event


#: The export formats: the builder of each, by name.
EXPORT_FORMATS = {
    "json": "build_json",
    "docx": "build_docx",
    "xlsx": "build_xlsx",
    "csv": "build_csv",
}


@click.command("export")
@click.argument("slug")
@click.option(
    "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="json", show_default=True
)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="File to write.")
@click.option("--locale", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option("--workshop", "workshop_slug", help="Only this workshop (docx, xlsx, csv).")
@click.option(
    "--with-names",
    is_flag=True,
    help="Keep participants' display names (default: pseudonymised, 'Teilnehmende 1', ...).",
)
@with_appcontext
def export_command(
    slug: str, fmt: str, out: Path, locale: str, workshop_slug: str | None, with_names: bool
) -> None:
    """Export an event: Word documentation, Excel, CSV of all cards, or the complete JSON zip."""
    from app.services import exports

    event = _event_by_slug(slug)
    options = {"locale": locale, "pseudonymise": not with_names}
    if workshop_slug:
        if fmt == "json":
            raise click.UsageError("--workshop gibt es nur für docx, xlsx und csv")
        workshop = db.session.scalar(
            select(Workshop).filter_by(event_id=event.id, slug=workshop_slug)
        )
        if workshop is None:
            raise click.ClickException(f"{workshop_slug}: diesen Workshop gibt es in {slug} nicht")
        options["workshop_id"] = workshop.id
    data = getattr(exports, EXPORT_FORMATS[fmt])(event.id, **options)
    out.write_bytes(data)
    names = "mit Namen" if with_names else "pseudonymisiert"
    click.echo(f"{out}: {fmt}, {len(data)} Bytes ({names})")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path) -> None:
    """Load a complete export (JSON zip) as a new event; prints the new facilitator links once."""
    from app.services.exports import ImportRefused, import_json

    _ready_database()
    try:
        result = import_json(path.read_bytes())
    except ImportRefused as exc:
        raise click.ClickException(str(exc)) from None
    rows = ", ".join(f"{name} {count}" for name, count in result.counts.items())
    click.echo(f"{result.slug}: importiert ({rows})")
    click.echo("Neue Beitrittslinks, Kurzcodes und Projektorlinks wurden erzeugt.")
    for access in result.accesses:
        click.echo(f"{access.short_code}  {access.workshop}  {access.name}")
        click.echo(f"    {_personal_link(access.token)}")
        if access.pin:
            click.echo(f"    PIN {access.pin}  (auf {_pin_page()})")
    if result.accesses:
        click.echo("Diese Links und PINs sind nur jetzt sichtbar.")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items())


@click.command("purge-event")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Really delete; without it, only show what would go.")
@with_appcontext
def purge_event_command(slug: str, yes: bool) -> None:
    """Delete an event and all its data for good (cards, votes, participants, log, accesses)."""
    from app.services.retention import purge_event, purge_plan

    event = _event_by_slug(slug)
    if not yes:
        click.echo(f"{slug} ({event.title}) würde gelöscht, endgültig:")
        for name, count in purge_plan(event.id).items():
            click.echo(f"    {name}: {count}")
        click.echo("Zum Löschen: --yes")
        return
    counts = purge_event(event.id)
    click.echo(f"{slug}: gelöscht ({_counts(counts)})")


@click.command("purge-expired")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Count from this day instead of today (YYYY-MM-DD).",
)
@with_appcontext
def purge_expired_command(today) -> None:
    """Delete every event past its retention period (for cron); print what was deleted.

    Export files older than a day are removed too.
    """
    from datetime import date

    from app.services.exports.jobs import clean_exports
    from app.services.retention import purge_expired

    day = today.date() if today else date.today()
    done = purge_expired(day)
    for slug, counts in done:
        click.echo(f"{slug}: gelöscht ({_counts(counts)})")
    click.echo(f"{len(done)} Veranstaltung(en) nach Ablauf der Aufbewahrungsfrist gelöscht.")
    removed = clean_exports()
    if removed:
        click.echo(f"{removed} alte Exportdatei(en) gelöscht.")


@click.command("create-organizer")
@click.option("--name", required=True, help="Shown on the pages, e.g. 'Koordinierungsstelle'.")
@click.option("--login", required=True, help="E-mail address or user name to log in with.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)."
)
@with_appcontext
def create_organizer_command(name: str, login: str, password_stdin: bool) -> None:
    """Create an organizer account: it reaches every event's overview, posters and exports."""
    import sys

    from app.services.errors import ServiceError
    from app.services.organizers import create_organizer

    _ready_database()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Passwort", hide_input=True, confirmation_prompt=True)
    try:
        organizer = create_organizer(login, name, password)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{organizer.login}: Zugang für {organizer.name} angelegt.")
