"""Upgrading a database in use: existing workshops get a projector link, nothing is lost."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.models._types import utcnow
from tests.conftest import database_urls

BEFORE_PROJECTOR_TOKENS = "4292a764b453"


@pytest.fixture
def old_app(database_url):
    """An app whose database is at the revision before projector tokens, with one week in it."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision=BEFORE_PROJECTOR_TOKENS)
        tables = db.metadata.tables
        with db.engine.begin() as connection:
            # Plain SQL: the models have columns this old revision does not have yet.
            connection.execute(
                text(
                    "INSERT INTO event (id, slug, title, description, created_at)"
                    " VALUES (1, 'alt', 'Alte Woche', '', :now)"
                ),
                {"now": utcnow()},
            )
            for n in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO workshop (id, event_id, slug, position, title, description,"
                        " room, facilitators, phase, phase_changed_at, dot_budget,"
                        " max_dots_per_card, join_token, short_code, facilitator_token)"
                        " VALUES (:id, 1, :slug, 0, 'Alt', '', '', '[]', 'vote', :now, 5, 3,"
                        " :join, :code, :facilitator)"
                    ),
                    {
                        "id": n,
                        "slug": f"alt{n}",
                        "now": utcnow(),
                        "join": f"join{n}",
                        "code": f"ABC23{n}",
                        "facilitator": f"facilitator{n}",
                    },
                )
            connection.execute(
                insert(tables["participant"]).values(
                    id="p1", event_id=1, display_name="", created_at=utcnow()
                )
            )
            connection.execute(
                text(
                    "INSERT INTO card (id, workshop_id, author_id, kind, text, status, created_at)"
                    " VALUES ('c1', 1, 'p1', 'problem', 'Zu wenig Zeit', 'visible', :now)"
                ),
                {"now": utcnow()},
            )
            connection.execute(
                insert(tables["vote"]).values(id=1, participant_id="p1", card_id="c1", dots=2)
            )
    yield app
    with app.app_context():
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_upgrade_gives_existing_workshops_a_projector_token_and_keeps_the_board(old_app):
    with old_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            workshops = connection.execute(
                text("SELECT id, projector_token, seq, phase FROM workshop ORDER BY id")
            ).all()
            votes = connection.execute(text("SELECT card_id, dots FROM vote")).all()
            cards = connection.execute(text("SELECT id FROM card")).all()
            if connection.dialect.name == "sqlite":
                # The migration turned them off for itself, not for the app afterwards.
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            connection.rollback()
            for refused in ("UPDATE workshop SET phase = 'bogus'", "UPDATE card SET kind = 'x'"):
                with pytest.raises(IntegrityError), connection.begin():
                    connection.execute(text(refused))
    tokens = [row.projector_token for row in workshops]
    assert all(token and len(token) >= 40 for token in tokens)
    assert len(set(tokens)) == 2
    assert [row.seq for row in workshops] == [0, 0]
    assert [row.phase for row in workshops] == ["vote", "vote"]
    # SQLite copies the tables to add the checks: dropping the old card table
    # must not have cascaded to the votes.
    assert [tuple(row) for row in cards] == [("c1",)]
    assert [tuple(row) for row in votes] == [("c1", 2)]
