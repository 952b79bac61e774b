"""Purging an event deletes every row of it and nothing of any other event."""

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Event
from app.services.exports.scope import PURGED_TABLES
from app.services.retention import purge_event, purge_expired, purge_plan


def _totals() -> dict[str, int]:
    return {
        spec.name: db.session.scalar(select(func.count()).select_from(spec.table))
        for spec in PURGED_TABLES
    }


def _rows_of(event_id: int) -> dict[str, int]:
    return {
        spec.name: db.session.scalar(
            select(func.count()).select_from(spec.table).where(spec.rows_of(event_id))
        )
        for spec in PURGED_TABLES
    }


def test_purge_leaves_no_row_of_the_event_and_the_others_intact(app, week):
    with app.app_context():
        from app.models import Card, Workshop
        from app.services.needs import create_need

        event = db.session.get(Event, week.event_id)
        on_board = db.session.scalars(
            select(Card.id)
            .join(Workshop, Workshop.id == Card.workshop_id)
            .where(Workshop.event_id == event.id, Card.on_board)
            .limit(2)
        ).all()
        create_need(event, "Vernetzung", on_board)
        other = db.session.get(Event, week.other_event_id)
        create_need(other, "Bleibt")
        others = {
            event_id: _rows_of(event_id)
            for event_id in db.session.scalars(select(Event.id).where(Event.id != week.event_id))
        }
        before = _totals()
        plan = purge_plan(week.event_id)
        assert plan == {
            "event": 1,
            "stakeholder_group": 2,
            "workshop": 2,
            "participant": 3,
            "membership": 4,
            "card": 11,
            "vote": 6,
            "moderation_entry": 1,
            "facilitator_access": 2,
            "need": 1,
            "need_card": 2,
            "dismissed_suggestion": 0,
            "card_vector": 0,
            # The synthesis board's undo log: its step names the need and its cards.
            "synthesis_entry": 1,
        }
        assert purge_event(week.event_id) == plan
        assert all(count == 0 for count in _rows_of(week.event_id).values())
        after = _totals()
        assert {name: before[name] - after[name] for name in before} == plan
        for event_id, rows in others.items():
            assert _rows_of(event_id) == rows
        assert others[week.other_event_id]["vote"] == 1
        assert others[week.other_event_id]["synthesis_entry"] == 1


def test_purge_expired_deletes_only_events_past_their_period(app, week):
    with app.app_context():
        # The week's last day is 5 October 2021 and it keeps its data 30 days.
        assert purge_expired(date(2021, 11, 4)) == []
        done = purge_expired(date(2021, 11, 5))
        assert [slug for slug, _counts in done] == ["werkstatt-2021"]
        slugs = set(db.session.scalars(select(Event.slug)))
        assert slugs == {"testwoche", "andere-woche"}


def test_cli_purge_event_shows_first_then_deletes(app, week, runner):
    shown = runner.invoke(args=["purge-event", week.slug])
    assert shown.exit_code == 0
    assert "card: 11" in shown.output and "--yes" in shown.output
    with app.app_context():
        assert db.session.get(Event, week.event_id) is not None
    done = runner.invoke(args=["purge-event", week.slug, "--yes"])
    assert done.exit_code == 0 and "gelöscht" in done.output
    with app.app_context():
        assert db.session.get(Event, week.event_id) is None


def test_cli_purge_expired(app, week, runner):
    result = runner.invoke(args=["purge-expired", "--today", "2021-11-05"])
    assert result.exit_code == 0
    assert "werkstatt-2021: gelöscht" in result.output
    assert "1 Veranstaltung(en)" in result.output
