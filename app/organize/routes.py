"""The organizer's pages: login, the live overview, posters, downloads and deleting an event."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from babel.dates import format_timedelta
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
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from app import coordination, realtime
from app.extensions import db
from app.facilitate.actions import announce_options
from app.facilitate.forms import PHASE_LABELS
from app.facilitate.routes import join_link, public_url
from app.facilitate.sockets import close_console_sockets
from app.identity import current_organizer, log_in_organizer, log_out_organizer
from app.models import Event, FacilitatorAccess, Workshop
from app.models._types import utcnow
from app.organize import bp
from app.organize.forms import (
    AccessSheetForm,
    AccessSheetsForm,
    DeleteWorkshopForm,
    EventAccessesForm,
    EventForm,
    ExportForm,
    IssueAccessForm,
    LoginForm,
    LogoutForm,
    MoveWorkshopForm,
    PasswordForm,
    PurgeForm,
    RevokeAccessForm,
    WeekFileForm,
    WorkshopForm,
)
from app.qr import qr_svg
from app.services.access import issue_access, issue_event_accesses, revoke_access
from app.services.errors import ServiceError
from app.services.joining import workshop_by_code
from app.services.organizers import authenticate, change_password
from app.services.overview import ACTIVE_PHASES, QUIET_AFTER, event_overview
from app.services.retention import purge_event, purge_plan
from app.services.setup import (
    delete_workshop,
    move_workshop,
    save_event,
    save_workshop,
    week_file,
    workshop_plan,
)
from app.services.weeks import WeekFileError, apply_week, parse_week_text

LOGIN_BUCKET = "organizer_login"
#: The largest week file an upload may be (the Herne week is a few kilobytes).
WEEK_FILE_MAX = 256 * 1024

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
    "need": _l("Übergreifende Bedarfe"),
    "need_card": _l("Zuordnungen von Karten zu Bedarfen"),
    "dismissed_suggestion": _l("Verworfene Vorschläge der Synthese"),
    "synthesis_entry": _l("Einträge im Protokoll der Synthese"),
    "card_vector": _l("Berechnete Textmerkmale der Karten"),
}

#: The pages anyone may open: the login itself.
OPEN_ENDPOINTS = {"organize.login"}

#: Seconds a started export may take before the browser is sent to its status page instead.
QUICK_EXPORT_WAIT = 2.0


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
            "never": _("noch keine"),
            **export_texts(),
        },
        "quiet_after": QUIET_AFTER,
        "active_phases": sorted(ACTIVE_PHASES),
    }
    return render_template(
        "organize/overview.html",
        weeks=weeks,
        phase_labels={phase.value: label for phase, label in PHASE_LABELS.items()},
        page_config=texts,
        export_form=ExportForm(),
        ago=_ago,
    )


def _ago(seconds: int | None) -> str:
    """How long ago, as the overview shows it: "vor 3 Min." (the script counts on from there)."""
    if seconds is None:
        return _("noch keine")
    return format_timedelta(
        timedelta(seconds=-seconds),
        add_direction=True,
        format="short",
        threshold=1,
        locale=get_locale() or "de",
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


#: The poster's line for people without a smartphone (the console types paper cards in).
NO_PHONE = _l("Kein Handy? Schreib auf Papier – die Moderation trägt deine Karten und Punkte ein.")


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
        no_phone=NO_PHONE,
    )


def _poster_when(workshop: Workshop) -> str:
    """The day and hours as the poster prints them: "Montag, 4. Oktober 2021, 09:00–16:00 Uhr"."""
    parts = [format_date(workshop.day, format="full")] if workshop.day else []
    if workshop.starts_at and workshop.ends_at:
        parts.append(
            _(
                "%(start)s–%(end)s Uhr",
                start=workshop.starts_at.strftime("%H:%M"),
                end=workshop.ends_at.strftime("%H:%M"),
            )
        )
    elif workshop.starts_at:
        parts.append(_("ab %(start)s Uhr", start=workshop.starts_at.strftime("%H:%M")))
    return ", ".join(parts)


@bp.route("/w/<code>/plakat.pdf")
def poster_pdf(code):
    """The poster as a one-page A4 PDF made on the server, for printers that mangle web pages."""
    from app.services.poster_pdf import PosterText, build_poster_pdf

    workshop = _workshop(code)
    text = PosterText(
        kicker=workshop.event.title,
        title=workshop.title,
        when=_poster_when(workshop),
        room=_("Raum: %(room)s", room=workshop.room) if workshop.room else "",
        call=_("Mach mit – mit deinem Handy:"),
        link=join_link(workshop),
        step_address=_("QR-Code scannen oder die Adresse eintippen:"),
        address=public_url() + url_for("participant.join_by_code"),
        step_code=_("und diesen Code eingeben:"),
        code=workshop.short_code,
        note=_("Keine App, kein Konto. Dein Name ist freiwillig."),
        no_phone=NO_PHONE,
    )
    filename = f"plakat-{workshop.event.slug}-{workshop.slug}.pdf"
    return Response(
        build_poster_pdf(text),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _filename(event: Event, workshop: Workshop | None, extension: str) -> str:
    stem = event.slug if workshop is None else f"{event.slug}-{workshop.slug}"
    return f"querschnitt-{stem}.{extension}"


def export_texts() -> dict:
    """The texts of ``static/js/views/export.js``, for the page config of the pages using it."""
    return {
        "queued": _("Der Export wartet auf seinen Start …"),
        "running": _("Der Export läuft: {percent} %"),
        "done": _("Der Export ist fertig: {name}. Der Download beginnt."),
        "download": _("%(name)s herunterladen", name="{name}"),
        "failed": str(EXPORT_FAILED),
        "offline": _("Keine Verbindung zum Server. Neuer Versuch läuft …"),
    }


def _export_page(event: Event, form: ExportForm, status: int = 200):
    page_config = {"strings": export_texts()}
    return render_template(
        "organize/export.html", event=event, form=form, page_config=page_config
    ), status


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@bp.route("/e/<slug>/export", methods=["GET", "POST"])
def export(slug):
    """The download page: choose format, scope and language; posting starts a background job.

    A small export is usually done within moments: the browser gets the file at once.
    A bigger one leads to its status page, which shows the progress and then the file.
    """
    from app.services.exports.jobs import FORMATS, start_export, wait_briefly

    event = _event(slug)
    if request.method == "GET":
        # Links may preselect the format and the workshop; a wrong choice is refused.
        fmt = request.args.get("format", "docx")
        code = request.args.get("workshop", "")
        form = ExportForm(
            formdata=None, format=fmt, workshop=code, locale=request.args.get("locale", "de")
        ).for_event(event)
        codes = {choice.value for choice in form.workshop.choices}
        if fmt not in FORMATS or code not in codes or form.locale.data not in ("de", "en"):
            abort(400)
        return _export_page(event, form)
    form = ExportForm().for_event(event)
    if not form.validate_on_submit():
        if _wants_json():
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return {"ok": False, "error": " ".join(errors)}, 400
        return _export_page(event, form, 400)
    workshop = _workshop(form.workshop.data) if form.workshop.data else None
    fmt = form.format.data
    job_id = start_export(
        event.id,
        fmt,
        _filename(event, workshop, FORMATS[fmt][2]),
        workshop_id=workshop and workshop.id,
        locale=form.locale.data,
        pseudonymise=not form.names.data,
    )
    if _wants_json():
        return {
            "ok": True,
            "job": job_id,
            "status": url_for("organize.export_job_status", job_id=job_id),
            "page": url_for("organize.export_job", job_id=job_id),
        }
    done = wait_briefly(job_id, QUICK_EXPORT_WAIT)
    if done is not None and done["state"] == "done":
        return redirect(url_for("organize.export_file", job_id=job_id), 303)
    return redirect(url_for("organize.export_job", job_id=job_id), 303)


#: What a failed export tells the organizer (the job's own error goes to the log).
EXPORT_FAILED = _l(
    "Der Export ist fehlgeschlagen. Bitte starte ihn noch einmal; wenn es wieder nicht klappt, "
    "sag der technischen Betreuung Bescheid."
)
EXPORT_GONE = _l(
    "Diese Datei gibt es nicht mehr (Exporte werden nach einem Tag gelöscht). "
    "Bitte starte den Export neu."
)


def _export_status(job_id: str) -> dict:
    from app.services.exports.jobs import export_path, export_status

    status = export_status(job_id)
    if status is None:
        abort(404)
    view = {
        "state": status["state"],
        "progress": round(float(status.get("progress") or 0), 3),
        "message": status.get("message") or "",
        "file": None,
        "filename": None,
        "error": None,
    }
    if status["state"] == "done":
        path = export_path((status.get("result") or {}).get("file"))
        if path is None or not path.is_file():
            view.update(state="gone", error=str(EXPORT_GONE))
        else:
            view.update(
                file=url_for("organize.export_file", job_id=job_id),
                filename=status["result"]["filename"],
            )
    elif status["state"] == "failed":
        current_app.logger.warning("export job %s failed: %s", job_id, status.get("error"))
        view["error"] = str(EXPORT_FAILED)
    return view


@bp.route("/export/<job_id>")
def export_job(job_id):
    """An export's status page: progress while it runs (refreshing itself), then the file."""
    view = _export_status(job_id)
    page = render_template(
        "organize/export_job.html",
        job_id=job_id,
        job=view,
        page_config={"strings": export_texts()},
    )
    return Response(page, headers={"Cache-Control": "no-store"})


