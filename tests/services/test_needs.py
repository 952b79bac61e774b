"""Needs: every step, its undo, stale writes refused, and the matrix numbers."""

import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Card, CardKind, CardStatus, Event, Need, SynthesisEntry, Workshop
from app.services import board, joining, needs, voting
from app.services.errors import ServiceError
from app.services.phases import set_phase
from tests.conftest import TEST_WEEK_SLUG


def post(workshop_slug: str, text: str, group: str | None = None, kind="problem") -> str:
    """Post a card in a workshop of the test week as a new participant; return its id."""
    workshop = db.session.scalar(
        select(Workshop)
        .join(Event)
        .where(Event.slug == TEST_WEEK_SLUG, Workshop.slug == workshop_slug)
    )
    author = joining.join(workshop, None, group_key=group)
    card, _ = board.post_card(workshop, author, card_id=str(uuid.uuid4()), kind=kind, text=text)
    return card.id


@pytest.fixture
def week(app):
    """The test week with two cards in each of three workshops; yields (event, cards)."""
    with app.app_context():
        cards = {
            "v1": post("vielfalt", "Mehr Vernetzung der Vereine", "verwaltung"),
            "v2": post("vielfalt", "Queere Jugendarbeit stärken"),
            "a1": post("antisemitismus", "Netzwerke zwischen Initiativen", "zivilgesellschaft"),
            "a2": post("antisemitismus", "Gedenkarbeit an Schulen"),
            "n1": post("nachbarschaft", "Austausch im Stadtteil vernetzen", "zivilgesellschaft"),
            "n2": post("nachbarschaft", "Spielplätze sanieren"),
        }
        event = db.session.scalar(select(Event).filter_by(slug=TEST_WEEK_SLUG))
        yield event, cards


def test_create_need_with_cards_and_where_it_came_from(week):
    event, cards = week
    done = needs.create_need(event, "Vernetzung", [cards["v1"], cards["a1"], cards["n1"]])
    [need] = done.needs
    payload = needs.need_payload(need)
    assert payload["title"] == "Vernetzung"
    assert payload["card_count"] == 3
    assert [t["title"] for t in payload["themes"]] == [
        "Vielfalt",
        "Antisemitismus",
        "Nachbarschaft",
    ]
    assert payload["groups"] == {"verwaltung": 1, "zivilgesellschaft": 2}
    assert payload["version"] == 1
    assert done.entry.action == "create_need"


def test_a_card_may_be_in_several_needs(week):
    event, cards = week
    first = needs.create_need(event, "Vernetzung", [cards["v1"]]).needs[0]
    second = needs.create_need(event, "Jugend", [cards["v1"], cards["v2"]]).needs[0]
    assert first.card_ids == [cards["v1"]]
    assert second.card_ids == [cards["v1"], cards["v2"]]


def test_a_card_of_another_event_or_off_the_board_is_refused(app, week, make_event, make_workshop):
    event, cards = week
    other = make_workshop(event=make_event())
    workshop = db.session.get(Workshop, other.id)
    stranger = joining.join(workshop, None)
    foreign, _ = board.post_card(
        workshop, stranger, card_id=str(uuid.uuid4()), kind="problem", text="x"
    )
    with pytest.raises(ServiceError) as refused:
        needs.create_need(event, "Vernetzung", [foreign.id])
    assert refused.value.code == "not_found"
    need = needs.create_need(event, "Vernetzung").needs[0]
    db.session.get(Card, cards["v2"]).status = "hidden"
    db.session.commit()
    with pytest.raises(ServiceError):
        needs.add_cards(event, need.id, [cards["v2"]])
    assert db.session.get(Need, need.id).card_ids == []


