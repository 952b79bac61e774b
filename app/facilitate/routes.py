"""The facilitator's pages: the facilitator link, a minimal control page and the projector view."""

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app import realtime
from app.extensions import db
from app.facilitate import bp
from app.facilitate.forms import PHASE_LABELS, PhaseForm
from app.identity import grant_staff, is_staff
from app.models import Membership, Phase, Workshop
from app.qr import qr_svg
from app.services import phases
from app.services.errors import ServiceError
from app.services.joining import workshop_by_code
from app.validation import first_error


def public_url() -> str:
    """The address phones reach this server at, as printed in QR codes."""
    return current_app.config["PUBLIC_URL"]


def join_link(workshop: Workshop) -> str:
    """The link in the workshop's QR code."""
    return public_url() + url_for("participant.join", token=workshop.join_token)


def _staff_workshop(code: str) -> Workshop:
    workshop = workshop_by_code(code)
    if workshop is None:
        abort(404)
    if not is_staff(workshop):
        abort(403)
    return workshop


@bp.route("/f/<token>")
def facilitator_link(token):
    """Open the facilitator link: this browser may now run the workshop."""
    workshop = (
        db.session.scalar(select(Workshop).filter_by(facilitator_token=token))
        if len(token) <= 64
        else None
    )
    if workshop is None:
        abort(404)
    grant_staff(workshop)
    return redirect(url_for("facilitate.console", code=workshop.short_code))


@bp.route("/w/<code>/facilitate", methods=["GET", "POST"])
def console(code):
    """Switch phases and see who has joined (the full console comes later)."""
    workshop = _staff_workshop(code)
    form = PhaseForm(phase=workshop.phase)
    if form.is_submitted():
        if not form.validate():
            flash(first_error(form), "error")
        else:
            try:
                phases.set_phase(workshop, form.phase.data)
            except ServiceError as exc:
                flash(str(exc.message), "error")
            else:
                realtime.phase_changed(workshop)
                flash(_("Phase: %(p)s", p=PHASE_LABELS[workshop.current_phase]), "success")
            return redirect(url_for("facilitate.console", code=code))
    members = db.session.scalar(
        select(db.func.count(Membership.id)).filter_by(workshop_id=workshop.id)
    )
    return render_template(
        "facilitate/console.html",
        workshop=workshop,
        form=form,
        members=members,
        join_link=join_link(workshop),
        phase_labels=PHASE_LABELS,
        Phase=Phase,
    )


@bp.route("/w/<code>/projector")
def projector(code):
    """The projector view: QR code and code, the live wall, the phase, the results."""
    workshop = _staff_workshop(code)
    strings = {f"phase_{phase.value}": str(label) for phase, label in PHASE_LABELS.items()}
    strings.update(
        dots_total=_("{n} Punkte"),
        dots_given=_("{n} Punkte vergeben"),
        anonymous=_("anonym"),
        answers=_("Antwort auf: {text}"),
        online=_("verbunden"),
        offline=_("Verbindung unterbrochen – verbinde neu …"),
        new_card=_("Neue Karte: {text}"),
    )
    locale = str(get_locale())
    return render_template(
        "facilitate/projector.html",
        workshop=workshop,
        join_link=join_link(workshop),
        phase_labels=PHASE_LABELS,
        strings=strings,
        groups={g.key: g.label(locale) for g in workshop.event.stakeholder_groups},
    )


@bp.route("/w/<code>/qr.svg")
def qr_code(code):
    """The workshop's join link as an SVG QR code."""
    workshop = _staff_workshop(code)
    return Response(
        qr_svg(join_link(workshop)),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "private, max-age=3600"},
    )