@bp.route("/export/<job_id>/stand")
def export_job_status(job_id):
    """An export's status as JSON, for the download page's script."""
    return _export_status(job_id), 200, {"Cache-Control": "no-store"}


@bp.route("/export/<job_id>/datei")
def export_file(job_id):
    """The finished export file; only organizers get here (see ``require_organizer``)."""
    from app.services.exports.jobs import export_path, export_status

    status = export_status(job_id)
    if status is None or status["state"] != "done":
        abort(404)
    result = status["result"]
    path = export_path(result.get("file"))
    if path is None or not path.is_file():
        view = {"state": "gone", "error": str(EXPORT_GONE), "progress": 1.0, "message": ""}
        page = render_template(
            "organize/export_job.html",
            job_id=job_id,
            job=view,
            page_config={"strings": export_texts()},
        )
        return page, 410
    return Response(
        path.read_bytes(),
        mimetype=result["mimetype"],
        headers={
            "Content-Disposition": f'attachment; filename="{result["filename"]}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/e/<slug>/bericht")
def report(slug):
    """The documentation of the week (or one workshop) as a print-ready page, like the Word file."""
    event = _event(slug)
    workshop = None
    if request.args.get("workshop"):
        workshop = _workshop(request.args["workshop"])
        if workshop.event_id != event.id:
            abort(400)
    from app.services.exports.data import kind_label, read_snapshot
    from app.services.exports.word import date_range

    locale = str(get_locale() or "de")
    data, needs = read_snapshot(event.id, workshop_id=workshop and workshop.id, locale=locale)
    page = render_template(
        "organize/report.html",
        data=data,
        needs=needs,
        when=date_range(data.days, locale),
        locale=locale,
        made=format_date(utcnow().date(), format="long"),
        full_date=lambda day: format_date(day, format="full"),
        kind_label=kind_label,
    )
    return Response(page, headers={"Cache-Control": "no-store"})


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


# ---- setting up a week ----


def _event_page(event: Event | None):
    form = EventForm(obj=None)
    if event is not None and not form.is_submitted():
        form.slug.data, form.title.data = event.slug, event.title
        form.description.data = event.description
        form.groups.data = "\n".join(
            f"{group.key} = {group.label('de')}" for group in event.stakeholder_groups
        )
        form.retention_days.data = event.retention_days
    status = 200
    if form.validate_on_submit():
        try:
            event = save_event(
                event,
                form.slug.data,
                form.title.data,
                form.description.data or "",
                form.group_list,
                form.retention_days.data,
            )
        except ServiceError as exc:
            form[exc.field or "slug"].errors.append(str(exc.message))
            status = 400
        else:
            flash(_("„%(title)s“ ist gespeichert.", title=event.title), "success")
            return redirect(url_for("organize.setup", slug=event.slug))
    elif form.is_submitted():
        status = 400
    return render_template("organize/event_form.html", form=form, event=event), status


@bp.route("/woche/neu", methods=["GET", "POST"])
def new_event():
    """Create a week in the browser: its short name, title, description and groups."""
    return _event_page(None)


@bp.route("/e/<slug>/bearbeiten", methods=["GET", "POST"])
def edit_event(slug):
    """Change a week's title, description and groups."""
    return _event_page(_event(slug))


@bp.route("/e/<slug>/einrichten")
def setup(slug):
    """A week's workshops, with the links to edit each, its poster and its accesses."""
    event = _event(slug)
    return render_template("organize/setup.html", event=event, move_form=MoveWorkshopForm())


@bp.post("/w/<code>/verschieben")
def move(code):
    """Move a workshop one place up or down in the week's programme (buttons, no dragging)."""
    workshop = _workshop(code)
    form = MoveWorkshopForm()
    if not form.validate_on_submit():
        abort(400)
    up = form.direction.data == "up"
    if move_workshop(workshop, -1 if up else 1):
        message = _("„%(title)s“ ist eine Stelle nach oben gerückt.", title=workshop.title)
        if not up:
            message = _("„%(title)s“ ist eine Stelle nach unten gerückt.", title=workshop.title)
        flash(message, "success")
    # Back to the button just used (or its pair at the top or bottom end of the list),
    # so a keyboard user goes on from there.
    workshops = workshop.event.workshops
    direction = form.direction.data
    if workshop is workshops[0]:
        direction = "down"
    elif workshop is workshops[-1]:
        direction = "up"
    anchor = f"move-{direction}-{workshop.short_code}"
    return redirect(url_for("organize.setup", slug=workshop.event.slug, _anchor=anchor))


@bp.route("/w/<code>/loeschen", methods=["GET", "POST"])
def delete_workshop_page(code):
    """Delete a workshop for good, after a confirmation that names what goes with it.

    A workshop that has cards or participants needs its short name typed.
    """
    workshop = _workshop(code)
    plan = workshop_plan(workshop.id)
    in_use = bool(plan["card"] or plan["membership"])
    form = DeleteWorkshopForm()
    status = 200
    if form.validate_on_submit():
        if not in_use or (form.slug.data or "").strip() == workshop.slug:
            event, title = workshop.event, workshop.title
            delete_workshop(workshop)
            flash(_("„%(title)s“ ist mit allen Daten gelöscht.", title=title), "success")
            return redirect(url_for("organize.setup", slug=event.slug))
        form.slug.errors.append(_("Der Kurzname stimmt nicht. Es wurde nichts gelöscht."))
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        "organize/delete_workshop.html",
        workshop=workshop,
        form=form,
        plan=plan,
        in_use=in_use,
        kind_labels=KIND_LABELS,
    ), status


def _workshop_page(event: Event, workshop: Workshop | None):
    form = WorkshopForm()
    if workshop is not None and not form.is_submitted():
        form.process(obj=workshop)
        form.facilitators.data = ", ".join(workshop.facilitators or [])
    status = 200
    if form.validate_on_submit():
        was_blind = bool(workshop.blind) if workshop is not None else False
        try:
            workshop, changed = save_workshop(
                event, workshop, form.values(), actor=g.organizer.name
            )
        except ServiceError as exc:
            db.session.rollback()
            form[exc.field or "title"].errors.append(str(exc.message))
            status = 400
        else:
            if changed:
                # A running workshop's screens learn the new options as from the console.
                announce_options(workshop, was_blind)
            flash(_("„%(title)s“ ist gespeichert.", title=workshop.title), "success")
            return redirect(url_for("organize.setup", slug=event.slug))
    elif form.is_submitted():
        status = 400
    return render_template(
        "organize/workshop_form.html", form=form, event=event, workshop=workshop
    ), status


@bp.route("/e/<slug>/workshop/neu", methods=["GET", "POST"])
def new_workshop(slug):
    """Add a workshop to the week."""
    return _workshop_page(_event(slug), None)


@bp.route("/w/<code>/bearbeiten", methods=["GET", "POST"])
def edit_workshop(code):
    """Change a workshop's title, time, room, facilitators and dots."""
    workshop = _workshop(code)
    return _workshop_page(workshop.event, workshop)


@bp.route("/woche/import", methods=["GET", "POST"])
def import_week():
    """Load a week file from the organizer's computer; a malformed one is refused whole."""
    form = WeekFileForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "woche.toml"
        try:
            text = upload.read(WEEK_FILE_MAX + 1)
            if len(text) > WEEK_FILE_MAX:
                raise WeekFileError(f"{name}: " + _("Die Datei ist zu groß."))
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise WeekFileError(f"{name}: " + _("Die Datei ist kein UTF-8-Text.")) from None
            result = apply_week(parse_week_text(text, name), source=name)
        except WeekFileError as exc:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(exc)]
            status = 400
        else:
            flash(
                _(
                    "„%(title)s“ ist geladen: %(created)s Workshops neu, %(updated)s geändert.",
                    title=result.event.title,
                    created=result.created,
                    updated=result.updated,
                ),
                "success",
            )
            return redirect(url_for("organize.setup", slug=result.event.slug))
    elif form.is_submitted():
        status = 400
    return render_template("organize/import.html", form=form), status


