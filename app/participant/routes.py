"""The participant's pages: joining by code or QR link, and the board (works without JavaScript)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app import texts
from app.actions import perform
from app.client_config import client_config
from app.identity import current_participant, remember_participant
from app.models import Phase, Workshop
from app.models.screens import Screen
from app.participant import actions, bp
from app.participant.forms import CardRefForm, CodeForm, JoinForm, PostCardForm
from app.ratelimit import TooManyGuesses, find_workshop
from app.services import joining
from app.services.errors import ServiceError
from app.services.snapshot import board_snapshot


@bp.route("/")
def index():
    """Phones that open the bare address land on the code form."""
    return redirect(url_for("participant.join_by_code"))


@bp.route("/join", methods=["GET", "POST"])
def join_by_code():
    """Type the short code shown on the projector."""
    form = CodeForm(code=request.args.get("code", ""))
    status = 200
    if form.validate_on_submit():
        try:
            workshop = find_workshop(form.code.data, request.remote_addr or "?")
        except TooManyGuesses as exc:
            form.code.errors.append(
                _("Zu viele falsche Versuche. Bitte warte %(s)s Sekunden.", s=exc.retry_after)
            )
            status = 429
        else:
            if workshop is not None:
                return redirect(url_for("participant.join", token=workshop.join_token))
            form.code.errors.append(_("Diesen Code gibt es nicht. Bitte prüfe ihn."))
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("participant/join_code.html", form=form), status


def _join_form(workshop: Workshop, participant) -> JoinForm:
    form = JoinForm(
        display_name=participant.display_name if participant else "",
        group=participant.group_key or "" if participant else "",
    )
    locale = str(get_locale())
    form.group.choices = [SelectChoice("", _("keine Angabe"))] + [
        SelectChoice(key, label)
        for key, label in joining.group_labels(workshop.event_id, locale).items()
    ]
    return form


@bp.route("/j/<token>", methods=["GET", "POST"])
def join(token):
    """The QR code's link: give an optional name and group, and enter the board."""
    workshop = joining.workshop_by_token(token)
    if workshop is None:
        abort(404)
    participant = current_participant(workshop.event_id)
    if request.method == "GET" and participant and joining.is_member(workshop, participant):
        # Scanning the code again, or a bookmark: straight back to the board.
        return redirect(url_for("participant.board_page", code=workshop.short_code))
    form = _join_form(workshop, participant)
    if form.validate_on_submit():
        try:
            participant = joining.join(
                workshop,
                participant,
                display_name=form.display_name.data or "",
                group_key=form.group.data or None,
            )
        except ServiceError as exc:
            form.group.errors.append(str(exc.message))
        else:
            remember_participant(participant)
            return redirect(url_for("participant.board_page", code=workshop.short_code))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "participant/join.html", form=form, workshop=workshop, participant=participant
    ), status


def _guarded_workshop(code: str) -> Workshop:
    """Find the workshop of a typed or linked code; wrong codes count against the guess limit."""
    try:
        workshop = find_workshop(code, request.remote_addr or "?")
    except TooManyGuesses as exc:
        abort(429, description=exc.retry_after)
    if workshop is None:
        abort(404)
    return workshop


def _member_workshop(code: str):
    """Return the workshop and, if this phone has joined it, the participant."""
    workshop = _guarded_workshop(code)
    participant = current_participant(workshop.event_id)
    if participant is not None and not joining.is_member(workshop, participant):
        participant = None
    return workshop, participant


#: The board's texts per language: the same for every phone, and translating them
#: all was a sixth of the board page's time when a hall joins at once.
_board_texts: dict[str, dict] = {}


def _texts() -> dict:
    locale = str(get_locale())
    if locale not in _board_texts:
        _board_texts[locale] = texts.board_texts()
    return dict(_board_texts[locale])


def board_config(workshop: Workshop) -> dict:
    """What the board's script needs from the server: where to connect, limits and texts."""
    return client_config(workshop, Screen.PHONE, {"workshop": workshop.short_code}, _texts())


@bp.route("/w/<code>")
def board_page(code):
    """The live board on the phone; the server renders it so it also works without JavaScript."""
    workshop, participant = _member_workshop(code)
    if participant is None:
        # Only the code form hands out the join link, so this page is no shortcut past its limit.
        return redirect(url_for("participant.join_by_code", code=workshop.short_code))
    snapshot = board_snapshot(workshop, Screen.PHONE, current_app.config["SECRET_KEY"], participant)
    config = board_config(workshop)
    return render_template(
        "participant/board.html",
        workshop=workshop,
        participant=participant,
        snapshot=snapshot,
        post_form=PostCardForm(formdata=None),
        ref_form=CardRefForm(formdata=None),
        client_config=config,
        Phase=Phase,
        groups=config["groups"],
    )


def _board_form(code: str, act):
    """Run one board action from a plain form (phones without JavaScript), then go back."""
    workshop, participant = _member_workshop(code)
    if participant is None:
        abort(403)
    ctx = actions.BoardContext.of(workshop, participant)
    try:
        perform(act, ctx, request.form)
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        if act.done:
            flash(str(act.done), "success")
    card_id = request.form.get("id") if act is not actions.post_card else None
    anchor = f"card-{card_id}" if card_id else None
    return redirect(url_for("participant.board_page", code=workshop.short_code, _anchor=anchor))


@bp.post("/w/<code>/cards")
def post_card(code):
    """Post a card from the form."""
    return _board_form(code, actions.post_card)


@bp.post("/w/<code>/cards/edit")
def edit_card(code):
    """Change one's own card from the form."""
    return _board_form(code, actions.edit_card)


@bp.post("/w/<code>/cards/withdraw")
def withdraw_card(code):
    """Withdraw one's own card from the form."""
    return _board_form(code, actions.withdraw_card)


@bp.post("/w/<code>/votes")
def cast_vote(code):
    """Put a dot on a card from the form."""
    return _board_form(code, actions.cast_vote)


@bp.post("/w/<code>/votes/take-back")
def take_back_vote(code):
    """Take a dot back from the form."""
    return _board_form(code, actions.take_back_vote)
