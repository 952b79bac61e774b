"""Property-based: arbitrary payloads never break the server, and the books always balance."""

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, Membership, Vote, Workshop

COMMANDS = ["sync", "post_card", "edit_card", "withdraw_card", "cast_vote", "take_back_vote"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=600),
    st.just(str(uuid.uuid4())),
    st.sampled_from(["problem", "solution", "vote", ""]),
)
payloads = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["id", "kind", "text", "answers", "phase", "x"]), inner, max_size=5
        ),
    ),
    max_leaves=8,
)


def _state(app):
    with app.app_context():
        cards = db.session.execute(select(Card.id, Card.text, Card.status)).all()
        votes = db.session.execute(select(Vote.card_id, Vote.dots)).all()
        spent = db.session.execute(select(Membership.id, Membership.dots_spent)).all()
        phase = db.session.execute(select(Workshop.id, Workshop.phase)).all()
        return sorted(cards), sorted(votes), sorted(spent), sorted(phase)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.sampled_from(COMMANDS + ["set_phase"]), payload=payloads)
def test_arbitrary_payloads_never_fail_and_a_refusal_changes_nothing(actions, command, payload):
    if not hasattr(actions, "screen"):
        phone = actions.phone()
        actions.join(phone)
        actions.screen = actions.socket(phone)
        actions.staff = actions.socket(actions.facilitator(), role="console")
        actions.projector = actions.socket(actions.phone(), role="projector")
    for sio in (actions.screen, actions.staff, actions.projector):
        before = _state(actions.app)
        reply = sio.emit(command, payload, callback=True)
        assert isinstance(reply, dict) and "ok" in reply
        assert reply.get("code") != "error", reply
        if not reply["ok"]:
            assert reply["error"]
            assert _state(actions.app) == before
        if sio is actions.projector:
            assert reply["ok"] is (command == "sync")
            assert _state(actions.app) == before


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(
        ["/join", "/j/{token}", "/w/{code}/cards", "/w/{code}/cards/edit",
         "/w/{code}/cards/withdraw", "/w/{code}/votes", "/w/{code}/votes/take-back",
         "/w/{code}/facilitate"]
    ),
    form=st.dictionaries(
        st.sampled_from(["code", "display_name", "group", "id", "kind", "text", "answers",
                         "phase", "csrf_token"]),
        st.text(max_size=600),
        max_size=6,
    ),
)
def test_arbitrary_form_posts_never_fail(actions, route, form):
    workshop = actions.workshop()
    if not hasattr(actions, "person"):
        actions.person = actions.phone()
        actions.join(actions.person)
    url = route.format(token=workshop.join_token, code=workshop.short_code)
    response = actions.person.post(url, data=form)
    assert response.status_code < 500


class BoardMachine(RuleBasedStateMachine):
    """Random joins, posts, votes, take-backs, reconnects and phase changes by several phones."""

    def __init__(self):
        super().__init__()
        self.phones = []  # (test client, [socket tabs])
        self.acknowledged = set()

    def setup(self, actions):
        self.actions = actions
        self.staff = actions.socket(actions.facilitator(), role="console")

    @initialize()
    def a_room_with_cards(self):
        for _ in range(2):
            self.join()
        for n in range(3):
            self.post(n, "problem", f"Karte {n}", resend=False)
        self.change_phase("vote")

    @rule()
    def join(self):
        if len(self.phones) >= 4:
            return
        phone = self.actions.phone()
        self.actions.join(phone)
        self.phones.append((phone, [self.actions.socket(phone)]))

    @precondition(lambda self: self.phones)
    @rule(who=st.integers(0, 3))
    def open_second_tab(self, who):
        phone, tabs = self.phones[who % len(self.phones)]
        if len(tabs) < 3:
            tabs.append(self.actions.socket(phone))

    @precondition(lambda self: self.phones)
    @rule(who=st.integers(0, 3), kind=st.sampled_from(["problem", "solution"]),
          text=st.text(min_size=1, max_size=40), resend=st.booleans())
    def post(self, who, kind, text, resend):
        tab = self._tab(who)
        payload = {"id": str(uuid.uuid4()), "kind": kind, "text": text}
        for _ in range(2 if resend else 1):
            reply = tab.emit("post_card", payload, callback=True)
            if reply["ok"]:
                self.acknowledged.add(payload["id"])

    @precondition(lambda self: self.phones)
    @rule(who=st.integers(0, 3), card=st.integers(0, 50), take_back=st.booleans(),
          times=st.integers(1, 7))
    def vote(self, who, card, take_back, times):
        ids = sorted(self.acknowledged)
        for n in range(times):
            self._tab(who, n).emit(
                "take_back_vote" if take_back else "cast_vote",
                {"id": ids[(card + n // 3) % len(ids)]},
                callback=True,
            )

    @precondition(lambda self: self.phones)
    @rule(who=st.integers(0, 3))
    def reconnect(self, who):
        tab = self._tab(who)
        tab.disconnect()
        tab.connect(auth={"workshop": self.actions.workshop().short_code})
        board = tab.emit("sync", {}, callback=True)["board"]
        assert {c["id"] for c in board["cards"]} >= self.acknowledged

    @rule(phase=st.sampled_from(["collect", "discuss", "vote", "results", "closed"]))
    def change_phase(self, phase):
        reply = self.staff.emit("set_phase", {"phase": phase}, callback=True)
        assert reply["ok"] or reply["code"] == "unchanged", reply

    def _tab(self, who, n=0):
        """One of the tabs of phone ``who``."""
        _, tabs = self.phones[who % len(self.phones)]
        return tabs[n % len(tabs)]

    @invariant()
    def dots_spent_within_budget_and_books_balance(self):
        with self.actions.app.app_context():
            workshop = db.session.scalar(select(Workshop).filter_by(slug="vielfalt"))
            for membership in db.session.scalars(select(Membership)):
                given_dots = db.session.scalar(
                    select(func.coalesce(func.sum(Vote.dots), 0)).filter_by(
                        participant_id=membership.participant_id
                    )
                )
                assert 0 <= membership.dots_spent <= workshop.dot_budget
                assert given_dots == membership.dots_spent
            per_card = db.session.scalar(select(func.max(Vote.dots)))
            assert per_card is None or per_card <= workshop.max_dots_per_card

    @invariant()
    def no_acknowledged_card_lost_or_duplicated(self):
        with self.actions.app.app_context():
            stored = list(db.session.scalars(select(Card.id)))
        assert set(stored) == self.acknowledged
        # The board shows each card once, however many dots it has and however often it was sent.
        board = self.staff.emit("sync", {}, callback=True)["board"]
        assert sorted(card["id"] for card in board["cards"]) == sorted(stored)


def test_stateful_board(actions):
    from hypothesis.stateful import run_state_machine_as_test

    from app.models import Participant

    def make():
        # One app for all runs, emptied before each so that every run starts alike.
        actions.close()
        with actions.app.app_context():
            for model in (Vote, Card, Membership, Participant):
                db.session.execute(model.__table__.delete())
            db.session.execute(Workshop.__table__.update().values(phase="collect"))
            db.session.commit()
        machine = BoardMachine()
        machine.setup(actions)
        return machine

    run_state_machine_as_test(
        make, settings=settings(max_examples=25, stateful_step_count=30, deadline=None)
    )
