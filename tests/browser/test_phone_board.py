"""What a phone shows of the console's work: blind collect, approval, timer, refusals, results."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.people import Facilitator, card, join_by_code, post_card
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

SECRET = "Niemand soll das vor dem Aufdecken lesen"


def test_blind_collect_approval_and_the_timer(screens, workshop, axe_source):
    facilitator = Facilitator(screens, workshop)
    projector = facilitator.open_projector()
    ayse = join_by_code(screens.phone(), workshop.code, name="Ayşe")
    bernd = join_by_code(screens.phone(), workshop.code, name="Bernd")

    facilitator.act("set_options", dot_budget="5", max_dots_per_card="3", blind_collect="y")
    expect(bernd.locator("#blind-note")).to_have_text(
        "Verdeckt: Ihr seht nur eure eigenen Karten, bis die Moderation aufdeckt."
    )
    post_card(ayse, SECRET)
    expect(card(ayse, SECRET)).not_to_have_class(re.compile(r"\bcard-pending\b"))
    # Bernd's phone learns that a card is there, never what it says.
    expect(bernd.locator("li.card-blind .card-text")).to_have_text("verdeckte Karte")
    post_card(bernd, "Bernds eigene Karte")
    expect(card(bernd, "Bernds eigene Karte")).to_have_count(1)
    expect(projector.locator("#blind-problem")).to_have_text("2 Probleme geschrieben")
    for screen in (bernd, projector):
        assert SECRET not in screen.content()
    facilitator.act("timer_start", seconds="300")
    expect(bernd.locator("#timer")).to_have_text(re.compile(r"^Noch [45]:\d\d$"))
    expect(bernd.locator("#announcer")).to_contain_text("Die Zeit läuft")
    screens.screenshot(bernd, "blind-collect")
    assert_accessible(bernd, axe_source, "board: blind collect with timer")
    assert_accessible(projector, axe_source, "projector: blind collect")

    facilitator.act("reveal_cards")
    expect(card(bernd, SECRET)).to_have_count(1)
    expect(bernd.locator("#blind-note")).to_be_hidden()
    expect(card(projector, SECRET)).to_have_count(1)

    # Pre-moderation: Ayşe's new card waits, marked for her and unseen by Bernd.
    facilitator.act("set_options", dot_budget="5", max_dots_per_card="3", premoderation="y")
    post_card(ayse, "Bitte erst prüfen")
    waiting = card(ayse, "Bitte erst prüfen")
    expect(waiting.locator(".card-meta")).to_have_text("wartet auf Freigabe · Ayşe")
    assert "Bitte erst prüfen" not in bernd.content()
    screens.screenshot(ayse, "pending-card")
    assert_accessible(ayse, axe_source, "board: card waiting for approval")
    facilitator.act("approve_card", id=waiting.get_attribute("data-id"))
    expect(card(bernd, "Bitte erst prüfen")).to_have_count(1)
    expect(card(ayse, "Bitte erst prüfen").locator(".card-meta")).to_have_text("Ayşe")

    # The facilitator corrects a card: everybody sees it was the moderation.
    facilitator.act("edit_card", id=card(ayse, SECRET).get_attribute("data-id"), text="Klarer")
    expect(card(bernd, "Klarer").locator(".card-meta")).to_have_text(
        "Ayşe · von der Moderation bearbeitet"
    )


def test_a_refused_vote_is_said_on_its_card_and_results_show_my_dots(screens, workshop, axe_source):
    facilitator = Facilitator(screens, workshop)
    phone = join_by_code(screens.phone(), workshop.code, name="Ayşe")
    post_card(phone, "Zu wenig Räume")
    post_card(phone, "Zu wenig Geld")
    expect(phone.locator("li.card:not(.card-pending)")).to_have_count(2)
    facilitator.act("set_options", dot_budget="5", max_dots_per_card="3")
    facilitator.act("set_phase", phase="vote")
    target = card(phone, "Zu wenig Räume")
    give = target.get_by_role("button", name=re.compile("Punkt geben"))
    for left in (4, 3, 2):
        give.click()
        expect(phone.locator("#dots-left")).to_contain_text(f"noch {left} von 5")
    # A fourth dot on one card: the button says no; pressed anyway, the server says why, there.
    expect(give).to_be_disabled()
    give.evaluate("(button) => { button.disabled = false; }")
    give.click()
    refusal = target.locator(".card-error")
    expect(refusal).to_contain_text("Nicht angenommen")
    expect(card(phone, "Zu wenig Geld").locator(".card-error")).to_have_count(0)
    screens.screenshot(phone, "refused-vote")
    assert_accessible(phone, axe_source, "board: refused vote")

    facilitator.act("set_phase", phase="results")
    expect(phone.locator("#results-note")).to_have_text("Die Ergebnisse werden gleich aufgedeckt.")
    facilitator.reveal_results()
    expect(target.locator("> :first-child")).to_have_text("3 Punkte")
    expect(target.locator(".my-dots")).to_have_text("Deine Punkte: 3")
    expect(target.locator(".card-error")).to_have_count(0)
    screens.screenshot(phone, "results")
    assert_accessible(phone, axe_source, "board: results")
