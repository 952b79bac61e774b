"""The console in real Chromium: a whole workshop, keyboard only, and axe in every phase."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.people import Facilitator, card, join_by_code, online, post_card
from tests.browser.test_accessibility import (
    assert_accessible,
    assert_no_horizontal_scroll,
    zoom_text,
)

pytestmark = pytest.mark.browser


def console_card(console, text: str):
    """A card on the console with exactly this text (in a lane or waiting for approval)."""
    return console.locator("li.card").filter(
        has=console.locator(".card-text", has_text=re.compile(f"^{re.escape(text)}$"))
    )


def control(console, text: str, name: str):
    """A card's control by its accessible name ("Ausblenden: <text>")."""
    return console.get_by_role("button", name=f"{name}: {text}", exact=True)


def vote(phone, text: str, times: int = 1) -> None:
    for _ in range(times):
        card(phone, text).get_by_role("button", name=re.compile("^Punkt geben")).click()


def test_a_facilitator_runs_a_whole_workshop(screens, workshop):
    facilitator = Facilitator(screens, workshop)
    console = online(facilitator.console)
    projector = facilitator.open_projector()
    ayse, bernd, chris = (
        join_by_code(screens.phone(), workshop.code, name=name)
        for name in ("Ayşe", "Bernd", "Chris")
    )
    expect(console.locator("#count-phones")).to_have_text("3")

    # Collect, with the timer started for three minutes and made one minute longer.
    console.locator("#timer-minutes").fill("3")
    console.get_by_role("button", name="Starten", exact=True).click()
    expect(console.locator("#timer-status")).to_have_text("läuft")
    expect(console.locator("#timer-display")).to_have_text(re.compile(r"^0[23]:\d\d$"))
    console.get_by_role("button", name="+1 Minute").click()
    expect(console.locator("#timer-display")).to_have_text(re.compile(r"^0[34]:\d\d$"))

    post_card(ayse, "Kein Jugendtreff im Viertel")
    post_card(bernd, "Es gibt keinen Jugendtreff")
    post_card(chris, "Werbung für ein Kasino")
    post_card(bernd, "Der Bus fährt zu selten")
    for phone in (ayse, bernd, chris):
        expect(phone.locator("li.card:not(.card-pending)")).to_have_count(4)

    # A card hidden: the phones and the projector lose it, the console marks it.
    control(console, "Werbung für ein Kasino", "Ausblenden").click()
    for screen in (ayse, bernd, chris, projector):
        expect(card(screen, "Werbung für ein Kasino")).to_have_count(0)
    hidden = console_card(console, "Werbung für ein Kasino")
    expect(hidden.locator(".flag-hidden")).to_have_text("ausgeblendet")
    expect(control(console, "Werbung für ein Kasino", "Wieder zeigen")).to_be_focused()

    # A card from paper, typed in: every phone shows it, marked as paper.
    console.locator("#paper-text").fill("Mehr Sitzbänke im Park")
    console.get_by_role("button", name="Eintragen").click()
    expect(console_card(console, "Mehr Sitzbänke im Park").locator(".flag-paper")).to_have_text(
        "Papier"
    )
    for phone in (ayse, bernd, chris):
        expect(card(phone, "Mehr Sitzbänke im Park")).to_contain_text("Papier")
    screens.screenshot(console, "phase-collect")

    facilitator.set_phase("discuss")
    expect(console.locator("#current-phase")).to_have_text("Diskutieren")
    screens.screenshot(console, "phase-discuss")

    facilitator.set_phase("vote")
    vote(ayse, "Kein Jugendtreff im Viertel")
    vote(bernd, "Es gibt keinen Jugendtreff", 2)
    vote(chris, "Es gibt keinen Jugendtreff")
    vote(chris, "Der Bus fährt zu selten")
    expect(console.locator("#count-voters")).to_have_text("3")
    expect(console.locator("#count-dots")).to_have_text("5")

    # Two duplicates merged: the phones see one card, and it keeps every dot.
    control(console, "Kein Jugendtreff im Viertel", "Zusammenführen … in").click()
    checklist = console_card(console, "Kein Jugendtreff im Viertel").locator(".console-merge")
    checklist.get_by_label("Es gibt keinen Jugendtreff").check()
    checklist.get_by_role("button", name="Zusammenführen", exact=True).click()
    for phone in (ayse, bernd, chris):
        expect(card(phone, "Es gibt keinen Jugendtreff")).to_have_count(0)
        expect(card(phone, "Kein Jugendtreff im Viertel")).to_have_count(1)
    merged = console_card(console, "Kein Jugendtreff im Viertel")
    expect(merged.locator(".card-total")).to_have_text("4 Punkte")

    # Dots from the paper poster.
    paper = console_card(console, "Mehr Sitzbänke im Park")
    paper.get_by_label("Papier-Punkte", exact=True).fill("3")
    console.get_by_role("button", name="+ dazu: Papier-Punkte für Mehr Sitzbänke im Park").click()
    expect(paper.locator(".card-total")).to_have_text("3 Punkte")
    screens.screenshot(console, "phase-vote")

    # The reveal ends the vote; the phones and the projector show the totals.
    console.get_by_role("button", name="Ergebnisse aufdecken").click()
    expect(console.locator("#current-phase")).to_have_text("Ergebnisse")
    for screen in (ayse, bernd, chris, projector):
        expect(card(screen, "Kein Jugendtreff im Viertel").locator(".card-total")).to_have_text(
            "4 Punkte"
        )
        expect(card(screen, "Mehr Sitzbänke im Park").locator(".card-total")).to_have_text(
            "3 Punkte"
        )
    expect(console.get_by_role("button", name="Ergebnisse verdecken")).to_be_visible()
    screens.screenshot(console, "phase-results")

    # The merge undone from the log: the card and its dots come back.
    entry = console.locator(".console-log-entry").filter(has_text="zusammengeführt")
    entry.get_by_role("button", name=re.compile("^Rückgängig machen")).click()
    expect(entry).to_contain_text("rückgängig gemacht")
    for phone in (ayse, bernd, chris):
        expect(card(phone, "Es gibt keinen Jugendtreff").locator(".card-total")).to_have_text(
            "3 Punkte"
        )
        expect(card(phone, "Kein Jugendtreff im Viertel").locator(".card-total")).to_have_text(
            "1 Punkt"
        )

    facilitator.set_phase("closed")
    expect(console.locator("#current-phase")).to_have_text("Beendet")
    screens.screenshot(console, "phase-closed")


