"""Forms of the event-wide screens: the organizer's pages and the synthesis board's commands."""

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
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.fields import PlainText, clean_text
from app.services.needs import PRIORITY_RANGE
from app.services.organizers import PASSWORD_MIN

# ---- the organizer's pages ----

class LoginForm(FlaskForm):
    """An organizer logs in."""

    login = StringField(
        _l("Anmeldename oder E-Mail-Adresse"),
        validators=[DataRequired(_l("Bitte gib deinen Anmeldenamen ein.")), Length(max=200)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[DataRequired(_l("Bitte gib dein Passwort ein.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Anmelden"))


class LogoutForm(FlaskForm):
    """The logout button (a POST, so that a link elsewhere cannot log anyone out)."""

    submit = SubmitField(_l("Abmelden"))


class PasswordForm(FlaskForm):
    """An organizer replaces their password."""

    current = PasswordField(
        _l("Bisheriges Passwort"),
        validators=[DataRequired(_l("Bitte gib dein bisheriges Passwort ein."))],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("Neues Passwort"),
        validators=[
            DataRequired(_l("Bitte gib ein neues Passwort ein.")),
            Length(
                min=PASSWORD_MIN,
                max=200,
                message=_l("Das Passwort braucht mindestens %(n)s Zeichen.", n=PASSWORD_MIN),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[
            DataRequired(_l("Bitte wiederhole das neue Passwort.")),
            EqualTo("new", _l("Die beiden Passwörter sind nicht gleich.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Passwort ändern"))


class ExportForm(FlaskForm):
    """What to download: the format, the language, with or without participants' names."""

    class Meta:
        # A download is a GET a link can start; it changes nothing, so no CSRF token.
        csrf = False

    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("docx", _l("Word-Dokumentation (.docx)")),
            SelectChoice("xlsx", _l("Excel (.xlsx)")),
            SelectChoice("csv", _l("CSV aller Karten (.csv)")),
            SelectChoice("json", _l("Vollständiger Export zum Wiedereinlesen (.zip)")),
        ],
    )
    locale = SelectField(
        _l("Sprache"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
        default="de",
    )
    names = BooleanField(_l("Mit den Namen der Teilnehmenden (nicht für die Veröffentlichung)"))
    submit = SubmitField(_l("Herunterladen"))


class PurgeForm(FlaskForm):
    """Deleting an event for good: the organizer types its short name to confirm."""

    slug = StringField(
        _l("Kurzname der Veranstaltung"),
        validators=[DataRequired(_l("Bitte gib den Kurznamen der Veranstaltung ein."))],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Endgültig löschen"))


# ---- the synthesis board ----

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
