"""Forms of the event-wide screens: the synthesis board's commands."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from app.fields import PlainText, clean_text
from app.services.needs import PRIORITY_RANGE

#: The most cards one command may name.
CARDS_MAX = 200
#: The longest text of a need's field (what, actors, first steps).
NEED_TEXT_MAX = 4000


def _card_ids(field, required: bool) -> None:
    """Turn a comma-separated list of card ids into a list, or refuse it."""
    ids = [part.strip().lower() for part in (field.data or "").split(",") if part.strip()]
    if (required and not ids) or len(ids) > CARDS_MAX:
        raise ValidationError(_l("Wähle eine oder mehrere Karten."))
    for card_id in ids:
        try:
            uuid.UUID(card_id)
        except ValueError:
            raise ValidationError(_l("Ungültige Karten-ID.")) from None
    field.data = list(dict.fromkeys(ids))


def _need_field():
    return IntegerField(
        _l("Bedarf"), validators=[InputRequired(_l("Ungültige Anfrage.")), NumberRange(1)]
    )


def _version_field():
    return IntegerField(
        _l("Fassung"), validators=[InputRequired(_l("Ungültige Anfrage.")), NumberRange(1)]
    )


def _title_field():
    return StringField(
        _l("Titel"),
        validators=[PlainText(1, 200)],
        filters=[clean_text],
        render_kw={"maxlength": 200},
    )


def _text_field(label):
    return TextAreaField(
        label, validators=[PlainText(0, NEED_TEXT_MAX)], filters=[clean_text], default=""
    )


class CreateNeedForm(FlaskForm):
    """A new need, with the cards it starts with."""

    title = _title_field()
    cards = StringField(_l("Karten"))

    def validate_cards(self, field):
        """Optional: a comma-separated list of card ids."""
        _card_ids(field, required=False)


class NeedForm(FlaskForm):
    """Naming one need."""

    need = _need_field()


class RenameNeedForm(NeedForm):
    """A need's new title, with the version the facilitator saw."""

    title = _title_field()
    version = _version_field()


class UpdateNeedForm(NeedForm):
    """What a need asks for, who could do it, the first steps and its priority."""

    what = _text_field(_l("Was wird gebraucht?"))
    actors = _text_field(_l("Wer könnte es übernehmen?"))
    first_steps = _text_field(_l("Erste Schritte"))
    priority = IntegerField(_l("Priorität"), validators=[Optional(), NumberRange(*PRIORITY_RANGE)])
    version = _version_field()


class NeedCardsForm(NeedForm):
    """Cards to put into a need or take out of it."""

    cards = StringField(_l("Karten"))

    def validate_cards(self, field):
        """A comma-separated list of card ids."""
        _card_ids(field, required=True)


class SplitNeedForm(NeedCardsForm):
    """The cards that leave a need for a new one, and the new one's title."""

    title = _title_field()


class MergeNeedsForm(FlaskForm):
    """Needs to merge into one."""

    into = IntegerField(
        _l("Bedarf"), validators=[InputRequired(_l("Ungültige Anfrage.")), NumberRange(1)]
    )
    others = StringField(_l("Bedarfe"))

    def validate_others(self, field):
        """A comma-separated list of need ids."""
        try:
            ids = [int(part) for part in (field.data or "").split(",") if part.strip()]
        except ValueError:
            raise ValidationError(_l("Wähle die Bedarfe zum Zusammenführen.")) from None
        if not ids or len(ids) > 50:
            raise ValidationError(_l("Wähle die Bedarfe zum Zusammenführen."))
        field.data = ids


class SynthesisUndoForm(FlaskForm):
    """The step of the synthesis log to take back."""

    entry = IntegerField(
        _l("Schritt"), validators=[InputRequired(_l("Ungültige Anfrage.")), NumberRange(1)]
    )


class DismissSuggestionForm(FlaskForm):
    """A suggested group of cards that should not be suggested again."""

    cards = StringField(_l("Karten"))

    def validate_cards(self, field):
        """A comma-separated list of card ids."""
        _card_ids(field, required=True)


class SuggestionsForm(FlaskForm):
    """Suggestions for the whole board, or for one need."""

    need = IntegerField(_l("Bedarf"), validators=[Optional(), NumberRange(1)])
