"""The Word document: headings per theme, ranked cards with dots, counts, literal text."""

import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from app.services.exports import build_docx
from tests.exports.conftest import FORMULA, MARKUP, NAMES, UMLAUTS


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def _headings(document, level):
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _table_after(document, heading_text, occurrence=0):
    """The rows of the table under the n-th heading with this text ([] if none comes first)."""
    seen = -1
    for block in document.iter_inner_content():
        heading = isinstance(block, Paragraph) and block.style.name.startswith("Heading")
        if heading and block.text == heading_text:
            seen += 1
        elif seen == occurrence and heading:
            return []
        elif seen == occurrence and not isinstance(block, Paragraph):
            return [[cell.text for cell in row.cells] for row in block.rows]
    return []


@pytest.fixture
def document(app, week):
    with app.app_context():
        return _open(build_docx(week.event_id))


def test_title_page_contents_and_a_heading_per_theme(document):
    text = _all_text(document)
    assert "Werkstattwoche Herne 2021" in text
    assert "Dokumentation der Werkstattwoche" in text
    assert "4.–5. Oktober 2021" in text
    assert _headings(document, 1) == [
        "Sexuelle und geschlechtliche Vielfalt",
        "Rechte Strömungen",
        "Beteiligung in der Woche",
        "Übergreifende Bedarfe",
    ]
    assert _headings(document, 2) == ["Probleme", "Lösungen", "Beteiligung"] * 2


def _contents(document):
    """The contents' lines as (level, text, the text of the heading their link leads to)."""
    headings = {}
    for paragraph in document.paragraphs:
        for mark in paragraph._p.iter(qn("w:bookmarkStart")):
            headings[mark.get(qn("w:name"))] = paragraph.text
    lines = []
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("toc "):
            links = list(paragraph._p.iter(qn("w:hyperlink")))
            target = headings.get(links[0].get(qn("w:anchor"))) if links else None
            lines.append((int(paragraph.style.name[-1]), paragraph.text, target))
    return lines


def test_contents_link_to_every_heading_and_word_asks_nothing_on_opening(document):
    # updateFields made Word ask "update the fields?" whenever the document was opened.
    assert "updateFields" not in document.settings.element.xml
    themes = ["Sexuelle und geschlechtliche Vielfalt", "Rechte Strömungen"]
    expected = []
    for theme in themes:
        expected += [(1, theme), (2, "Probleme"), (2, "Lösungen"), (2, "Beteiligung")]
    expected += [(1, "Beteiligung in der Woche"), (1, "Übergreifende Bedarfe")]
    assert _contents(document) == [(level, text, text) for level, text in expected]
    # Word can still fill in page numbers: the lines are a table of contents field's text.
    assert 'TOC \\o "1-2"' in document.element.xml


def test_the_contents_list_the_needs(app, need_week):
    with app.app_context():
        document = _open(build_docx(need_week.event_id))
    lines = _contents(document)
    assert lines[-3:] == [
        (1, "Übergreifende Bedarfe", "Übergreifende Bedarfe"),
        (2, "Vernetzung der Akteur*innen", "Vernetzung der Akteur*innen"),
        (2, "Noch leer", "Noch leer"),
    ]


def test_the_title_page_names_the_workshop_only_when_it_is_one_of_several(app, week):
    with app.app_context():
        one_of_two = _all_text(_open(build_docx(week.event_id, workshop_id=week.workshops[1])))
        week_of_one = _all_text(_open(build_docx(week.other_event_id)))
    assert "Workshop: Rechte Strömungen" in one_of_two
    assert "Anderes Thema" in week_of_one
    assert "Workshop: Anderes Thema" not in week_of_one
    # Its board has a problem and no solution: the lane says so rather than show an empty table.
    assert "Fremde Karte" in week_of_one
    assert "Auf dem Board stehen keine Lösungen." in week_of_one


def test_problems_and_solutions_ranked_by_phone_and_paper_dots(document):
    problems = _table_after(document, "Probleme")
    assert problems[0] == ["Platz", "Problem", "Punkte", "Lösungen dazu"]
    # umlauts: 3 + 1 phone dots; markup: 2 paper dots; formula: 1 phone dot.
    assert [row[:3] for row in problems[1:]] == [
        ["1.", UMLAUTS, "4"],
        ["2.", f"{MARKUP} (Papier)", "2"],
        ["3.", FORMULA, "1"],
    ]
    assert problems[1][3] == "→ Jugendzentrum länger öffnen (Punkte: 2)"
    assert problems[3][3] == "→ +49 Hotline einrichten (Punkte: 0)"
    solutions = _table_after(document, "Lösungen")
    assert solutions[1:] == [
        ["1.", "Jugendzentrum länger öffnen", "2", f"← {UMLAUTS}"],
        ["2.", "+49 Hotline einrichten", "0", f"← {FORMULA}"],
    ]


