"""Forms of the participant's pages; the socket handlers validate with the same classes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from app.fields import CARD_TEXT_MAX, NAME_MAX, PlainText, UUIDText, clean_text
from app.models import CardKind


class CodeForm(FlaskForm):
    """Typing the short code shown on the projector."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Bitte gib den Code ein."))],
        filters=[clean_text],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Weiter"))


class JoinForm(FlaskForm):
    """The optional name and group a participant joins with."""

    display_name = StringField(
        _l("Name (freiwillig)"),
        validators=[Optional(), PlainText(0, NAME_MAX)],
        filters=[clean_text],
        render_kw={"autocomplete": "nickname", "maxlength": NAME_MAX},
    )
    group = SelectField(_l("Ich spreche für (freiwillig)"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Mitmachen"))


class CardFieldsMixin:
    """The fields a card is written with: its id (made by the phone), text and answered problem."""

    id = HiddenField(_l("Karten-ID"), validators=[UUIDText()])
    text = TextAreaField(
        _l("Text"),
        validators=[PlainText(1, CARD_TEXT_MAX)],
        filters=[clean_text],
        render_kw={"maxlength": CARD_TEXT_MAX, "rows": 3},
    )
    answers = HiddenField(_l("Antwort auf"), validators=[Optional(), UUIDText()])

    def card_values(self) -> dict:
        """The validated fields as the board service takes them."""
        values = {"card_id": self.id.data, "text": self.text.data}
        values["answers_id"] = self.answers.data or None
        if hasattr(self, "kind"):
            values["kind"] = self.kind.data
        return values


class PostCardForm(CardFieldsMixin, FlaskForm):
    """A new problem or solution card."""

    kind = RadioField(
        _l("Art"),
        choices=[
            SelectChoice(CardKind.PROBLEM.value, _l("Problem")),
            SelectChoice(CardKind.SOLUTION.value, _l("Lösung")),
        ],
        default=CardKind.PROBLEM.value,
        validate_choice=False,
    )
    submit = SubmitField(_l("Karte anheften"))

    def validate_kind(self, field) -> None:
        """Phones write problems and solutions; a need is put to the vote by the synthesis board."""
        if field.data == CardKind.NEED.value:
            raise ValidationError(
                _l(
                    "Bedarfe stellt die Moderation zur Abstimmung. "
                    "Schreibe ein Problem oder eine Lösung."
                )
            )
        if field.data not in (CardKind.PROBLEM.value, CardKind.SOLUTION.value):
            raise ValidationError(_l("Bitte wähle Problem oder Lösung."))


class EditCardForm(CardFieldsMixin, FlaskForm):
    """New text for one's own card."""

    submit = SubmitField(_l("Speichern"))


class CardRefForm(FlaskForm):
    """Naming one card: to withdraw it, or to put a dot on it or take one back."""

    id = HiddenField(_l("Karten-ID"), validators=[UUIDText()])
