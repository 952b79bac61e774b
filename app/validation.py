"""Validating Socket.IO payloads with the same WTForms forms the HTTP routes use."""

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField

from app.services.errors import ServiceError

_SCALARS = (str, int, float)


def form_from_payload(form_class, payload):
    """Return a validated form built from a socket payload, or raise ServiceError.

    Only flat objects of text and numbers are accepted: a list or object where
    a field expects text is refused instead of being coerced into something.
    """
    if not isinstance(payload, dict):
        raise ServiceError(_l("Ungültige Anfrage."))
    switches = {
        name
        for name, field in form_class(formdata=None, meta={"csrf": False})._fields.items()
        if isinstance(field, BooleanField)
    }
    data = MultiDict()
    for key, value in payload.items():
        if value is None:
            continue
        if isinstance(value, bool) and key in switches:
            # A switch is on when sent, as a checked box is in a form post.
            if value:
                data[key] = "y"
            continue
        if isinstance(value, bool) or not isinstance(value, _SCALARS):
            raise ServiceError(_l("Ungültige Anfrage."))
        data[str(key)] = str(value)
    form = form_class(formdata=data, meta={"csrf": False})
    if not form.validate():
        raise ServiceError(first_error(form), field=_first_error_field(form))
    return form


def validated_form(form_class, formdata):
    """Return a validated form built from submitted form data (CSRF checked), or raise."""
    form = form_class(formdata=formdata)
    if not form.validate():
        raise ServiceError(first_error(form), field=_first_error_field(form))
    return form


def _first_error_field(form) -> str | None:
    return next((field.name for field in form if field.errors), None)


def first_error(form) -> str:
    """Return the first validation message of a form, prefixed with the field's label."""
    for field in form:
        if field.errors:
            return f"{field.label.text}: {field.errors[0]}"
    return str(_l("Ungültige Anfrage."))
