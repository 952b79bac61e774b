"""Group commit of the board's socket writes: what a phone notices of a batch.

The command worker runs the waiting writes in one transaction, each in its
own savepoint. These tests drive one batch directly (the test server runs
commands one by one): a refused command undoes only itself, every other one
is kept, and no fact leaves the server before the batch is on disk.
"""

import contextvars
import uuid

import pytest
from sqlalchemy import event, select

from app.extensions import db, socketio
from app.models import Membership, Participant, Vote
from app.participant import actions as board_actions
from app.participant.sockets import area
from app.sockets import CommandQueue, Connection, Job, TokenBucket, commands
from tests.sockets.test_board import _ack, _card


class Result:
    def __init__(self):
        self.value = self.error = None

    def set(self, value):
        self.value = value

    def set_exception(self, exc):
        self.error = exc


@pytest.fixture
def voting_room(actions, make_workshop):
    """A workshop in the vote phase with three cards and two joined phones."""
    workshop = make_workshop(dot_budget=2, max_dots_per_card=2)
    phones = []
    for name in ("Ayşe", "Bernd"):
        phone = actions.phone()
        actions.join(phone, workshop, name=name)
        phones.append(actions.socket(phone, workshop))
    cards = [_card(text=f"Karte {k}") for k in range(3)]
    for card in cards:
        assert _ack(phones[0], "post_card", card)["ok"]
    actions.set_phase("vote", workshop)
    with actions.app.app_context():
        people = db.session.scalars(
            select(Participant.id)
            .join(Membership, Membership.participant_id == Participant.id)
            .where(Membership.workshop_id == workshop.id)
            .order_by(Participant.display_name)
        ).all()
    return workshop, people, [c["id"] for c in cards]


def _job(app, workshop, participant_id, act, payload):
    """A command as a socket would queue it: in its own request's context."""
    with app.test_request_context("/socket.io/"):
        context = contextvars.copy_context()
    conn = Connection(
        area, {"workshop": workshop.id, "participant": participant_id}, [], TokenBucket(10, 30)
    )
    return Job(context, lambda: area._execute(act, conn, "sid", payload), Result(), True)


def _dots(app):
    with app.app_context():
        return {
            (v.participant_id, v.card_id): v.dots
            for v in db.session.scalars(select(Vote).where(Vote.dots > 0))
        }


def test_a_refused_command_in_a_batch_undoes_only_itself(app, voting_room):
    workshop, (ayse, bernd), cards = voting_room
    cast = board_actions.cast_vote
    jobs = [
        _job(app, workshop, ayse, cast, {"id": cards[0]}),
        _job(app, workshop, ayse, cast, {"id": cards[1]}),
        _job(app, workshop, ayse, cast, {"id": cards[2]}),  # a third dot: over her budget
        _job(app, workshop, bernd, cast, {"id": cards[2]}),
        _job(app, workshop, bernd, cast, {"id": str(uuid.uuid4())}),
        _job(app, workshop, bernd, cast, {"id": cards[2]}),
    ]
    CommandQueue.run_batch(app, jobs)
    replies = [job.result.value for job in jobs]
    assert [r["ok"] for r in replies] == [True, True, False, True, False, True]
    assert replies[2]["code"] == "budget"
    assert replies[4]["code"] == "not_found"
    assert replies[5]["dots"] == 2 and replies[5]["dots_left"] == 0
    assert _dots(app) == {(ayse, cards[0]): 1, (ayse, cards[1]): 1, (bernd, cards[2]): 2}
    with app.app_context():
        spent = dict(
            db.session.execute(
                select(Membership.participant_id, Membership.dots_spent).where(
                    Membership.workshop_id == workshop.id
                )
            ).all()
        )
    assert spent == {ayse: 2, bernd: 2}


def test_no_fact_leaves_before_the_batch_is_committed(app, voting_room, monkeypatch):
    workshop, (ayse, bernd), cards = voting_room
    log = []
    monkeypatch.setattr(socketio, "emit", lambda name, *a, **k: log.append(("emit", name)))

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "commit")
    def committed(conn):
        log.append(("commit", None))

    try:
        jobs = [
            _job(app, workshop, ayse, board_actions.cast_vote, {"id": cards[1]}),
            _job(app, workshop, bernd, board_actions.cast_vote, {"id": cards[0]}),
        ]
        CommandQueue.run_batch(app, jobs)
    finally:
        event.remove(engine, "commit", committed)
    assert all(job.result.value["ok"] for job in jobs)
    assert log[0] == ("commit", None)
    assert log.count(("emit", "dots_changed")) == 2
    assert log.count(("commit", None)) == 1


def test_a_failed_commit_acknowledges_nothing_and_announces_nothing(app, voting_room, monkeypatch):
    workshop, (ayse, _bernd), cards = voting_room
    sent = []
    monkeypatch.setattr(socketio, "emit", lambda name, *a, **k: sent.append(name))

    def broken_commit(app, session):
        raise OSError("disk full")

    monkeypatch.setattr("app.sockets._commit", broken_commit)
    job = _job(app, workshop, ayse, board_actions.cast_vote, {"id": cards[0]})
    CommandQueue.run_batch(app, [job])
    assert job.result.value["ok"] is False and job.result.value["code"] == "error"
    assert sent == []
    assert _dots(app) == {}


def test_too_many_waiting_commands_are_answered_busy_at_once(
    app, voting_room, actions, monkeypatch
):
    from gevent.queue import Queue

    workshop, _people, cards = voting_room
    app.config["COMMAND_QUEUE_LIMIT"] = 2
    waiting = Queue()
    waiting.put("a")
    waiting.put("b")
    monkeypatch.setattr(commands, "_jobs", waiting)
    phone = actions.phone()
    actions.join(phone, workshop)
    sio = actions.socket(phone, workshop)
    reply = _ack(sio, "cast_vote", {"id": cards[0]})
    assert reply["ok"] is False and reply["code"] == "busy"
    assert "bitte gleich noch einmal" in reply["error"]
    assert _dots(app) == {}
    monkeypatch.setattr(commands, "_jobs", None)
    assert _ack(sio, "cast_vote", {"id": cards[0]})["ok"]


def test_a_vote_right_after_the_phase_closed_is_refused(app, voting_room, actions):
    workshop, _people, cards = voting_room
    phone = actions.phone()
    actions.join(phone, workshop)
    sio = actions.socket(phone, workshop)
    assert _ack(sio, "cast_vote", {"id": cards[0]})["ok"]
    actions.set_phase("discuss", workshop)
    reply = _ack(sio, "cast_vote", {"id": cards[1]})
    assert reply["ok"] is False and reply["code"] == "phase"
    assert _ack(sio, "take_back_vote", {"id": cards[0]})["code"] == "phase"
    actions.set_phase("vote", workshop)
    assert _ack(sio, "cast_vote", {"id": cards[1]})["ok"]
