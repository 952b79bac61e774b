"""The facilitator's pages: the facilitator link and the console (works without JavaScript)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import texts
from app.actions import perform
from app.client_config import client_config
from app.extensions import db
from app.facilitate import actions, bp
from app.facilitate.forms import PHASE_LABELS, PhaseForm, PinForm
from app.identity import facilitator_access, grant_facilitator, is_facilitator
from app.models import FacilitatorAccess, Membership, Phase, Workshop
from app.models.screens import Screen
from app.ratelimit import TooManyGuesses, find_access_by_pin
from app.services.access import access_by_token
from app.services.errors import ServiceError
from app.services.joining import workshop_by_code


def public_url() -> str:
    """The address phones reach this server at, as printed in QR codes."""
    return current_app.config["PUBLIC_URL"]


def join_link(workshop: Workshop) -> str:
    """The link in the workshop's QR code."""
    return public_url() + url_for("participant.join", token=workshop.join_token)


def projector_link(workshop: Workshop) -> str:
    """The projector's read-only link."""
    return public_url() + url_for("projector.wall", token=workshop.projector_token)


def _facilitated_workshop(code: str) -> Workshop:
    """The workshop this browser facilitates; a wrong code and no right are answered alike."""
    workshop = workshop_by_code(code)
    if workshop is None or not is_facilitator(workshop):
        abort(403)
    return workshop


def _enter(access: FacilitatorAccess):
    grant_facilitator(access)
    return redirect(url_for("facilitate.console", code=access.workshop.short_code))


@bp.route("/f/<token>")
def facilitator_link(token):
    """Open a facilitator's personal link: this browser may now run the workshop."""
    access = access_by_token(token)
    if access is None:
        abort(404)
    if not access.active:
        return render_template(
            "error.html",
            status=403,
            title=_("Kein Zugang"),
            message=_("Dieser Zugang wurde zurückgezogen."),
        ), 403
    return _enter(access)


@bp.route("/moderation", methods=["GET", "POST"])
def pin_entry():
    """Type the workshop's code and a personal PIN instead of opening the personal link."""
    form = PinForm(code=request.args.get("code", ""))
    status = 200
    if form.validate_on_submit():
        try:
            access = find_access_by_pin(form.code.data, form.pin.data, request.remote_addr or "?")
        except TooManyGuesses as exc:
            form.pin.errors.append(
                _("Zu viele falsche Versuche. Bitte warte %(s)s Sekunden.", s=exc.retry_after)
            )
            status = 429
        else:
            if access is not None:
                return _enter(access)
            form.pin.errors.append(_("Code oder PIN stimmt nicht. Bitte prüfe beides."))
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("facilitate/pin.html", form=form), status


def console_config(workshop: Workshop) -> dict:
    """What the console's script needs from the server."""
    return client_config(
        workshop, Screen.CONSOLE, {"workshop": workshop.short_code}, texts.console_texts()
    )


@bp.route("/w/<code>/facilitate", methods=["GET", "POST"])
def console(code):
    """Run the workshop: phases, who has joined, the live board."""
    workshop = _facilitated_workshop(code)
    if request.method == "POST":
        ctx = actions.ConsoleContext(workshop, actor=facilitator_access(workshop).name)
        try:
            perform(actions.set_phase, ctx, request.form)
        except ServiceError as exc:
            flash(str(exc.message), "error")
        else:
            flash(f"{actions.set_phase.done} {PHASE_LABELS[workshop.current_phase]}", "success")
        return redirect(url_for("facilitate.console", code=workshop.short_code))
    members = db.session.scalar(
        select(func.count(Membership.id)).filter_by(workshop_id=workshop.id)
    )
    return render_template(
        "facilitate/console.html",
        workshop=workshop,
        form=PhaseForm(phase=workshop.phase),
        members=members,
        join_link=join_link(workshop),
        projector_link=projector_link(workshop),
        phase_labels=PHASE_LABELS,
        Phase=Phase,
        client_config=console_config(workshop),
    )


@bp.post("/w/<code>/facilitate/<name>")
def console_action(code, name):
    """Any console action as a plain form (keyboard and no-JavaScript fallback), then back."""
    workshop = _facilitated_workshop(code)
    act = actions.BY_NAME.get(name)
    if act is None or name in ("sync", "log"):
        abort(404)
    try:
        ctx = actions.ConsoleContext(workshop, actor=facilitator_access(workshop).name)
        perform(act, ctx, request.form)
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        flash(str(act.done or _("Erledigt.")), "success")
    return redirect(url_for("facilitate.console", code=workshop.short_code))


@bp.route("/w/<code>/projector")
def projector(code):
    """From the console to the projector's own read-only link."""
    workshop = _facilitated_workshop(code)
    return redirect(url_for("projector.wall", token=workshop.projector_token))