def test_add_and_remove_are_sets_and_never_conflict(week):
    event, cards = week
    need = needs.create_need(event, "Vernetzung", [cards["v1"]]).needs[0]
    version = need.version
    needs.add_cards(event, need.id, [cards["v1"], cards["a1"]])
    needs.add_cards(event, need.id, [cards["n1"]])
    needs.remove_cards(event, need.id, [cards["v1"], cards["v2"]])
    need = db.session.get(Need, need.id)
    assert need.card_ids == [cards["a1"], cards["n1"]]
    assert need.version == version  # a rename made while cards moved still applies
    needs.rename_need(event, need.id, "Netzwerke", version)


def test_a_stale_rename_is_refused_with_the_current_need(week):
    event, cards = week
    need = needs.create_need(event, "Vernetzung").needs[0]
    needs.rename_need(event, need.id, "Netzwerke", 1)
    with pytest.raises(needs.NeedConflict) as refused:
        needs.rename_need(event, need.id, "Vernetzung stärken", 1)
    assert refused.value.code == "conflict"
    assert refused.value.need.title == "Netzwerke"
    db.session.rollback()
    assert db.session.get(Need, need.id).title == "Netzwerke"


def test_update_need_makes_it_concrete_and_checks_the_version(week):
    event, _ = week
    need = needs.create_need(event, "Vernetzung").needs[0]
    needs.update_need(
        event,
        need.id,
        what="Ein Netzwerk",
        actors="Stadt",
        first_steps="Treffen",
        priority=1,
        version=1,
    )
    need = db.session.get(Need, need.id)
    assert (need.what, need.actors, need.first_steps, need.priority, need.version) == (
        "Ein Netzwerk",
        "Stadt",
        "Treffen",
        1,
        2,
    )
    with pytest.raises(needs.NeedConflict):
        needs.update_need(
            event, need.id, what="x", actors="", first_steps="", priority=None, version=1
        )
    with pytest.raises(ServiceError):
        needs.update_need(
            event, need.id, what="x", actors="", first_steps="", priority=9, version=2
        )


def test_merge_and_its_undo(week):
    event, cards = week
    a = needs.create_need(event, "Vernetzung", [cards["v1"]]).needs[0]
    b = needs.create_need(event, "Netzwerke", [cards["a1"], cards["v1"]]).needs[0]
    a_id, b_id = a.id, b.id
    done = needs.merge_needs(event, a_id, [b_id])
    assert done.gone == [b_id]
    assert db.session.get(Need, a_id).card_ids == [cards["v1"], cards["a1"]]
    assert db.session.get(Need, b_id) is None
    undone = needs.undo(event, done.entry.id)
    assert undone.gone == []
    assert db.session.get(Need, a_id).card_ids == [cards["v1"]]
    restored = db.session.get(Need, b_id)
    assert restored.title == "Netzwerke" and restored.card_ids == [cards["a1"], cards["v1"]]
    with pytest.raises(ServiceError):
        needs.undo(event, done.entry.id)


def test_split_and_its_undo(week):
    event, cards = week
    need = needs.create_need(event, "Vernetzung", [cards["v1"], cards["a1"], cards["n1"]]).needs[0]
    done = needs.split_need(event, need.id, [cards["n1"]], "Stadtteil")
    old, new = done.needs
    assert old.card_ids == [cards["v1"], cards["a1"]]
    assert (new.title, new.card_ids) == ("Stadtteil", [cards["n1"]])
    new_id = new.id
    undone = needs.undo(event, done.entry.id)
    assert undone.gone == [new_id]
    assert db.session.get(Need, need.id).card_ids == [cards["v1"], cards["a1"], cards["n1"]]
    with pytest.raises(ServiceError):
        needs.split_need(event, need.id, [cards["v2"]], "Nichts")


