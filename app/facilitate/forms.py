"""Forms of the facilitator's pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

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
