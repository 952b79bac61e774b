"""The dot budget: enforced by the database, also when several tabs vote at the same moment."""

import threading
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Membership, Participant, Vote, Workshop
from app.services import board, joining, voting
from app.services.errors import ServiceError
from app.services.phases import set_phase
from tests.conftest import database_urls


def _setup(app, made, cards=3):
    """Put the made workshop in the vote phase with some cards and one participant; return ids."""
    with app.app_context():
        workshop = db.session.get(Workshop, made.id)
        author = joining.join(workshop, None, display_name="Autorin")
        card_ids = []
        for n in range(cards):
            card, _ = board.post_card(
                workshop, author, card_id=str(uuid.uuid4()), kind="problem", text=f"Karte {n}"
            )
            card_ids.append(card.id)
        voter = joining.join(workshop, None)
        set_phase(workshop, "vote")
        return workshop.id, voter.id, card_ids


def _vote(app, workshop_id, participant_id, card_id, take_back=False):
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        participant = db.session.get(Participant, participant_id)
        action = voting.take_back_vote if take_back else voting.cast_vote
        try:
            return action(workshop, participant, card_id=card_id)
        finally:
            db.session.remove()


def test_dots_until_the_budget_is_spent(app, make_workshop):
    workshop_id, voter, cards = _setup(app, make_workshop(dot_budget=5, max_dots_per_card=3))
    changes = [_vote(app, workshop_id, voter, cards[i % 3]) for i in range(5)]
    assert [c.dots_left for c in changes] == [4, 3, 2, 1, 0]
    assert [c.dots for c in changes] == [1, 1, 1, 2, 2]
    with pytest.raises(ServiceError) as info:
        _vote(app, workshop_id, voter, cards[2])
    assert info.value.code == "budget"
    assert "alle deine Punkte" in str(info.value)


def test_at_most_n_dots_on_one_card(app, make_workshop):
    workshop_id, voter, cards = _setup(app, make_workshop(dot_budget=5, max_dots_per_card=3))
    for _ in range(3):
        _vote(app, workshop_id, voter, cards[0])
    with pytest.raises(ServiceError) as info:
        _vote(app, workshop_id, voter, cards[0])
    assert info.value.code == "card_limit"
    assert _vote(app, workshop_id, voter, cards[1]).dots_left == 1


def test_taking_a_dot_back_frees_it(app, make_workshop):
    workshop_id, voter, cards = _setup(app, make_workshop(dot_budget=5, max_dots_per_card=3))
    _vote(app, workshop_id, voter, cards[0])
    change = _vote(app, workshop_id, voter, cards[0], take_back=True)
    assert (change.card_id, change.dots, change.dots_left) == (cards[0], 0, 5)
    with pytest.raises(ServiceError) as info:
        _vote(app, workshop_id, voter, cards[0], take_back=True)
    assert info.value.code == "no_dot"


def test_no_voting_outside_the_vote_phase(app, make_workshop):
    workshop_id, voter, cards = _setup(app, make_workshop(dot_budget=5, max_dots_per_card=3))
    with app.app_context():
        set_phase(db.session.get(Workshop, workshop_id), "collect")
    with pytest.raises(ServiceError) as info:
        _vote(app, workshop_id, voter, cards[0])
    assert info.value.code == "phase"


def test_unknown_card_or_card_of_another_workshop_is_refused(app, make_workshop):
    workshop_id, voter, _ = _setup(app, make_workshop(dot_budget=5, max_dots_per_card=3))
    _, _, other_cards = _setup(app, make_workshop())
    for card_id in (str(uuid.uuid4()), other_cards[0]):
        with pytest.raises(ServiceError) as info:
            _vote(app, workshop_id, voter, card_id)
        assert info.value.code == "not_found"


def _spent(app, workshop_id, participant_id):
    with app.app_context():
        membership = db.session.scalar(
            select(Membership).filter_by(workshop_id=workshop_id, participant_id=participant_id)
        )
        dots = db.session.scalar(
            select(func.coalesce(func.sum(Vote.dots), 0)).filter_by(participant_id=participant_id)
        )
        return membership.dots_spent, dots


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_concurrent_tabs_of_one_phone_never_overspend(app, make_workshop):
    """Twenty votes fired at once by one participant: exactly the budget is spent."""
    workshop = make_workshop(dot_budget=5, max_dots_per_card=3)
    workshop_id, voter, cards = _setup(app, workshop, cards=5)
    barrier = threading.Barrier(20)
    outcomes = []

    def tab(n):
        barrier.wait()
        try:
            _vote(app, workshop_id, voter, cards[n % 5])
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 5
    assert set(outcomes) <= {"ok", "budget", "card_limit"}
    assert _spent(app, workshop_id, voter) == (5, 5)


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_concurrent_votes_and_take_backs_keep_the_books_straight(app, make_workshop):
    workshop_id, voter, cards = _setup(app, make_workshop(), cards=2)
    for card in cards:
        _vote(app, workshop_id, voter, card)
    barrier = threading.Barrier(16)

    def tab(n):
        barrier.wait()
        try:
            _vote(app, workshop_id, voter, cards[n % 2], take_back=n % 3 == 0)
        except ServiceError:
            pass

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spent, dots = _spent(app, workshop_id, voter)
    assert spent == dots
    assert 0 <= spent <= 5


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_withdrawing_a_card_refunds_each_voter_and_nothing_else(app, make_workshop):
    workshop_id, voter, cards = _setup(app, make_workshop(dot_budget=5, max_dots_per_card=3))
    with app.app_context():
        second = joining.join(db.session.get(Workshop, workshop_id), None).id
    for who, card, times in ((voter, cards[0], 2), (second, cards[0], 1), (voter, cards[1], 1)):
        for _ in range(times):
            _vote(app, workshop_id, who, card)
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        set_phase(workshop, "collect")
        author = db.session.scalar(select(Participant).filter_by(display_name="Autorin"))
        board.withdraw_card(workshop, author, card_id=cards[0])
    assert _spent(app, workshop_id, voter) == (1, 1)
    assert _spent(app, workshop_id, second) == (0, 0)