def test_every_step_can_be_undone(week):
    event, cards = week
    created = needs.create_need(event, "Vernetzung", [cards["v1"]])
    need_id = created.needs[0].id
    steps = [
        needs.rename_need(event, need_id, "Netzwerke", 1),
        needs.update_need(
            event, need_id, what="w", actors="a", first_steps="f", priority=2, version=2
        ),
        needs.add_cards(event, need_id, [cards["a1"]]),
        needs.remove_cards(event, need_id, [cards["v1"]]),
    ]
    for step in reversed(steps):
        needs.undo(event, step.entry.id)
    need = db.session.get(Need, need_id)
    assert (need.title, need.what, need.priority, need.card_ids) == (
        "Vernetzung",
        "",
        None,
        [cards["v1"]],
    )
    deleted = needs.delete_need(event, need_id)
    assert db.session.get(Need, need_id) is None
    needs.undo(event, deleted.entry.id)
    assert db.session.get(Need, need_id).card_ids == [cards["v1"]]
    needs.undo(event, created.entry.id)
    assert db.session.get(Need, need_id) is None
    assert db.session.scalar(select(db.func.count(SynthesisEntry.id))) == 6


def test_the_matrix_counts_cards_and_dots_per_workshop(app, week):
    event, cards = week
    vielfalt = db.session.scalar(select(Workshop).filter_by(event_id=event.id, slug="vielfalt"))
    voter = joining.join(vielfalt, None)
    set_phase(vielfalt, "vote")
    voting.cast_vote(vielfalt, voter, card_id=cards["v1"])
    voting.cast_vote(vielfalt, voter, card_id=cards["v1"])
    db.session.get(Card, cards["v1"]).paper_dots = 3
    db.session.commit()
    needs.create_need(event, "Vernetzung", [cards["v1"], cards["v2"], cards["a1"]])
    needs.create_need(event, "Leer")
    matrix = needs.needs_matrix(event.id)
    titles = [w["title"] for w in matrix["workshops"]]
    vernetzung, leer = matrix["needs"]
    cells = dict(zip(titles, vernetzung["cells"], strict=True))
    assert cells["Vielfalt"] == {"cards": 2, "dots": 5}
    assert cells["Antisemitismus"] == {"cards": 1, "dots": 0}
    assert cells["Nachbarschaft"] == {"cards": 0, "dots": 0}
    assert all(cell == {"cards": 0, "dots": 0} for cell in leer["cells"])
    payload = needs.need_payload(db.session.get(Need, vernetzung["need"]))
    assert payload["dots"] == 5


def test_a_dismissed_suggestion_has_one_key_whatever_the_order(week):
    event, cards = week
    key = needs.dismiss_suggestion(event, [cards["v1"], cards["a1"]])
    assert needs.dismiss_suggestion(event, [cards["a1"], cards["v1"]]) == key


def test_undo_of_a_step_whose_need_changed_since_is_refused_and_changes_nothing(week):
    event, cards = week
    need_id = needs.create_need(event, "Vernetzung", [cards["v1"]]).needs[0].id
    first = needs.rename_need(event, need_id, "Netzwerke", 1)
    needs.rename_need(event, need_id, "Netzwerke der Vereine", 2)
    added = needs.add_cards(event, need_id, [cards["a1"]])
    with pytest.raises(ServiceError) as refused:
        needs.undo(event, first.entry.id)
    assert refused.value.code == "stale"
    assert "seitdem weiter geändert" in str(refused.value.message)
    need = db.session.get(Need, need_id)
    assert (need.title, need.card_ids) == ("Netzwerke der Vereine", [cards["v1"], cards["a1"]])
    assert db.session.get(SynthesisEntry, first.entry.id).undone_at is None
    # The latest step can be undone, and then the one before it is the latest again.
    needs.undo(event, added.entry.id)
    assert db.session.get(Need, need_id).card_ids == [cards["v1"]]


def test_undo_of_a_merge_is_refused_once_the_merged_need_got_more_cards(week):
    event, cards = week
    one = needs.create_need(event, "Eins", [cards["v1"]]).needs[0].id
    two = needs.create_need(event, "Zwei", [cards["a1"]]).needs[0].id
    merged = needs.merge_needs(event, one, [two])
    needs.add_cards(event, one, [cards["n1"]])
    with pytest.raises(ServiceError) as refused:
        needs.undo(event, merged.entry.id)
    assert refused.value.code == "stale"
    assert db.session.get(Need, two) is None


