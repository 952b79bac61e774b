"""Derived state (on the board? collecting? results shown?) reads the same in Python and SQL."""

import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Card, CardStatus, Phase, Workshop
from tests.conftest import database_urls

on_every_database = pytest.mark.parametrize("database_url", database_urls(), indirect=True)

EXPECTED = {
    # phase: (collecting, voting, results_shown) once the facilitator revealed the results
    Phase.COLLECT: (True, False, False),
    Phase.DISCUSS: (False, False, False),
    Phase.VOTE: (False, True, False),
    Phase.RESULTS: (False, False, True),
    Phase.CLOSED: (False, False, True),
}


@pytest.mark.parametrize("phase", list(Phase))
def test_phase_state_in_python(phase):
    for value in (phase, phase.value):  # a plain string, as assigned before a reload
        workshop = Workshop(phase=value, results_revealed=True)
        assert (workshop.collecting, workshop.voting, workshop.results_shown) == EXPECTED[phase]
        assert workshop.current_phase is phase
        # Until the facilitator reveals them, the results are shown to nobody in the room.
        assert not Workshop(phase=value, results_revealed=False).results_shown


@on_every_database
@pytest.mark.parametrize("phase", list(Phase))
def test_phase_state_in_sql(app, make_workshop, phase):
    workshop = make_workshop(phase=phase)
    with app.app_context():
        db.session.execute(
            db.update(Workshop).where(Workshop.id == workshop.id).values(results_revealed=True)
        )
        db.session.commit()
        found = [
            set(db.session.scalars(select(Workshop.slug).where(state)))
            for state in (Workshop.collecting, Workshop.voting, Workshop.results_shown)
        ]
        others = set(db.session.scalars(select(Workshop.slug).where(Workshop.id != workshop.id)))
    # The test week's own workshops stay collecting.
    expected = [({workshop.slug} if shown else set()) for shown in EXPECTED[phase]]
    expected[0] |= others
    assert found == expected


def test_on_board_in_python():
    assert Card(status=CardStatus.VISIBLE).on_board
    assert Card(status="visible").on_board
    for status in set(CardStatus) - {CardStatus.VISIBLE}:
        assert not Card(status=status).on_board


@on_every_database
def test_on_board_in_sql(app):
    with app.app_context():
        workshop_id = db.session.scalar(select(Workshop.id).filter_by(slug="vielfalt"))
        ids = {status: str(uuid.uuid4()) for status in CardStatus}
        for status, card_id in ids.items():
            db.session.add(
                Card(id=card_id, workshop_id=workshop_id, kind="problem", text="K", status=status)
            )
        db.session.commit()
        assert db.session.scalars(select(Card.id).where(Card.on_board)).all() == [
            ids[CardStatus.VISIBLE]
        ]
        assert set(db.session.scalars(select(Card.id).where(~Card.on_board))) == {
            card_id for status, card_id in ids.items() if status != CardStatus.VISIBLE
        }
