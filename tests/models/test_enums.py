"""Enum columns hold only known values; plain strings still work as before."""

import uuid

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError, StatementError

from app.extensions import db
from app.models import Card, CardKind, CardStatus, Phase, Workshop
from tests.conftest import database_urls

on_every_database = pytest.mark.parametrize("database_url", database_urls(), indirect=True)


def _add_card(app, **values) -> str:
    card_id = str(uuid.uuid4())
    with app.app_context():
        workshop_id = db.session.scalar(select(Workshop.id).limit(1))
        db.session.add(Card(id=card_id, workshop_id=workshop_id, text="Karte", **values))
        db.session.commit()
    return card_id


@on_every_database
def test_plain_strings_still_work_and_come_back_as_members(app):
    card_id = _add_card(app, kind="problem", status="withdrawn")
    with app.app_context():
        card = db.session.get(Card, card_id)
        assert card.kind is CardKind.PROBLEM and card.kind == "problem"
        assert card.status is CardStatus.WITHDRAWN
        assert db.session.scalar(select(Card.id).where(Card.kind == "problem")) == card_id
        workshop = db.session.scalar(select(Workshop).filter_by(slug="vielfalt"))
        workshop.phase = "vote"
        db.session.commit()
        db.session.remove()
        assert db.session.scalar(select(Workshop.phase).filter_by(slug="vielfalt")) is Phase.VOTE


@on_every_database
def test_the_orm_refuses_an_unknown_value(app):
    with pytest.raises(StatementError) as info:
        _add_card(app, kind="idea")
    assert isinstance(info.value.orig, LookupError)


@on_every_database
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE workshop SET phase = 'bogus'",
        "UPDATE workshop SET phase = 'COLLECT'",
        "UPDATE card SET kind = 'bogus'",
        "UPDATE card SET status = 'gelöscht'",
        "INSERT INTO card (id, workshop_id, kind, text, status, created_at)"
        " VALUES ('x', :workshop, 'idea', 'Text', 'visible', CURRENT_TIMESTAMP)",
    ],
)
def test_the_database_refuses_an_unknown_value(app, statement):
    _add_card(app, kind=CardKind.SOLUTION)
    with app.app_context():
        workshop_id = db.session.scalar(select(Workshop.id).limit(1))
        with db.engine.connect() as connection:
            with pytest.raises(IntegrityError):
                connection.execute(text(statement), {"workshop": workshop_id})
            connection.rollback()


@on_every_database
def test_the_database_takes_every_known_value(app):
    card_id = _add_card(app, kind=CardKind.SOLUTION)
    with app.app_context():
        for phase in Phase:
            db.session.execute(update(Workshop).values(phase=phase))
        for status in CardStatus:
            db.session.execute(update(Card).where(Card.id == card_id).values(status=status))
        db.session.commit()
