"""The suggestion jobs on the database: vectors stored once per text, suggestions per need."""

from sqlalchemy import select

from app.extensions import db
from app.models import Event
from app.services import needs
from app.synthesis import jobs
from tests.conftest import TEST_WEEK_SLUG
from tests.services.test_needs import post

#: Two needs that cut across four workshops, worded differently in each, and noise.
CARDS = [
    ("vielfalt", "Es fehlt eine Vernetzung der queeren Vereine mit der Stadtverwaltung"),
    ("antisemitismus", "Bessere Vernetzung der Initiativen gegen Antisemitismus mit der Stadt"),
    ("nachbarschaft", "Vernetzung der Nachbarschaftsvereine untereinander fehlt"),
    ("jugend", "Jugendgruppen sind kaum vernetzt, ein Netzwerk der Vereine fehlt"),
    ("vielfalt", "Projekte für queere Menschen brauchen eine dauerhafte Finanzierung"),
    ("antisemitismus", "Fördergelder für Gedenkprojekte laufen immer nach einem Jahr aus"),
    ("nachbarschaft", "Die Finanzierung der Stadtteilprojekte ist nicht gesichert"),
    ("jugend", "Jugendarbeit braucht eine verlässliche Förderung über Jahre"),
    ("vielfalt", "Regenbogenflagge am Rathaus hissen"),
    ("jugend", "Skaterpark im Süden bauen"),
]


def _week(texts=CARDS):
    ids = [post(workshop, text) for workshop, text in texts]
    return db.session.scalar(select(Event).filter_by(slug=TEST_WEEK_SLUG)), ids


def test_suggestions_for_a_need_with_the_character_fallback(app):
    with app.app_context():
        event, ids = _week()
        assert jobs.embed_cards(event_id=event.id) == {"embedded": 0, "encoder": None}
        need = needs.create_need(event, "Vernetzung", ids[:2]).needs[0]
        steps = []
        result = jobs.suggest(lambda f, m="": steps.append(f), event.id, need.id)
        assert result["need"] == need.id
        assert set(result["cards"]).isdisjoint(ids[:2])
        assert sorted(result["cards"]) == sorted(ids[2:])
        assert steps == sorted(steps)


def test_groups_span_workshops_and_a_dismissed_one_does_not_come_back(app):
    with app.app_context():
        event, ids = _week(CARDS * 1)
        first = jobs.suggest(event_id=event.id)["clusters"]
        for group in first:
            assert group["workshops"] >= 3
            assert group["title"] in [text for _w, text in CARDS]
            needs.dismiss_suggestion(event, group["cards"])
        again = jobs.suggest(event_id=event.id)["clusters"]
        assert not {needs.suggestion_key(g["cards"]) for g in first} & {
            needs.suggestion_key(g["cards"]) for g in again
        }
