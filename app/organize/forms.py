"""Forms of the event-wide screens: the organizer's pages and the synthesis board's commands."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.fields import PlainText, clean_text
from app.services.access import NAME_MAX as ACCESS_NAME_MAX
from app.services.needs import PRIORITY_RANGE
from app.services.organizers import PASSWORD_MIN
from app.services.setup import (
    DESCRIPTION_MAX,
    DOTS_RANGE,
    GROUP_KEY_MAX,
    GROUP_LABEL_MAX,
    RETENTION_DEFAULT,
    RETENTION_MESSAGE,
    RETENTION_RANGE,
    SLUG_MAX,
    TITLE_MAX,
    slug_ok,
)

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
    """What to download: the format, the language, one workshop or the week, with or without names.

    Posting it starts a background job (``app.services.exports.jobs``); the form
    is sent with its CSRF token, since it writes a file on the server.
    """

    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("docx", _l("Word-Dokumentation (.docx)")),
            SelectChoice("xlsx", _l("Excel (.xlsx)")),
            SelectChoice("csv", _l("CSV aller Karten (.csv)")),
            SelectChoice("json", _l("Vollständiger Export zum Wiedereinlesen (.zip)")),
        ],
    )
    workshop = SelectField(_l("Umfang"), choices=[], validate_choice=True, default="")
    locale = SelectField(
        _l("Sprache"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
        default="de",
    )
    names = BooleanField(_l("Mit den Namen der Teilnehmenden (nicht für die Veröffentlichung)"))
    submit = SubmitField(_l("Export starten"))

    def for_event(self, event) -> "ExportForm":
        """Offer the whole week and each of its workshops (by short code) as the scope."""
        self.workshop.choices = [SelectChoice("", _l("Die ganze Woche"))] + [
            SelectChoice(workshop.short_code, workshop.title) for workshop in event.workshops
        ]
        return self

    def validate_workshop(self, field) -> None:
        if field.data and self.format.data == "json":
            raise ValidationError(
                _l(
                    "Der vollständige Export umfasst immer die ganze Woche. "
                    "Bitte wähle „Die ganze Woche“."
                )
            )


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


# ---- setting up a week ----


def _slug_check(form, field):
    if not slug_ok(field.data or ""):
        raise ValidationError(_l("Nur Kleinbuchstaben a-z, Ziffern, - und _ sind erlaubt."))


def _slug_field(label):
    return StringField(
        label,
        validators=[
            DataRequired(_l("Bitte gib einen Kurznamen ein.")),
            Length(max=SLUG_MAX, message=_l("Höchstens %(n)s Zeichen.", n=SLUG_MAX)),
            _slug_check,
        ],
        filters=[clean_text],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def _required_text(label, max_len, message):
    return StringField(
        label,
        validators=[DataRequired(message), PlainText(1, max_len)],
        filters=[clean_text],
    )


def _description_field():
    return TextAreaField(
        _l("Beschreibung"), validators=[PlainText(0, DESCRIPTION_MAX)], filters=[clean_text]
    )


class _GermanMessage:
    """A field whose unreadable input is refused with the form's own German message."""

    invalid_message = None

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.invalid_message)) from None


class DaysField(_GermanMessage, IntegerField):
    invalid_message = RETENTION_MESSAGE


class EventForm(FlaskForm):
    """A week: short name, title, description and the stakeholder groups."""

    slug = _slug_field(_l("Kurzname (für Adressen und die Wochendatei)"))
    title = _required_text(_l("Titel"), TITLE_MAX, _l("Bitte gib einen Titel ein."))
    description = _description_field()
    groups = TextAreaField(
        _l("Gruppen (Akteur*innen)"), filters=[clean_text], render_kw={"rows": 5}
    )
    retention_days = DaysField(
        _l("Aufbewahrungsfrist (Tage nach dem letzten Workshop-Tag)"),
        default=RETENTION_DEFAULT,
        validators=[
            InputRequired(RETENTION_MESSAGE),
            NumberRange(*RETENTION_RANGE, message=RETENTION_MESSAGE),
        ],
    )
    submit = SubmitField(_l("Speichern"))

    def validate_groups(self, field):
        """One group a line, ``key = Label``; keys as in the week file, each once."""
        groups = []
        for number, line in enumerate((field.data or "").split("\n"), start=1):
            if not line.strip():
                continue
            key, sep, label = line.partition("=")
            key, label = key.strip(), " ".join(label.split())
            if not sep or not key or not label:
                raise ValidationError(
                    _l("Zeile %(n)s: Schreibe „schluessel = Bezeichnung“.", n=number)
                )
            if not slug_ok(key) or len(key) > GROUP_KEY_MAX:
                raise ValidationError(
                    _l("Zeile %(n)s: Der Schlüssel darf nur a-z, 0-9, - und _ enthalten.", n=number)
                )
            if len(label) > GROUP_LABEL_MAX:
                raise ValidationError(
                    _l("Zeile %(n)s: Die Bezeichnung ist länger als 100 Zeichen.", n=number)
                )
            if key in {k for k, _label in groups}:
                raise ValidationError(_l("Zeile %(n)s: Der Schlüssel kommt doppelt vor.", n=number))
            groups.append((key, label))
        self.group_list = groups


class DayField(_GermanMessage, DateField):
    invalid_message = _l("Bitte gib ein Datum wie 04.10.2021 ein.")


class ClockField(_GermanMessage, TimeField):
    invalid_message = _l("Bitte gib eine Uhrzeit wie 09:00 ein.")


class WholeNumberField(_GermanMessage, IntegerField):
    invalid_message = _l("Bitte gib eine Zahl von 1 bis 50 ein.")