@bp.route("/e/<slug>/wochendatei")
def week_file_download(slug):
    """The week's set-up as a week file, to keep, edit or load elsewhere."""
    event = _event(slug)
    return Response(
        week_file(event),
        mimetype="application/toml",
        headers={
            "Content-Disposition": f'attachment; filename="{event.slug}.toml"',
            "Cache-Control": "no-store",
        },
    )


# ---- facilitator accesses ----


def _accesses_page(workshop: Workshop, form: IssueAccessForm, status: int = 200):
    accesses = db.session.scalars(
        select(FacilitatorAccess).filter_by(workshop_id=workshop.id).order_by(FacilitatorAccess.id)
    ).all()
    return render_template(
        "organize/accesses.html",
        workshop=workshop,
        accesses=accesses,
        form=form,
        revoke_form=RevokeAccessForm(),
    ), status


@bp.route("/w/<code>/zugaenge", methods=["GET", "POST"])
def accesses(code):
    """A workshop's facilitator accesses; a new link and PIN are shown on the next page once."""
    workshop = _workshop(code)
    form = IssueAccessForm()
    if form.validate_on_submit():
        try:
            access, token, pin = issue_access(workshop, form.name.data, pin=form.pin.data)
        except ServiceError as exc:
            form.name.errors.append(str(exc.message))
            return _accesses_page(workshop, form, 400)
        link = public_url() + url_for("facilitate.facilitator_link", token=token)
        page = render_template(
            "organize/access_issued.html",
            workshop=workshop,
            access=access,
            link=link,
            pin=pin,
            pin_address=public_url() + url_for("facilitate.pin_entry"),
            qr=_inline_qr(link, _("QR-Code des Moderationslinks")),
            sheet_form=AccessSheetForm(formdata=None, token=token, pin=pin or ""),
        )
        # The secrets are in this page only: no cache may keep it.
        return Response(page, headers={"Cache-Control": "no-store"})
    return _accesses_page(workshop, form, 400 if form.is_submitted() else 200)


