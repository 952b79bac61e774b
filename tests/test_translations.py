"""German first, English complete: every text in the code has an English translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "app" / "translations" / "en" / "LC_MESSAGES"


def _texts_in_code() -> set[str]:
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_text_has_an_english_translation():
    with open(CATALOG / "messages.po", "rb") as po:
        catalog = read_po(po)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_texts_in_code() - set(translated))
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing[:10])


def test_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "messages.po", "rb") as po, open(CATALOG / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    expected = {m.id: m.string for m in source if m.id and m.string and not m.fuzzy}
    actual = {m.id: m.string for m in compiled if m.id}
    assert actual == expected, "run `pybabel compile -d app/translations`"


def test_pages_speak_english_when_the_browser_prefers_it(client, actions):
    page = client.get("/join", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = page.get_data(as_text=True)
    assert 'lang="en"' in html
    assert "Join a workshop" in html
    german = client.get("/join", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'lang="de"' in german and "Workshop beitreten" in german


def test_language_switch_is_remembered(client):
    client.get("/sprache/en?next=/join")
    assert "Join a workshop" in client.get("/join").get_data(as_text=True)
    client.get("/sprache/de?next=/join")
    assert "Workshop beitreten" in client.get("/join").get_data(as_text=True)


def test_service_messages_are_translated_on_the_socket(actions):
    import uuid

    phone = actions.phone()
    phone.get("/sprache/en?next=/join")
    actions.join(phone)
    sio = actions.socket(phone)
    actions.set_phase("vote")
    reply = sio.emit("post_card", {"id": str(uuid.uuid4()), "kind": "problem", "text": "x"},
                     callback=True)
    assert reply["error"] == "Cards can only be written or changed while the workshop collects."
