"""A background job tells a room every step, as Socket.IO events, while the phones go on."""

import time

from sqlalchemy import func, select

from app import jobs, realtime
from app.extensions import db, socketio
from app.models import Event, Workshop


def count_workshops(progress, steps: int) -> dict:
    """A job: report ``steps`` steps, then count the workshops in the database."""
    for n in range(steps):
        progress((n + 1) / steps, f"Schritt {n + 1}")
    return {"workshops": db.session.scalar(select(func.count(Workshop.id)))}


def test_a_jobs_progress_and_result_reach_the_room_that_asked(actions, app):
    overview = socketio.test_client(
        app,
        namespace="/event",
        flask_test_client=actions.facilitator(),
        auth={"event": "testwoche"},
    )
    assert overview.is_connected("/event")
    with app.app_context():
        room = realtime.event_room(db.session.scalar(select(Event.id)))
        workshops = db.session.scalar(select(func.count(Workshop.id)))
        job_id = jobs.submit(
            "test",
            "tests.test_job_events:count_workshops",
            {"steps": 3},
            notify=realtime.job_notifier("/event", room),
        )
    steps = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        steps and steps[-1]["state"] in ("done", "failed")
    ):
        time.sleep(0.05)
        steps += [e["args"][0] for e in overview.get_received("/event") if e["name"] == "job"]
    try:
        assert steps[-1]["state"] == "done", steps[-1]
        assert steps[-1]["id"] == job_id
        assert steps[-1]["result"] == {"workshops": workshops}
        fractions = [s["progress"] for s in steps if s["state"] == "running"]
        assert len(fractions) >= 3 and fractions == sorted(fractions)
    finally:
        overview.disconnect("/event")
        app.extensions["jobs"].close()
