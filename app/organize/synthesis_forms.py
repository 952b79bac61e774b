"""Forms of the synthesis board's newer commands (the others are in ``app.organize.forms``)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange


class PutToVoteForm(FlaskForm):
    """The workshop (the closing meeting) where the needs are put to the dot vote."""

    workshop = IntegerField(
        _l("Workshop"),
        validators=[InputRequired(_l("Wähle den Workshop der Abstimmung.")), NumberRange(1)],
    )