def test_only_cards_on_the_board_count(document):
    text = _all_text(document)
    for gone in ("Ausgeblendetes Problem", "Zurückgezogen", "Wartet noch", "Jugendzentrum öffnen"):
        assert gone not in text.replace("Jugendzentrum länger öffnen", "")


def test_participation_counts_by_group_never_names(document):
    text = _all_text(document)
    assert "Teilnehmende: 3 · Karten auf dem Board: 5 · vergebene Punkte: 9" in text
    assert _table_after(document, "Beteiligung") == [
        ["Gruppe", "Anzahl"],
        ["Verwaltung", "1"],
        ["Zivilgesellschaft", "1"],
        ["ohne Angabe", "1"],
    ]
    assert _table_after(document, "Beteiligung in der Woche")[1:] == [
        ["Verwaltung", "1"],
        ["Zivilgesellschaft", "1"],
        ["ohne Angabe", "1"],
    ]
    for name in NAMES:
        assert name not in text


def test_card_text_goes_in_literally(document):
    text = _all_text(document)
    assert UMLAUTS in text and "🙂" in text
    assert MARKUP in text and FORMULA in text
    # As text runs, not as markup or a field.
    assert "&lt;b&gt;x&lt;/b&gt;" in document.element.xml


def test_needs_section_says_there_are_none_yet(document):
    assert "Es wurden noch keine übergreifenden Bedarfe erfasst." in _all_text(document)


def test_english_and_one_workshop(app, week):
    with app.app_context():
        document = _open(build_docx(week.event_id, locale="en", workshop_id=week.workshops[1]))
    text = _all_text(document)
    assert "Documentation of the workshop week" in text
    assert _headings(document, 1) == ["Rechte Strömungen"]
    assert _headings(document, 2) == ["Problems", "Solutions", "Participation"]


def test_progress_is_reported(app, week):
    seen = []
    with app.app_context():
        build_docx(week.event_id, progress=lambda fraction, message: seen.append(fraction))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_a_recorded_need_shows_with_where_it_came_from(app, week):
    from app.extensions import db
    from app.models import Event
    from app.services.needs import create_need

    with app.app_context():
        event = db.session.get(Event, week.event_id)
        create_need(event, "Vernetzung der Akteur*innen", [week.cards["umlauts"]])
        document = _open(build_docx(week.event_id))
    text = _all_text(document)
    assert "Vernetzung der Akteur*innen" in text
    assert UMLAUTS in text
    assert "Es wurden noch keine übergreifenden Bedarfe erfasst." not in text


def test_each_need_shows_what_makes_it_concrete_and_its_themes_cards_dots_groups(app, need_week):
    with app.app_context():
        document = _open(build_docx(need_week.event_id))
    assert "Vernetzung der Akteur*innen" in _headings(document, 2)
    overview = _table_after(document, "Übergreifende Bedarfe")
    assert overview[0] == ["Bedarf", "Themen", "Karten", "Punkte", "Priorität", "Abstimmung"]
    assert overview[1] == ["Vernetzung der Akteur*innen", "2", "3", "7", "2", "3"]
    assert overview[2] == ["Noch leer", "0", "0", "0", "", "0"]
    text = _all_text(document)
    assert "Was gebraucht wird: Ein festes Netzwerktreffen" in text
    assert "Erste Schritte: Termin finden\nEinladungsliste abstimmen" in text
    assert "Priorität: 2 (von 1 bis 5)" in text
    assert "Abstimmung: 3 Punkte (Rechte Strömungen)" in text
    assert "Jugendzentrum länger öffnen (Sexuelle und geschlechtliche Vielfalt, Punkte: 2)" in text
    assert (
        "Woher der Bedarf kommt: Themen: 2 (Sexuelle und geschlechtliche Vielfalt, "
        "Rechte Strömungen) · Karten: 3 · Punkte: 7." in text
    )
    assert "Karten nach Gruppe: Zivilgesellschaft 2, Verwaltung 1." in text
    sources = _table_after(document, "Vernetzung der Akteur*innen", occurrence=0)
    assert sources == [
        ["Thema", "Art", "Karte", "Punkte"],
        ["Sexuelle und geschlechtliche Vielfalt", "Problem", UMLAUTS, "4"],
        ["Sexuelle und geschlechtliche Vielfalt", "Lösung", "Jugendzentrum länger öffnen", "2"],
        ["Rechte Strömungen", "Problem", "@SUM(A1)", "1"],
    ]
    assert "Diesem Bedarf ist keine Karte eines Boards zugeordnet." in text
    # The vote is in the chapter of the theme where it was held, ranked.
    assert _table_after(document, "Abstimmung über die Bedarfe") == [
        ["Platz", "Bedarf", "Punkte"],
        ["1.", "Vernetzung der Akteur*innen", "3"],
        ["2.", "Noch leer", "0"],
    ]
    assert not any(name in text for name in NAMES)