def _closing(event):
    return db.session.scalar(select(Workshop).filter_by(event_id=event.id, slug="jugend"))


def test_needs_put_to_the_vote_are_cards_voted_on_by_the_boards_own_rules(week):
    event, cards = week
    net = needs.create_need(event, "Vernetzung", [cards["v1"], cards["a1"]]).needs[0].id
    money = needs.create_need(event, "Finanzierung", [cards["v2"]]).needs[0].id
    closing = _closing(event)
    done = needs.put_to_vote(event, closing.id)
    assert len(done.posted) == 2
    vote_cards = {c.text: c for c in done.posted}
    assert {c.kind for c in done.posted} == {CardKind.NEED}
    assert all(c.author_id is None and c.workshop_id == closing.id for c in done.posted)
    # Putting them again changes nothing: one card per need.
    assert needs.put_to_vote(event, closing.id).posted == []
    voter = joining.join(closing, None)
    set_phase(closing, "vote")
    voting.cast_vote(closing, voter, card_id=vote_cards["Vernetzung"].id)
    voting.cast_vote(closing, voter, card_id=vote_cards["Vernetzung"].id)
    payload = needs.need_payload(db.session.get(Need, net))
    assert payload["vote"] == {
        "card": vote_cards["Vernetzung"].id,
        "workshop": closing.id,
        "theme": closing.title,
        "dots": 2,
    }
    assert payload["dots"] == 0  # the dots of its cards, apart from the vote on the need
    rows = {row["title"]: row for row in needs.needs_matrix(event.id)["needs"]}
    assert rows["Vernetzung"]["votes"] == 2
    assert rows["Finanzierung"]["votes"] == 0
    # The vote card is no card of the synthesis: not listed, not addable to a need.
    assert vote_cards["Vernetzung"].id not in needs.SynthesisView(event.id).cards
    with pytest.raises(ServiceError):
        needs.add_cards(event, money, [vote_cards["Vernetzung"].id])


def test_the_vote_card_follows_renames_and_leaves_with_its_need(week):
    event, cards = week
    net = needs.create_need(event, "Vernetzung", [cards["v1"]]).needs[0].id
    other = needs.create_need(event, "Netzwerke", [cards["a1"]]).needs[0].id
    needs.put_to_vote(event, _closing(event).id)
    card = db.session.get(Card, db.session.get(Need, net).card_id)
    renamed = needs.rename_need(event, net, "Vernetzung der Vereine", 1)
    assert renamed.cards == [card]
    assert db.session.get(Card, card.id).text == "Vernetzung der Vereine"
    other_card = db.session.get(Need, other).card_id
    merged = needs.merge_needs(event, net, [other])
    assert [c.id for c in merged.cards] == [other_card]
    assert db.session.get(Card, other_card).status == CardStatus.WITHDRAWN
    needs.undo(event, merged.entry.id)
    assert db.session.get(Card, other_card).status == CardStatus.VISIBLE
    deleted = needs.delete_need(event, net)
    assert db.session.get(Card, card.id).status == CardStatus.WITHDRAWN
    needs.undo(event, deleted.entry.id)
    assert db.session.get(Card, card.id).on_board
    assert needs.need_payload(db.session.get(Need, net))["vote"]["card"] == card.id


def test_goals_are_the_solution_cards_of_a_need(week):
    event, cards = week
    goal = post("nachbarschaft", "Eine Vernetzungsstelle im Rathaus einrichten", kind="solution")
    need = needs.create_need(event, "Vernetzung", [cards["v1"], goal]).needs[0]
    payload = needs.need_payload(need)
    assert payload["goals"] == [goal]
    assert payload["cards"] == [cards["v1"], goal]