def _optional_time(label):
    return ClockField(
        label,
        validators=[Optional()],
        format="%H:%M",
    )


class WorkshopForm(FlaskForm):
    """A workshop of the week: when, where, who facilitates, how many dots."""

    title = _required_text(_l("Titel (Thema)"), TITLE_MAX, _l("Bitte gib einen Titel ein."))
    slug = _slug_field(_l("Kurzname"))
    description = _description_field()
    day = DayField(_l("Datum"), validators=[Optional()])
    starts_at = _optional_time(_l("Beginn"))
    ends_at = _optional_time(_l("Ende"))
    room = StringField(_l("Raum"), validators=[PlainText(0, TITLE_MAX)], filters=[clean_text])
    facilitators = StringField(
        _l("Moderation (Namen, durch Komma getrennt)"),
        validators=[PlainText(0, 500)],
        filters=[clean_text],
    )
    dot_budget = WholeNumberField(
        _l("Punkte pro Person"),
        default=5,
        validators=[
            InputRequired(_l("Bitte gib eine Zahl von 1 bis 50 ein.")),
            NumberRange(*DOTS_RANGE, message=_l("Bitte gib eine Zahl von 1 bis 50 ein.")),
        ],
    )
    max_dots_per_card = WholeNumberField(
        _l("Höchstens Punkte pro Karte"),
        default=3,
        validators=[
            InputRequired(_l("Bitte gib eine Zahl von 1 bis 50 ein.")),
            NumberRange(*DOTS_RANGE, message=_l("Bitte gib eine Zahl von 1 bis 50 ein.")),
        ],
    )
    blind_collect = BooleanField(_l("Verdeckt sammeln"))
    premoderation = BooleanField(_l("Neue Karten erst nach Freigabe zeigen"))
    submit = SubmitField(_l("Speichern"))

    def validate_ends_at(self, field):
        """The end after the start, when both are given."""
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Das Ende muss nach dem Beginn liegen."))

    def validate_max_dots_per_card(self, field):
        """Not more on one card than a person has in all."""
        budget = self.dot_budget.data
        if field.data is not None and isinstance(budget, int) and field.data > budget:
            raise ValidationError(_l("Nicht mehr Punkte pro Karte, als jede Person hat."))

    def values(self) -> dict:
        """The workshop's fields as the setup service takes them."""
        return {
            "title": self.title.data,
            "slug": self.slug.data,
            "description": self.description.data or "",
            "day": self.day.data,
            "starts_at": self.starts_at.data,
            "ends_at": self.ends_at.data,
            "room": self.room.data or "",
            "facilitators": [
                n.strip() for n in (self.facilitators.data or "").split(",") if n.strip()
            ],
            "dot_budget": self.dot_budget.data,
            "max_dots_per_card": self.max_dots_per_card.data,
            "blind_collect": bool(self.blind_collect.data),
            "premoderation": bool(self.premoderation.data),
        }


class WeekFileForm(FlaskForm):
    """A week file to load (TOML, as in ``sessions/``)."""

    file = FileField(
        _l("Wochendatei (.toml)"),
        validators=[
            FileRequired(_l("Bitte wähle eine Wochendatei aus.")),
            FileAllowed(["toml"], _l("Bitte wähle eine Datei mit der Endung .toml.")),
        ],
    )
    submit = SubmitField(_l("Woche laden"))


class IssueAccessForm(FlaskForm):
    """A named facilitator's own access, with or without a PIN."""

    name = StringField(
        _l("Name der moderierenden Person"),
        validators=[
            DataRequired(_l("Bitte gib einen Namen ein.")),
            PlainText(1, ACCESS_NAME_MAX),
        ],
        filters=[clean_text],
    )
    pin = BooleanField(_l("Auch eine PIN ausgeben (zum Eintippen auf /moderation)"))
    submit = SubmitField(_l("Zugang ausgeben"))


class MoveWorkshopForm(FlaskForm):
    """The up and down buttons that reorder a week's workshops (no dragging needed)."""

    direction = StringField(validators=[AnyOf(["up", "down"])])


class DeleteWorkshopForm(FlaskForm):
    """Deleting a workshop; one that has cards or participants needs its short name typed."""

    slug = StringField(_l("Kurzname des Workshops zur Bestätigung"), filters=[clean_text])
    submit = SubmitField(_l("Workshop endgültig löschen"))


class AccessSheetForm(FlaskForm):
    """The access sheet as a PDF: the page just issued sends its link's secret and PIN back.

    Only hashes are stored, so the server cannot make the sheet later: the secret
    travels in this form (posted, never in an address) and must match the access.
    """

    token = HiddenField(validators=[DataRequired(), Length(max=128)])
    pin = HiddenField(validators=[Optional(), Length(max=16)])
    submit = SubmitField(_l("Als PDF herunterladen"))


class EventAccessesForm(IssueAccessForm):
    """An access for every workshop of a week at once, for the sheet to hand out."""

    name = StringField(
        _l("Name auf den Zugängen"),
        default="Moderation",
        validators=[
            DataRequired(_l("Bitte gib einen Namen ein.")),
            PlainText(1, ACCESS_NAME_MAX),
        ],
        filters=[clean_text],
    )
    submit = SubmitField(_l("Für jeden Workshop einen Zugang ausgeben"))


class AccessSheetsForm(FlaskForm):
    """All sheets just issued as one PDF; the secrets come back as hidden fields per access."""

    submit = SubmitField(_l("Alle als PDF herunterladen"))


class RevokeAccessForm(FlaskForm):
    """The button that takes an access away."""

    submit = SubmitField(_l("Entziehen"))
