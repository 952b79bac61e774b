"""The Excel workbook: a sheet per workshop and of needs, frozen headers, filters, numbers."""

import io
import zipfile
from datetime import datetime

import openpyxl
import pytest

from app.extensions import db
from app.models import Event, Workshop
from app.services.exports import build_xlsx
from app.services.exports.excel import sheet_names
from tests.exports.conftest import FORMULA, MARKUP, NAMES, UMLAUTS, _workshop


@pytest.fixture
def xlsx(app, week) -> bytes:
    with app.app_context():
        return build_xlsx(week.event_id)


def test_a_sheet_per_workshop_and_one_of_needs(xlsx):
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Sexuelle und geschlechtliche…", "Rechte Strömungen", "Bedarfe"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
    assert book["Bedarfe"]["A2"].value == "Es wurden noch keine übergreifenden Bedarfe erfasst."


def test_rows_ranked_with_dots_as_numbers_and_dates_as_dates(xlsx):
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Sexuelle und geschlechtliche…"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Art",
        "Platz",
        "Text",
        "Punkte",
        "Papier",
        "Antwortet auf",
        "Gruppe",
        "Erstellt am",
    )
    assert [row[:6] for row in rows[1:]] == [
        ("Problem", 1, UMLAUTS, 4, "nein", None),
        ("Problem", 2, MARKUP, 2, "ja", None),
        ("Problem", 3, FORMULA, 1, "nein", None),
        ("Lösung", 1, "Jugendzentrum länger öffnen", 2, "nein", UMLAUTS),
        ("Lösung", 2, "+49 Hotline einrichten", 0, "nein", FORMULA),
    ]
    assert all(isinstance(row[3], int) for row in rows[1:])
    assert rows[1][6] == "Verwaltung" and rows[2][6] is None
    # 09:31 UTC is 11:31 in Herne (summer time).
    assert rows[1][7] == datetime(2021, 10, 4, 11, 31)
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["B"].width


def test_formula_like_text_stays_a_string_cell(xlsx):
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    cell = book["Sexuelle und geschlechtliche…"]["C4"]
    assert cell.value == FORMULA and cell.data_type == "s"
    assert cell.quotePrefix
    assert book["Rechte Strömungen"]["C2"].value == "@SUM(A1)"
    # What Excel and LibreOffice read: no <f> (formula) element anywhere, the text as a string.
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode() for n in sheets)
        strings = (
            archive.read("xl/sharedStrings.xml").decode()
            if ("xl/sharedStrings.xml" in archive.namelist())
            else xml
        )
    assert "<f>" not in xml and "<x:f>" not in xml
    assert FORMULA in strings and "+49 Hotline einrichten" in strings


def test_names_only_when_asked(app, week, xlsx):
    def text_of(data):
        book = openpyxl.load_workbook(io.BytesIO(data))
        return repr([list(s.iter_rows(values_only=True)) for s in book.worksheets])

    for name in NAMES:
        assert name not in text_of(xlsx)
    with app.app_context():
        named = build_xlsx(week.event_id, pseudonymise=False)
    assert NAMES[0] in text_of(named)


def test_sheet_names_are_valid_and_unique():
    names = sheet_names(
        ["A/B: [Test]?", "Bedarfe", "x" * 40, "x" * 40, "'Zitat'", "HISTORY", "Akteur*innen"],
        reserved=["Bedarfe"],
    )
    assert names == [
        "A B Test",
        "Bedarfe (2)",
        "x" * 30 + "…",
        "x" * 26 + "… (2)",
        "Zitat",
        "HISTORY (2)",
        # The gender star as the gender gap, not a space that splits the word.
        "Akteur_innen",
    ]
    assert all(len(name) <= 31 for name in names)


FORBIDDEN = set("[]:*?/\\")


def _cells(sheet) -> str:
    return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_workshops_alike_in_their_first_31_characters_get_sheets_that_tell_them_apart(app, week):
    titles = [
        "Rassismus gegen Sinti*zze und Rom*nja: in der Schule",
        "Rassismus gegen Sinti*zze und Rom*nja: in der Verwaltung [2]",
    ]
    assert titles[0][:31] == titles[1][:31]
    with app.app_context():
        for workshop_id, title in zip(week.workshops, titles, strict=True):
            db.session.get(Workshop, workshop_id).title = title
        db.session.commit()
        book = openpyxl.load_workbook(io.BytesIO(build_xlsx(week.event_id)))
    assert book.sheetnames == [
        "Rassismus gegen… in der Schule",
        "Rassismus gegen… Verwaltung 2",
        "Bedarfe",
    ]
    for name in book.sheetnames:
        assert len(name) <= 31 and not FORBIDDEN & set(name)
    # Each sheet holds its own workshop's cards.
    assert UMLAUTS in _cells(book["Rassismus gegen… in der Schule"])
    assert "@SUM(A1)" in _cells(book["Rassismus gegen… Verwaltung 2"])


def test_a_workshop_without_cards_says_so_under_its_header(app, week):
    with app.app_context():
        event = db.session.get(Event, week.event_id)
        db.session.add(_workshop(event, "abschluss", "Abschlusstreffen", 2))
        db.session.commit()
        book = openpyxl.load_workbook(io.BytesIO(build_xlsx(week.event_id)))
    sheet = book["Abschlusstreffen"]
    assert sheet["A1"].value == "Art" and sheet.freeze_panes == "A2"
    assert sheet["A2"].value == "Auf dem Board dieses Workshops stehen keine Karten."
    assert sheet.max_row == 2
    # The sentence runs on over the empty cells; the "Art" column stays as narrow as its title.
    assert sheet.column_dimensions["A"].width < 10 and not sheet["A2"].alignment.wrap_text
    # A workshop with cards has none of it.
    assert "keine Karten" not in _cells(book["Rechte Strömungen"])


def test_the_needs_sheet_has_origin_counts_as_numbers_and_goals(app, need_week):
    with app.app_context():
        book = openpyxl.load_workbook(io.BytesIO(build_xlsx(need_week.event_id)))
    sheet = book["Bedarfe"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, (cell.value for cell in sheet[2]), strict=True))
    assert row["Bedarf"] == "Vernetzung der Akteur*innen"
    assert row["Erste Schritte"] == "Termin finden\nEinladungsliste abstimmen"
    numbers = ("Priorität", "Anzahl Themen", "Anzahl Karten", "Punkte der Karten")
    assert [row[name] for name in numbers] == [2, 2, 3, 7]
    assert row["Punkte in der Abstimmung"] == 3
    assert row["Ziele (verknüpfte Lösungen)"] == "Jugendzentrum länger öffnen"
    assert row["Gruppen (Karten)"] == "Zivilgesellschaft 2, Verwaltung 1"
    assert row["Karten"].splitlines()[-1] == "@SUM(A1) (Rechte Strömungen, Problem, Punkte: 1)"
    # The vote's cards are rows of the theme where it was held.
    rechts = book["Rechte Strömungen"]
    kinds = [(r[0].value, r[2].value, r[3].value) for r in rechts.iter_rows(min_row=2)]
    assert ("Bedarf", "Vernetzung der Akteur*innen", 3) in kinds
