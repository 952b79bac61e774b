"""Validators shared by the forms of all areas."""

import unicodedata
import uuid

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

CARD_TEXT_MAX = 500
#: The longest display name a participant may give.
NAME_MAX = 60

# Embeddings, overrides and isolates reorder the characters after them, so a name
# or card would show something other than what it says. (LRM/RLM only mark a
# direction and stay allowed: mixed German, Arabic and Hebrew text needs them.)
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Categories that draw nothing by themselves: format characters (zero-width space,
# joiners), separators and combining marks.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp", "Mn", "Me"})

# Letters and symbols that render blank although their category says otherwise:
# the Hangul fillers and the empty braille pattern, favourites for blank names.
BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible_character(value: str) -> bool:
    """Whether something of the text would show on a screen."""
    return any(
        not ch.isspace()
        and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        and ch not in BLANK_LOOKALIKES
        for ch in value
    )


def clean_text(value):
    """Normalise line ends and surrounding blanks of submitted text."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class PlainText:
    """Any Unicode text of min..max characters that shows as what it is.

    Refused: control characters, broken surrogates, bidi embeddings, overrides
    and isolates, and text of which nothing would be seen (only blanks,
    zero-width or combining characters). Empty text is the min_len check's.
    """

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
            if category == "Cs" or (category == "Cc" and ch not in "\n\t") or ch in BIDI_CONTROLS:
                raise ValidationError(_l("Der Text enthält unzulässige Steuerzeichen."))
        if value and not has_visible_character(value):
            raise ValidationError(_l("Bitte gib einen Text ein."))


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
