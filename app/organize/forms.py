"""Forms of the organizer's pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from app.services.organizers import PASSWORD_MIN


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
