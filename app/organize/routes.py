"""The organizer's pages: login, the live overview, posters, downloads and deleting an event."""

import re
from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from app import coordination, realtime
from app.extensions import db
from app.facilitate.forms import PHASE_LABELS
from app.facilitate.routes import join_link, public_url
from app.identity import current_organizer, log_in_organizer, log_out_organizer
from app.models import Event, Workshop
from app.organize import bp
from app.organize.forms import ExportForm, LoginForm, LogoutForm, PasswordForm, PurgeForm
from app.qr import qr_svg
from app.services import exports
from app.services.errors import ServiceError
from app.services.joining import workshop_by_code
from app.services.organizers import authenticate, change_password
from app.services.overview import event_overview
from app.services.retention import purge_event, purge_plan

LOGIN_BUCKET = "organizer_login"

#: What each table of an event holds, as the confirmation before a purge names it.
KIND_LABELS = {
    "event": _l("Veranstaltung"),
    "stakeholder_group": _l("Gruppen (Akteur*innen)"),
    "workshop": _l("Workshops"),
    "participant": _l("Teilnehmende"),
    "membership": _l("Teilnahmen an Workshops"),
    "card": _l("Karten"),
    "vote": _l("Punkte"),
    "moderation_entry": _l("Einträge im Moderationsprotokoll"),
    "facilitator_access": _l("Zugänge für Moderierende"),
}

#: The pages anyone may open: the login itself.
OPEN_ENDPOINTS = {"organize.login"}

