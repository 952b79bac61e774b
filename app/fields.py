"""Validators shared by the forms of all areas."""

import unicodedata
import uuid

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

CARD_TEXT_MAX = 500


def clean_text(value):
    """Normalise line ends and surrounding blanks of submitted text."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class PlainText:
    """Any Unicode text of min..max characters, without control characters or broken surrogates."""

    def __init__(self, min_len: int, max_len: int):
        self.min_len = min_len
        self.max_len = max_len

    def __call__(self, form, field):
        value = field.data or ""
        if len(value) < self.min_len:
            raise ValidationError(_l("Bitte gib einen Text ein."))
        if len(value) > self.max_len:
            raise ValidationError(
                _l(
                    "Höchstens %(max)s Zeichen, du hast %(n)s.",
                    max=self.max_len,
                    n=len(value),
                )
            )
        for ch in value:
            category = unicodedata.category(ch)
            if category == "Cs" or (category == "Cc" and ch not in "\n\t"):
                raise ValidationError(_l("Der Text enthält unzulässige Steuerzeichen."))


class UUIDText:
    """A UUID as text, as phones make them for their cards."""

    def __call__(self, form, field):
        try:
            uuid.UUID(field.data or "")
        except (ValueError, AttributeError, TypeError):
            raise ValidationError(_l("Ungültige Karten-ID.")) from None
        if len(field.data) != 36:
            raise ValidationError(_l("Ungültige Karten-ID."))
        field.data = field.data.lower()