@bp.post("/w/<code>/zugaenge/<int:access_id>/blatt.pdf")
def access_sheet_pdf(code, access_id):
    """The access sheet just shown, as a one-page A4 PDF made on the server.

    The page that issued the access posts the link's secret and the PIN back; they
    must be the ones of this active access (only their hashes are stored).
    """

    from app.services.poster_pdf import build_access_pdf

    workshop = _workshop(code)
    form = AccessSheetForm()
    access = db.session.get(FacilitatorAccess, access_id)
    if access is None or access.workshop_id != workshop.id:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    text = _checked_sheet(workshop, access, form.token.data, form.pin.data or None)
    filename = f"zugang-{workshop.event.slug}-{workshop.slug}-{access.id}.pdf"
    return _sheet_pdf(build_access_pdf(text), filename)


def _checked_sheet(workshop: Workshop, access: FacilitatorAccess, token: str, pin: str | None):
    """The text of an access sheet, if ``token`` and ``pin`` are this active access's own."""
    from werkzeug.security import check_password_hash

    from app.services.access import hash_token
    from app.services.poster_pdf import AccessSheetText

    if hash_token(token) != access.token_hash:
        abort(400)
    if pin and not (access.pin_hash and check_password_hash(access.pin_hash, pin)):
        abort(400)
    if not access.active:
        abort(410)
    link = public_url() + url_for("facilitate.facilitator_link", token=token)
    return AccessSheetText(
        kicker=workshop.event.title,
        title=_("Moderation: %(title)s", title=workshop.title),
        holder=_("Persönlicher Zugang für %(name)s", name=access.name),
        step_link=_("Dein Link zur Moderation (QR-Code scannen oder eintippen):"),
        link=link,
        step_pin=_(
            "Oder auf %(address)s den Workshop-Code und diese PIN eingeben:",
            address=public_url() + url_for("facilitate.pin_entry"),
        )
        if pin
        else "",
        code_and_pin=f"{workshop.short_code} · {pin}" if pin else "",
        note=_("Gib Link und PIN nicht weiter: Sie gehören nur dir."),
    )


