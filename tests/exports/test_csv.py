"""CSV of all cards: UTF-8 with BOM, semicolons, CRLF; formula-like text gets an apostrophe."""

import csv
import io

from app.services.exports import build_csv
from tests.exports.conftest import FORMULA, MARKUP, NAMES, UMLAUTS


def _rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_bom_semicolons_crlf_and_umlauts(app, week):
    with app.app_context():
        data = build_csv(week.event_id)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    rows = _rows(data)
    assert rows[0] == [
        "Workshop",
        "Art",
        "Text",
        "Antwortet auf",
        "Punkte",
        "Papier",
        "Gruppe",
        "Erstellt am",
        "Status",
    ]
    by_text = {row[2]: row for row in rows[1:]}
    assert by_text[UMLAUTS] == [
        "Sexuelle und geschlechtliche Vielfalt",
        "Problem",
        UMLAUTS,
        "",
        "4",
        "nein",
        "Verwaltung",
        # 09:31 UTC is 11:31 at the venue (CEST): German Excel reads this as a date and time.
        "2021-10-04 11:31",
        "sichtbar",
    ]
    assert by_text[MARKUP][4:6] == ["2", "ja"]


def test_every_card_with_its_status(app, week):
    with app.app_context():
        rows = _rows(build_csv(week.event_id))
    assert len(rows) == 1 + len(week.cards)
    statuses = {row[2]: row[8] for row in rows[1:]}
    assert statuses["Ausgeblendetes Problem"] == "ausgeblendet"
    assert statuses["Zurückgezogen"] == "zurückgezogen"
    assert statuses["Wartet noch"] == "wartet auf Freigabe"
    assert statuses["Jugendzentrum öffnen"] == "zusammengeführt"
    assert "Fremde Karte" not in statuses


def test_formula_like_text_gets_an_apostrophe(app, week):
    with app.app_context():
        rows = _rows(build_csv(week.event_id))
    texts = [row[2] for row in rows[1:]]
    assert "'" + FORMULA in texts and FORMULA not in texts
    assert "'+49 Hotline einrichten" in texts
    assert "'@SUM(A1)" in texts and "'-2 Stellen mehr" in texts
    answers = [row[3] for row in rows[1:]]
    assert "'" + FORMULA in answers


def test_names_only_when_asked(app, week):
    with app.app_context():
        plain = build_csv(week.event_id).decode("utf-8-sig")
        named = build_csv(week.event_id, pseudonymise=False).decode("utf-8-sig")
    assert not any(name in plain for name in NAMES)
    assert NAMES[0] in named and _rows(named.encode())[0][-1] == "Name"


def test_a_need_put_to_the_vote_is_a_need_not_a_solution(app, need_week):
    with app.app_context():
        rows = _rows(build_csv(need_week.event_id))
    (vote,) = [row for row in rows if row[2] == "Vernetzung der Akteur*innen"]
    assert vote[:2] == ["Rechte Strömungen", "Bedarf"] and vote[4] == "3"
