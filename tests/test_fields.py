"""The text fields take any Unicode people write, but nothing that shows blank or spoofed."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from app.fields import CARD_TEXT_MAX, PlainText, clean_text
from app.participant.forms import JoinForm

BLANK = "Bitte gib einen Text ein."
CONTROL = "Der Text enthält unzulässige Steuerzeichen."


class NameForm(Form):
    """Like the join form's name: optional, up to 60 characters."""

    text = StringField(validators=[PlainText(0, 60)], filters=[clean_text])


class CardForm(Form):
    """Like a card's text: required."""

    text = StringField(validators=[PlainText(1, CARD_TEXT_MAX)], filters=[clean_text])


@pytest.fixture(autouse=True)
def request_context(app):
    """lazy_gettext needs an app to render its messages."""
    with app.test_request_context():
        yield


def _errors(form_class, value):
    form = form_class(formdata=MultiDict({"text": value}))
    form.validate()
    return [str(error) for error in form.errors.get("text", [])]


ACCEPTED = [
    "Ayşe",
    "Zoë Müller-Lüdenscheidt",
    "Ω λ 中文 日本語 한국어",
    "👩‍👩‍👧‍👦 Familie",  # ZWJ sequence
    "🏳️‍🌈",  # flag with variation selector and ZWJ
    "👍🏽",  # skin tone modifier
    "مريم",
    "שרה כהן",
    "Sara \u200fשרה\u200f und Maryam \u200eمريم\u200e",  # RLM / LRM inside text
    "Zeile eins\nZeile zwei",
    "e\u0301tienne",  # combining accent on a letter
    "A\u00a0B",  # no-break space inside
]

BLANK_TEXTS = [
    "\u200b",  # zero-width space
    "\u200b\u200c\u200d",  # zero-width space, non-joiner, joiner
    "\u2060\ufeff",  # word joiner, BOM
    "\u00ad",  # soft hyphen
    "\u200e\u200f",  # only direction marks
    "\u0301\u0308",  # only combining marks
    "\u3164",  # Hangul filler
    "\u115f\u1160",
    "\u2800",  # braille blank
    "\u180e",  # Mongolian vowel separator
    "\u200b \u2028 \u200b",
]

BIDI = [
    "Eva\u202e",  # right-to-left override
    "\u202dAdmin",  # left-to-right override
    "Max \u202aund\u202c Moritz",  # embedding and pop
    "\u202b",
    "Ali \u2066x\u2069",  # isolates
    "\u2067\u2068",
    "\u202efdp.exe",
]


@pytest.mark.parametrize("value", ACCEPTED)
@pytest.mark.parametrize("form_class", [NameForm, CardForm])
def test_accepts_what_people_write(form_class, value):
    assert _errors(form_class, value) == []


@pytest.mark.parametrize("value", BLANK_TEXTS)
@pytest.mark.parametrize("form_class", [NameForm, CardForm])
def test_refuses_text_that_shows_nothing(form_class, value):
    assert _errors(form_class, value) == [BLANK]


@pytest.mark.parametrize("value", BIDI)
@pytest.mark.parametrize("form_class", [NameForm, CardForm])
def test_refuses_bidi_controls(form_class, value):
    assert _errors(form_class, value) == [CONTROL]


def test_an_empty_name_is_anonymous_but_an_empty_card_is_refused():
    assert _errors(NameForm, "") == []
    assert _errors(CardForm, "   ") == [BLANK]


@pytest.mark.parametrize(
    ("value", "error"), [("Eva", None), ("", None), ("\u200b", BLANK), ("\u202eEva", CONTROL)]
)
def test_the_join_form_uses_it(value, error):
    form = JoinForm(formdata=MultiDict({"display_name": value}), meta={"csrf": False})
    form.group.choices = [("", "keine Angabe")]
    form.validate()
    assert [str(e) for e in form.errors.get("display_name", [])] == ([error] if error else [])
