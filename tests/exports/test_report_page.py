"""The print-ready HTML report: the Word document's content, card text as text, organizers only."""

import html
import re

import pytest

from app.extensions import db
from app.models import Event, Workshop
from tests.exports.conftest import MARKUP, NAMES, UMLAUTS
from tests.organize.conftest import log_in


@pytest.fixture
def office(app, organizer):
    browser = app.test_client()
    assert log_in(browser).status_code == 302
    return browser


@pytest.fixture
def organizer(app):
    from app.services.organizers import create_organizer
    from tests.organize.conftest import LOGIN, PASSWORD

    with app.app_context():
        return create_organizer(LOGIN, "Koordinierungsstelle", PASSWORD).id


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_report_has_the_themes_ranked_cards_groups_and_needs(app, week, office):
    from app.services.needs import create_need

    with app.app_context():
        event = db.session.get(Event, week.event_id)
        create_need(event, "Vernetzung der Akteur*innen", [week.cards["umlauts"]])
    response = office.get(f"/organisation/e/{week.slug}/bericht")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "css/report.css" in page
    text = " ".join(_text(page).split())
    assert "Dokumentation der Werkstattwoche" in text
    assert "Sexuelle und geschlechtliche Vielfalt" in text and "Rechte Strömungen" in text
    # Ranked by dots: the umlaut problem (4 dots) before the markup card (2 paper dots).
    assert text.index(UMLAUTS) < text.index(MARKUP) < text.rindex("Übergreifende Bedarfe")
    assert "→ Jugendzentrum länger öffnen (Punkte: 2)" in text
    assert "(Papier)" in text
    # Only cards on the board; never names.
    assert "Ausgeblendetes Problem" not in text and "Wartet noch" not in text
    assert not any(name in text for name in NAMES)
    assert "Beteiligung in der Woche" in text and "Verwaltung 1" in text
    assert "Vernetzung der Akteur*innen" in text and "Woher der Bedarf kommt" in text
    assert f"Sexuelle und geschlechtliche Vielfalt Problem {UMLAUTS} 4" in text


def test_the_reports_needs_show_their_origin_goals_and_vote(need_week, office):
    page = office.get(f"/organisation/e/{need_week.slug}/bericht").get_data(as_text=True)
    text = " ".join(_text(page).split())
    assert "Vernetzung der Akteur*innen 2 3 7 2 3" in text
    assert "Priorität 2 (von 1 bis 5)" in text and "Abstimmung 3 Punkte (Rechte Strömungen)" in text
    assert "Jugendzentrum länger öffnen (Sexuelle und geschlechtliche Vielfalt, Punkte: 2)" in text
    assert "Themen: 2 (Sexuelle und geschlechtliche Vielfalt, Rechte Strömungen)" in text
    assert "Karten nach Gruppe: Zivilgesellschaft 2, Verwaltung 1." in text
    vote = "Abstimmung über die Bedarfe Platz Bedarf Punkte 1. Vernetzung der Akteur*innen 3"
    assert vote in text
    # The first steps keep their lines (the page's CSS shows them as typed).
    assert 'class="report-lines">Termin finden\nEinladungsliste abstimmen</dd>' in page


def test_card_text_is_shown_as_text_never_as_markup(week, office):
    page = office.get(f"/organisation/e/{week.slug}/bericht").get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_without_needs_the_report_says_so(week, office):
    text = _text(office.get(f"/organisation/e/{week.slug}/bericht").get_data(as_text=True))
    assert "Es wurden noch keine übergreifenden Bedarfe erfasst." in text


def test_one_workshops_report_in_english(app, week, office):
    with app.app_context():
        code = db.session.get(Workshop, week.workshops[1]).short_code
    response = office.get(
        f"/organisation/e/{week.slug}/bericht?workshop={code}", headers={"Accept-Language": "en"}
    )
    text = _text(response.get_data(as_text=True))
    assert "Documentation of the workshop week" in text
    assert "Workshop: Rechte Strömungen" in text
    assert "Sexuelle und geschlechtliche Vielfalt" not in text and "Cross-cutting" not in text


def test_a_workshop_of_another_event_is_refused(app, week, office):
    with app.app_context():
        other = db.session.scalar(
            db.select(Workshop).where(Workshop.event_id == week.other_event_id)
        )
        code = other.short_code
    assert office.get(f"/organisation/e/{week.slug}/bericht?workshop={code}").status_code == 400
    assert office.get("/organisation/e/gibtsnicht/bericht").status_code == 404


def test_no_one_but_an_organizer_reads_the_report(app, week):
    response = app.test_client().get(f"/organisation/e/{week.slug}/bericht")
    assert response.status_code == 302 and "/organisation/login" in response.headers["Location"]