def tab_to(page, locator, limit: int = 250) -> None:
    """Press Tab until the locator has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("(el) => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def test_the_console_by_keyboard_alone(screens, workshop):
    facilitator = Facilitator(screens, workshop)
    console = online(facilitator.console)
    phone = join_by_code(screens.phone(), workshop.code, name="Dana")
    for text in ("Zu laut", "Zu laut am Abend", "Spam-Werbung"):
        post_card(phone, text)
    expect(console.locator("#console-problem li.card")).to_have_count(3)
    console.locator("body").focus()

    # Hide a card; the focus lands on what takes it back.
    tab_to(console, control(console, "Spam-Werbung", "Ausblenden"))
    console.keyboard.press("Enter")
    expect(card(phone, "Spam-Werbung")).to_have_count(0)
    expect(control(console, "Spam-Werbung", "Wieder zeigen")).to_be_focused()

    # Merge through the checklist.
    tab_to(console, control(console, "Zu laut", "Zusammenführen … in"))
    console.keyboard.press("Space")
    first = console.get_by_role("checkbox", name="Zu laut am Abend")
    expect(first).to_be_focused()
    console.keyboard.press("Space")
    expect(first).to_be_checked()
    tab_to(console, console.get_by_role("button", name="Zusammenführen", exact=True))
    console.keyboard.press("Enter")
    expect(card(phone, "Zu laut am Abend")).to_have_count(0)
    expect(control(console, "Zu laut", "Zusammenführen … in")).to_be_focused()

    # Start the timer.
    console.locator("body").focus()
    tab_to(console, console.locator("#timer-minutes"))
    console.keyboard.press("Control+a")
    console.keyboard.type("2")
    console.keyboard.press("Tab")
    expect(console.get_by_role("button", name="Starten", exact=True)).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#timer-status")).to_have_text("läuft")
    expect(console.locator("#timer-display")).to_have_text(re.compile(r"^0[12]:\d\d$"))

    # Switch the phase: asked once in the page; "Abbrechen" keeps the phase.
    console.locator("body").focus()
    discuss = console.get_by_role("button", name="2. Diskutieren")
    tab_to(console, discuss)
    console.keyboard.press("Enter")
    expect(console.locator("#phase-confirm")).to_be_visible()
    expect(console.locator("#phase-confirm-text")).to_contain_text("Wirklich zu „Diskutieren“")
    expect(console.locator("#phase-confirm-yes")).to_be_focused()
    console.keyboard.press("Tab")
    console.keyboard.press("Space")
    expect(console.locator("#phase-confirm")).to_be_hidden()
    expect(discuss).to_be_focused()
    expect(console.locator("#current-phase")).to_have_text("Sammeln")
    console.keyboard.press("Space")
    expect(console.locator("#phase-confirm-yes")).to_be_focused()
    console.keyboard.press("Enter")
    expect(discuss).to_have_attribute("aria-current", "step")
    expect(phone.locator("body")).to_have_class(re.compile("phase-discuss"))
    # Only leaving the collecting (and closing) is asked: on to the vote at once.
    vote_button = console.get_by_role("button", name="3. Abstimmen")
    tab_to(console, vote_button)
    console.keyboard.press("Enter")
    expect(vote_button).to_have_attribute("aria-current", "step")
    expect(console.locator("#phase-confirm")).to_be_hidden()


def test_the_console_is_accessible_in_every_phase(screens, workshop, axe_source):
    facilitator = Facilitator(screens, workshop)
    console = online(facilitator.console)
    phone = join_by_code(screens.phone(), workshop.code, name="Emre")
    post_card(phone, "Kaum Angebote für Ältere")
    post_card(phone, "Wenig Angebote für Senior*innen")
    post_card(phone, "Ein Seniorencafé", kind="solution", answers="Kaum Angebote für Ältere")
    expect(console.locator("li.card")).to_have_count(3)
    control(console, "Wenig Angebote für Senior*innen", "Anheften").click()

    # Pre-moderation on: a new card waits for approval in its own list.
    console.get_by_label("Neue Karten erst nach Freigabe zeigen").check()
    console.locator("form[data-command=set_options]").get_by_role(
        "button", name="Speichern"
    ).click()
    expect(console.locator("#pending-board")).to_be_visible()
    post_card(phone, "Bitte prüfen")
    expect(console.locator("#console-pending li.card")).to_have_count(1)
    # A refused option shows next to its field.
    console.get_by_label("Höchstens Punkte pro Karte").fill("99")
    console.locator("form[data-command=set_options]").get_by_role(
        "button", name="Speichern"
    ).click()
    expect(console.locator("#opt-max_dots_per_card-error")).to_be_visible()
    assert_accessible(console, axe_source, "console: collect")

    control(console, "Kaum Angebote für Ältere", "Zusammenführen … in").click()
    control(console, "Ein Seniorencafé", "Text bearbeiten").click()
    expect(console.locator(".console-merge")).to_be_visible()
    expect(console.get_by_label("Neuer Text")).to_be_focused()
    assert_accessible(console, axe_source, "console: merge checklist and edit form open")
    screens.screenshot(console, "forms-open")
    console.get_by_label("Neuer Text").fill("Ein Seniorencafé im Stadtteil")
    console.locator(".console-edit").get_by_role("button", name="Speichern").click()
    expect(
        console_card(console, "Ein Seniorencafé im Stadtteil").locator(".flag-moderated")
    ).to_be_visible()

    console.get_by_role("button", name="2. Diskutieren").click()
    expect(console.locator("#phase-confirm")).to_be_visible()
    assert_accessible(console, axe_source, "console: asking before leaving collect")
    for phase in ("discuss", "vote", "results", "closed"):
        facilitator.set_phase(phase)
        assert_accessible(console, axe_source, f"console: {phase}")

    # No sideways scrolling on the laptop, nor at 200 % text.
    console.set_viewport_size({"width": 1280, "height": 768})
    assert_no_horizontal_scroll(console, 1280, "console at 1280 px")
    console.set_viewport_size({"width": 1366, "height": 768})
    zoom_text(console)
    assert_no_horizontal_scroll(console, 1366, "console at 200 % text")
    screens.screenshot(console, "zoom-200")
