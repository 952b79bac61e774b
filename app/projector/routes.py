"""The projector's pages: the live wall and the workshop's QR code, by the projector link alone."""

from flask import Response, abort, render_template, url_for
from sqlalchemy import select

from app import texts
from app.client_config import client_config
from app.extensions import db
from app.facilitate.forms import PHASE_LABELS
from app.facilitate.routes import join_link, public_url
from app.models import Workshop
from app.models.screens import Screen
from app.projector import bp
from app.qr import qr_svg


def workshop_by_projector_token(token: str) -> Workshop | None:
    """Return the workshop whose projector link carries this token."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Workshop).filter_by(projector_token=token))


def _workshop(token: str) -> Workshop:
    workshop = workshop_by_projector_token(token)
    if workshop is None:
        abort(404)
    return workshop


def projector_config(workshop: Workshop, token: str) -> dict:
    """What the projector's script needs: where to connect, and its texts."""
    return client_config(workshop, Screen.PROJECTOR, {"projector": token}, texts.projector_texts())


@bp.route("/p/<token>")
def wall(token):
    """The projector view: QR code and code, the live wall, the phase, the results."""
    workshop = _workshop(token)
    config = projector_config(workshop, token)
    return render_template(
        "projector/wall.html",
        workshop=workshop,
        client_config=config,
        join_link=join_link(workshop),
        join_address=public_url() + url_for("participant.join_by_code"),
        qr_url=url_for("projector.qr_code", token=token),
        phase_labels=PHASE_LABELS,
        strings=config["strings"],
        groups=config["groups"],
    )


@bp.route("/p/<token>/qr.svg")
def qr_code(token):
    """The workshop's join link as an SVG QR code."""
    workshop = _workshop(token)
    return Response(
        qr_svg(join_link(workshop)),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "private, max-age=3600"},
    )
