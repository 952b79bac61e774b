"""What a live screen's script gets from the server in its page: where to connect, limits, texts."""

from flask import current_app
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from app import texts
from app.models import Workshop
from app.models.screens import Screen
from app.services.joining import group_labels


def client_config(workshop: Workshop, screen: Screen, auth: dict, strings: dict) -> dict:
    """Return the ``data-config`` of a screen's page (static/js/config.js reads it)."""
    locale = str(get_locale())
    config = {
        "screen": screen.value,
        "code": workshop.short_code,
        "namespace": screen.namespace,
        "auth": auth,
        "limits": texts.limits(current_app.config),
        "groups": group_labels(workshop.event_id, locale),
        "strings": strings,
    }
    if screen is not Screen.PROJECTOR:
        # The no-JavaScript forms the script also sends; the projector has none.
        config["csrf"] = generate_csrf()
    return config
