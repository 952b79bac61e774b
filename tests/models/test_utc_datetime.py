"""Times come back aware in UTC on every database and can be compared with utcnow()."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from app.extensions import db
from app.models import Event, Workshop
from app.models._types import UTCDateTime, utcnow
from tests.conftest import database_urls

on_every_database = pytest.mark.parametrize("database_url", database_urls(), indirect=True)

SUMMER_IN_BERLIN = timezone(timedelta(hours=2))


def _event_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Event.id))


@on_every_database
def test_a_time_comes_back_aware_in_utc_and_equal(app):
    written = datetime(2026, 6, 1, 14, 30, 15, 123456, tzinfo=SUMMER_IN_BERLIN)
    with app.app_context():
        event = db.session.get(Event, _event_id(app))
        event.created_at = written
        db.session.commit()
        db.session.remove()
        read = db.session.scalar(select(Event.created_at))
    assert read == written
    assert read.tzinfo is UTC
    assert read.hour == 12


@on_every_database
def test_a_stored_time_compares_with_utcnow(app):
    with app.app_context():
        read = db.session.scalar(select(Workshop.phase_changed_at).limit(1))
        assert read <= utcnow()
        assert db.session.scalar(
            select(Workshop.id).where(Workshop.phase_changed_at <= utcnow()).limit(1)
        )


@on_every_database
def test_a_naive_time_is_refused(app):
    with app.app_context():
        event = db.session.get(Event, _event_id(app))
        event.created_at = datetime(2026, 6, 1, 14, 30)
        with pytest.raises(StatementError) as info:
            db.session.commit()
        assert isinstance(info.value.orig, ValueError)
        db.session.rollback()


def test_the_type_refuses_naive_and_converts_aware_times():
    column_type = UTCDateTime()
    with pytest.raises(ValueError, match="naive"):
        column_type.process_bind_param(datetime(2026, 6, 1), None)
    bound = column_type.process_bind_param(datetime(2026, 6, 1, 2, tzinfo=SUMMER_IN_BERLIN), None)
    assert bound == datetime(2026, 6, 1, 0, tzinfo=UTC) and bound.tzinfo is UTC
    assert column_type.process_result_value(datetime(2026, 6, 1), None).tzinfo is UTC
    assert column_type.process_bind_param(None, None) is None