def _sheet_pdf(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # The secrets are in this file: no cache may keep it.
            "Cache-Control": "no-store",
        },
    )


@bp.route("/e/<slug>/zugaenge", methods=["GET", "POST"])
def event_accesses(slug):
    """Every workshop's accesses at a glance; a new access for each, on sheets to hand out.

    Only hashes are stored, so a sheet of all links means issuing them: the page that
    follows shows each new link and PIN once, one A4 page per workshop when printed.
    """
    event = _event(slug)
    workshops = list(event.workshops)
    form = EventAccessesForm()
    if form.validate_on_submit():
        try:
            issued = issue_event_accesses(workshops, form.name.data, pin=form.pin.data)
        except ServiceError as exc:
            form.name.errors.append(str(exc.message))
        else:
            sheets = []
            for workshop, access, token, pin in issued:
                link = public_url() + url_for("facilitate.facilitator_link", token=token)
                sheets.append(
                    {
                        "workshop": workshop,
                        "access": access,
                        "token": token,
                        "link": link,
                        "pin": pin,
                        "qr": _inline_qr(
                            link, _("QR-Code des Moderationslinks: %(t)s", t=workshop.title)
                        ),
                    }
                )
            page = render_template(
                "organize/access_sheets.html",
                event=event,
                sheets=sheets,
                pin_address=public_url() + url_for("facilitate.pin_entry"),
                pdf_form=AccessSheetsForm(formdata=None),
            )
            return Response(page, headers={"Cache-Control": "no-store"})
    active = _active_accesses(workshops)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "organize/event_accesses.html",
        event=event,
        workshops=workshops,
        active=active,
        form=form,
    ), status


