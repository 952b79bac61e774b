"""The participant's pages: joining by code or QR link, and the board (works without JavaScript)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app import realtime
from app.identity import current_participant, remember_participant
from app.models import Phase, Workshop
from app.participant import bp
from app.participant.forms import CardRefForm, CodeForm, EditCardForm, JoinForm, PostCardForm
from app.ratelimit import join_code_failures
from app.services import board, joining, voting
from app.services.errors import ServiceError
from app.services.snapshot import board_snapshot
from app.validation import first_error


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
        client = request.remote_addr or "?"
        limit = current_app.config["JOIN_CODE_ATTEMPTS_PER_MINUTE"]
        wait = join_code_failures.retry_after(client, limit)
        if wait:
            form.code.errors.append(
                _("Zu viele falsche Versuche. Bitte warte %(s)s Sekunden.", s=wait)
            )
            status = 429
        else:
            workshop = joining.workshop_by_code(form.code.data)
            if workshop is not None:
                return redirect(url_for("participant.join", token=workshop.join_token))
            join_code_failures.fail(client)
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
        SelectChoice(group.key, group.label(locale)) for group in workshop.event.stakeholder_groups
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


def _member_workshop(code: str):
    """Return the workshop and, if this phone has joined it, the participant."""
    workshop = joining.workshop_by_code(code)
    if workshop is None:
        abort(404)
    participant = current_participant(workshop.event_id)
    if participant is not None and not joining.is_member(workshop, participant):
        participant = None
    return workshop, participant


@bp.route("/w/<code>")
def board_page(code):
    """The live board on the phone; the server renders it so it also works without JavaScript."""
    workshop, participant = _member_workshop(code)
    if participant is None:
        return redirect(url_for("participant.join", token=workshop.join_token))
    snapshot = board_snapshot(
        workshop, participant, staff=False, secret=current_app.config["SECRET_KEY"]
    )
    return render_template(
        "participant/board.html",
        workshop=workshop,
        participant=participant,
        snapshot=snapshot,
        post_form=PostCardForm(formdata=None),
        ref_form=CardRefForm(formdata=None),
        Phase=Phase,
        groups={g.key: g.label(str(get_locale())) for g in workshop.event.stakeholder_groups},
    )


def _board_action(code, form_class, action, announce):
    """Run one board form: authorise, validate, call the service, broadcast, go back."""
    workshop, participant = _member_workshop(code)
    if participant is None:
        abort(403)
    form = form_class()
    if not form.validate():
        flash(first_error(form), "error")
        return redirect(url_for("participant.board_page", code=code))
    try:
        result = action(workshop, participant, form)
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        announce(workshop, participant, result)
    anchor = form.id.data if form_class is not PostCardForm else None
    return redirect(url_for("participant.board_page", code=code, _anchor=anchor))


@bp.post("/w/<code>/cards")
def post_card(code):
    """Post a card from the form (phones without JavaScript)."""

    def action(workshop, participant, form):
        return board.post_card(workshop, participant, **form.card_values())

    def announce(workshop, participant, result):
        card, created = result
        if created:
            realtime.card_posted(card)
        flash(_("Deine Karte hängt am Board."), "success")

    return _board_action(code, PostCardForm, action, announce)


@bp.post("/w/<code>/cards/edit")
def edit_card(code):
    """Change one's own card from the form."""
    return _board_action(
        code,
        EditCardForm,
        lambda w, p, form: board.edit_card(w, p, **form.card_values()),
        lambda w, p, card: realtime.card_edited(card),
    )


@bp.post("/w/<code>/cards/withdraw")
def withdraw_card(code):
    """Withdraw one's own card from the form."""
    return _board_action(
        code,
        CardRefForm,
        lambda w, p, form: board.withdraw_card(w, p, card_id=form.id.data),
        lambda w, p, card: realtime.card_withdrawn(card),
    )


@bp.post("/w/<code>/votes")
def cast_vote(code):
    """Put a dot on a card from the form."""
    return _board_action(
        code,
        CardRefForm,
        lambda w, p, form: voting.cast_vote(w, p, card_id=form.id.data),
        lambda w, p, change: realtime.dots_changed(p.id, w.id, change.as_payload()),
    )


@bp.post("/w/<code>/votes/take-back")
def take_back_vote(code):
    """Take a dot back from the form."""
    return _board_action(
        code,
        CardRefForm,
        lambda w, p, form: voting.take_back_vote(w, p, card_id=form.id.data),
        lambda w, p, change: realtime.dots_changed(p.id, w.id, change.as_payload()),
    )
