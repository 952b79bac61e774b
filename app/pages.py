"""Pages every visitor may see (privacy, accessibility), the language switch and error pages."""

import unicodedata
import uuid
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app import security

bp = Blueprint("pages", __name__)


@bp.route("/datenschutz")
def privacy():
    """Datenschutzhinweise."""
    return render_template("pages/privacy.html")


@bp.route("/barrierefreiheit")
def accessibility():
    """Erklärung zur Barrierefreiheit."""
    return render_template("pages/accessibility.html")


# Controls, format characters (bidi, zero-width), line separators, surrogates,
# private and unassigned code points: browsers drop some of them from URLs
# (a tab turns "/\t/evil.example" into "//evil.example"), headers refuse others.
_NOT_IN_A_PATH = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _is_local_path(target: str) -> bool:
    """Whether a browser sent to ``target`` stays on this site."""
    if len(target) > 2000 or "\\" in target:
        return False
    if any(unicodedata.category(ch) in _NOT_IN_A_PATH for ch in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def local_target(target: str) -> str | None:
    """Return ``target`` if it is a path on this site, None for anything that may lead away.

    The NFKC form is checked too, in case something on the way folds look-alikes
    such as a fullwidth solidus into "/".
    """
    if _is_local_path(target) and _is_local_path(unicodedata.normalize("NFKC", target)):
        return target
    return None


@bp.route("/sprache/<lang>")
def switch_language(lang):
    """Choose the interface language and go back to where the person was."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = local_target(request.args.get("next", ""))
    return redirect(target or url_for("participant.index"))


def _error_page(status: int, title: str, message: str):
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app) -> None:
    """Install headers, error pages and what every template needs."""
    security.init_app(app)

    app.jinja_env.globals["uuid4"] = uuid.uuid4

    @app.context_processor
    def page_context():
        locale = str(get_locale())
        return {
            "locale": locale,
            "other_locale": "en" if locale == "de" else "de",
            "contact": {
                "name": app.config["CONTACT_NAME"],
                "email": app.config["CONTACT_EMAIL"],
            },
        }

    @app.errorhandler(400)
    def bad_request(error):
        return _error_page(400, _("Ungültige Anfrage"), _("Die Anfrage war nicht verständlich."))

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return _error_page(
            400,
            _("Formular abgelaufen"),
            _("Bitte lade die Seite neu und schicke das Formular noch einmal."),
        )

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page(
            403,
            _("Kein Zugang"),
            _("Diese Seite ist nur mit dem passenden Link erreichbar."),
        )

    @app.errorhandler(404)
    def not_found(error):
        return _error_page(
            404,
            _("Nicht gefunden"),
            _("Diese Seite gibt es nicht. Prüfe den Link oder den Code."),
        )

    @app.errorhandler(500)
    def server_error(error):
        return _error_page(
            500,
            _("Fehler auf dem Server"),
            _("Etwas ist schiefgegangen. Bitte versuche es gleich noch einmal."),
        )


def init_error_pages(app) -> None:
    """Error pages that only some paths raise."""

    @app.errorhandler(429)
    def too_many_requests(error):
        wait = error.description if isinstance(error.description, int) else 60
        html, status = _error_page(
            429,
            _("Zu viele Versuche"),
            _("Zu viele falsche Codes. Bitte warte %(s)s Sekunden.", s=wait),
        )
        return html, status, {"Retry-After": str(wait)}