def _active_accesses(workshops: list[Workshop]) -> dict[int, list[FacilitatorAccess]]:
    found: dict[int, list[FacilitatorAccess]] = {w.id: [] for w in workshops}
    rows = db.session.scalars(
        select(FacilitatorAccess)
        .where(
            FacilitatorAccess.workshop_id.in_(list(found)),
            FacilitatorAccess.revoked_at.is_(None),
        )
        .order_by(FacilitatorAccess.id)
    )
    for access in rows:
        found[access.workshop_id].append(access)
    return found


@bp.post("/e/<slug>/zugaenge.pdf")
def event_access_sheets_pdf(slug):
    """The sheets just issued for the whole week, as one PDF, one A4 page per access."""
    from app.services.poster_pdf import build_access_pdf

    event = _event(slug)
    if not AccessSheetsForm().validate_on_submit():
        abort(400)
    ids, tokens = request.form.getlist("access"), request.form.getlist("token")
    pins = request.form.getlist("pin")
    if not ids or len(ids) != len(tokens) or len(pins) != len(ids) or len(ids) > 500:
        abort(400)
    texts = []
    for raw_id, token, pin in zip(ids, tokens, pins, strict=True):
        access = db.session.get(FacilitatorAccess, int(raw_id)) if raw_id.isdigit() else None
        if access is None or access.workshop.event_id != event.id:
            abort(404)
        texts.append(_checked_sheet(access.workshop, access, token, pin or None))
    return _sheet_pdf(build_access_pdf(*texts), f"zugaenge-{event.slug}.pdf")


@bp.post("/w/<code>/zugaenge/<int:access_id>/entziehen")
def revoke(code, access_id):
    """Take a facilitator's access away; their next step is refused."""
    workshop = _workshop(code)
    if not RevokeAccessForm().validate_on_submit():
        abort(400)
    access = db.session.get(FacilitatorAccess, access_id)
    if access is None or access.workshop_id != workshop.id:
        abort(404)
    revoke_access(access.id)
    close_console_sockets(access.id)
    flash(_("Der Zugang von %(name)s ist entzogen.", name=access.name), "success")
    return redirect(url_for("organize.accesses", code=workshop.short_code))
