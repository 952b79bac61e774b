"""Forms of the facilitator's pages."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from app.fields import CARD_TEXT_MAX, PlainText, UUIDText, clean_text
from app.models import Phase
from app.participant.forms import PostCardForm

PHASE_LABELS = {
    Phase.COLLECT: _l("Sammeln"),
    Phase.DISCUSS: _l("Diskutieren"),
    Phase.VOTE: _l("Abstimmen"),
    Phase.RESULTS: _l("Ergebnisse"),
    Phase.CLOSED: _l("Beendet"),
}


class PhaseForm(FlaskForm):
    """Switching the workshop's phase."""

    phase = SelectField(
        _l("Phase"), choices=[SelectChoice(p.value, label) for p, label in PHASE_LABELS.items()]
    )
    submit = SubmitField(_l("Phase wechseln"))


class CardForm(FlaskForm):
    """Naming one card of the board: to hide, restore, approve or pin it."""

    id = HiddenField(_l("Karten-ID"), validators=[UUIDText()])


class ModerateTextForm(CardForm):
    """New text for a card, written by a facilitator."""

    text = TextAreaField(
        _l("Text"),
        validators=[PlainText(1, CARD_TEXT_MAX)],
        filters=[clean_text],
        render_kw={"maxlength": CARD_TEXT_MAX, "rows": 3},
    )


class LinkForm(CardForm):
    """The problem a solution answers; empty to unlink it."""

    answers = HiddenField(_l("Antwort auf"), validators=[Optional(), UUIDText()])


class MergeForm(FlaskForm):
    """Duplicates to merge into one card."""

    into = HiddenField(_l("Zusammenführen in"), validators=[UUIDText()])
    ids = StringField(
        _l("Karten"), validators=[DataRequired(_l("Wähle die Karten zum Zusammenführen."))]
    )

    def validate_ids(self, field):
        """A comma-separated list of at most 50 card ids."""
        ids = [part.strip().lower() for part in (field.data or "").split(",") if part.strip()]
        if not ids or len(ids) > 50:
            raise ValidationError(_l("Wähle die Karten zum Zusammenführen."))
        for card_id in ids:
            try:
                uuid.UUID(card_id)
            except ValueError:
                raise ValidationError(_l("Ungültige Karten-ID.")) from None
        field.data = ids


class PaperCardForm(PostCardForm):
    """A card written on paper, typed in by a facilitator.

    Its id comes from the console's script; a form sent without one (no
    JavaScript) gets a new id on the server.
    """

    id = HiddenField(_l("Karten-ID"), validators=[Optional(), UUIDText()])

    def card_values(self) -> dict:
        values = super().card_values()
        values["card_id"] = values["card_id"] or str(uuid.uuid4())
        return values


class PaperDotsForm(CardForm):
    """Dots counted on a paper poster; a negative number takes some back.

    The console's form sends an amount and a sign (+ or −) instead of ``dots``.
    """

    dots = IntegerField(
        _l("Punkte"),
        validators=[Optional(), NumberRange(-500, 500, _l("Gib eine Zahl von -500 bis 500 an."))],
    )
    amount = IntegerField(
        _l("Papier-Punkte"),
        validators=[Optional(), NumberRange(1, 500, _l("Gib eine Zahl von 1 bis 500 an."))],
    )
    sign = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.dots.data is None and self.amount.data is not None:
            self.dots.data = -self.amount.data if self.sign.data in ("-", "−") else self.amount.data
        if not self.dots.data:
            self.dots.errors = [_l("Gib eine Zahl von Punkten an.")]
            return False
        return True


class OptionsForm(FlaskForm):
    """The workshop's options, changeable while it runs."""

    dot_budget = IntegerField(
        _l("Punkte pro Person"),
        validators=[
            InputRequired(_l("Gib eine Zahl an.")),
            NumberRange(1, 50, _l("Gib eine Zahl von 1 bis 50 an.")),
        ],
    )
    max_dots_per_card = IntegerField(
        _l("Höchstens Punkte pro Karte"),
        validators=[
            InputRequired(_l("Gib eine Zahl an.")),
            NumberRange(1, 50, _l("Gib eine Zahl von 1 bis 50 an.")),
        ],
    )
    blind_collect = BooleanField(_l("Verdeckt sammeln"))
    premoderation = BooleanField(_l("Neue Karten erst nach Freigabe zeigen"))
    submit = SubmitField(_l("Speichern"))


class TimerForm(FlaskForm):
    """A length of time for the timer (when starting or adding): in seconds, or in minutes."""

    seconds = IntegerField(
        _l("Sekunden"),
        validators=[
            Optional(),
            NumberRange(1, 36000, _l("Die Zeit muss zwischen 1 Sekunde und 10 Stunden liegen.")),
        ],
    )
    minutes = IntegerField(
        _l("Minuten"),
        validators=[
            Optional(),
            NumberRange(1, 600, _l("Gib eine Zahl von Minuten an (1 bis 600).")),
        ],
    )

    def length(self) -> int:
        """The length asked for in seconds; 0 when none was given."""
        if self.seconds.data:
            return self.seconds.data
        return (self.minutes.data or 0) * 60


class UndoForm(FlaskForm):
    """The step of the moderation log to take back."""

    entry = IntegerField(
        _l("Schritt"), validators=[InputRequired(_l("Ungültige Anfrage.")), NumberRange(1)]
    )


class PinForm(FlaskForm):
    """A facilitator's way in without the personal link: the workshop's code and their PIN."""

    code = StringField(
        _l("Workshop-Code"),
        validators=[DataRequired(_l("Bitte gib den Code des Workshops ein."))],
        filters=[clean_text],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    pin = PasswordField(
        _l("PIN"),
        validators=[DataRequired(_l("Bitte gib deine PIN ein."))],
        filters=[clean_text],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "maxlength": 6},
    )
    submit = SubmitField(_l("Moderation öffnen"))
