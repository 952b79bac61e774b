"""Forms of the facilitator's pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.fields import clean_text
from app.models import Phase

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