#: Each download format: its builder, mimetype and file extension.
DOWNLOADS = {
    "docx": (
        exports.build_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xlsx": (
        exports.build_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "csv": (exports.build_csv, "text/csv; charset=utf-8", "csv"),
    "json": (exports.build_json, "application/zip", "zip"),
}


@bp.before_request
def require_organizer():
    """Only a logged-in organizer passes; a page asked for by GET leads to the login instead."""
    g.organizer = current_organizer()
    if g.organizer is not None or request.endpoint in OPEN_ENDPOINTS:
        return None
    if request.method == "GET":
        return redirect(url_for("organize.login", next=request.full_path.rstrip("?")))
    abort(403)


@bp.context_processor
def organizer_context() -> dict:
    return {"organizer": g.get("organizer"), "logout_form": LogoutForm()}


def _safe_next(target: str | None) -> str:
    """Where to go after the login: only a path of the organizer's own pages."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith(bp.url_prefix):
        return url_for("organize.overview")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with an organizer account; wrong passwords are limited per client."""
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        store = coordination.current()
        client = request.remote_addr or "?"
        limit = current_app.config["ORGANIZER_LOGIN_ATTEMPTS_PER_MINUTE"]
        wait = store.retry_after(LOGIN_BUCKET, client, limit)
        if wait:
            form.password.errors.append(
                _("Zu viele falsche Versuche. Bitte warte %(s)s Sekunden.", s=wait)
            )
            status = 429
        else:
            organizer = authenticate(form.login.data, form.password.data)
            if organizer is not None:
                log_in_organizer(organizer)
                return redirect(_safe_next(form.next.data))
            store.fail(LOGIN_BUCKET, client)
            form.password.errors.append(
                _("Anmeldename oder Passwort stimmt nicht. Bitte prüfe beides.")
            )
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("organize/login.html", form=form), status


@bp.post("/logout")
def logout():
    """End the organizer's login (a participant's or facilitator's grants in this browser stay)."""
    if not LogoutForm().validate_on_submit():
        abort(400)
    log_out_organizer()
    flash(_("Du bist abgemeldet."), "success")
    return redirect(url_for("organize.login"))


@bp.route("/passwort", methods=["GET", "POST"])
def password():
    """Change the organizer's password; other browsers logged in with the old one are logged out."""
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            change_password(g.organizer, form.current.data, form.new.data)
        except ServiceError as exc:
            form.current.errors.append(str(exc.message))
            status = 400
        else:
            log_in_organizer(g.organizer)
            flash(_("Dein Passwort ist geändert."), "success")
            return redirect(url_for("organize.overview"))
    elif form.is_submitted():
        status = 400
    return render_template("organize/password.html", form=form), status


@bp.route("/")
def overview():
    """Every event and workshop at once, live: phase, phones, cards, dots."""
    events = db.session.scalars(select(Event).order_by(Event.created_at.desc(), Event.id)).all()
    weeks = [(event, event_overview(event.id, realtime.phones_connected)) for event in events]
    texts = {
        "phases": {phase.value: str(label) for phase, label in PHASE_LABELS.items()},
        "strings": {
            "online": _("Live: Die Zahlen werden laufend aktualisiert."),
            "offline": _("Keine Verbindung: Die Zahlen sind nicht aktuell. Neuer Versuch läuft."),
        },
    }
    return render_template(
        "organize/overview.html",
        weeks=weeks,
        phase_labels={phase.value: label for phase, label in PHASE_LABELS.items()},
        page_config=texts,
        export_form=ExportForm(),
    )


def _workshop(code: str) -> Workshop:
    workshop = workshop_by_code(code)
    if workshop is None:
        abort(404)
    return workshop


def _event(slug: str) -> Event:
    event = db.session.scalar(select(Event).filter_by(slug=slug))
    if event is None:
        abort(404)
    return event


def _inline_qr(data: str, label: str) -> Markup:
    """The QR code as SVG inside the page, sized by the print CSS and named for screen readers."""
    svg = qr_svg(data).decode()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', "<svg", svg, count=1)
    label = str(Markup.escape(label))
    return Markup(svg.replace("<svg", f'<svg class="poster-qr" role="img" aria-label="{label}"', 1))


@bp.route("/w/<code>/plakat")
def poster(code):
    """A printable A4 poster for the workshop's room: QR code, short code, the address to type."""
    workshop = _workshop(code)
    link = join_link(workshop)
    day = format_date(workshop.day, format="full") if workshop.day else ""
    return render_template(
        "organize/poster.html",
        workshop=workshop,
        day=day,
        qr=_inline_qr(link, _("QR-Code zum Mitmachen: %(link)s", link=link)),
        join_address=public_url() + url_for("participant.join_by_code"),
    )


def _filename(event: Event, workshop: Workshop | None, extension: str) -> str:
    stem = event.slug if workshop is None else f"{event.slug}-{workshop.slug}"
    return f"querschnitt-{stem}.{extension}"


@bp.route("/e/<slug>/export")
def export(slug):
    """Download the event's (or one workshop's) results as Word, Excel, CSV or the complete zip."""
    event = _event(slug)
    form = ExportForm(request.args)
    if not form.validate():
        abort(400)
    build, mimetype, extension = DOWNLOADS[form.format.data]
    options = {"locale": form.locale.data, "pseudonymise": not form.names.data}
    workshop = None
    if request.args.get("workshop"):
        workshop = _workshop(request.args["workshop"])
        if workshop.event_id != event.id or form.format.data == "json":
            abort(400)
        options["workshop_id"] = workshop.id
    data = build(event.id, **options)
    filename = _filename(event, workshop, extension)
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/e/<slug>/loeschen", methods=["GET", "POST"])
def purge(slug):
    """Delete an event and all its data for good, after the organizer typed its short name."""
    event = _event(slug)
    form = PurgeForm()
    status = 200
    if form.validate_on_submit():
        if form.slug.data.strip() == event.slug:
            title = event.title
            purge_event(event.id)
            flash(_("„%(title)s“ ist mit allen Daten endgültig gelöscht.", title=title), "success")
            return redirect(url_for("organize.overview"))
        form.slug.errors.append(_("Der Kurzname stimmt nicht. Es wurde nichts gelöscht."))
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        "organize/purge.html",
        event=event,
        form=form,
        plan=purge_plan(event.id),
        kind_labels=KIND_LABELS,
    ), status
