"""A workshop day as the people in the room live it: a projector, three phones, one facilitator."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.people import (
    Facilitator,
    card,
    join_by_code,
    join_by_link,
    join_form,
    online,
    post_card,
)

pytestmark = pytest.mark.browser

P1 = "Zu wenig Beratungsstellen für queere Jugendliche"
P2 = "Queerfeindliche Sprüche auf dem Schulhof bleiben oft unwidersprochen"
S1 = "Eine offene Sprechstunde im Jugendzentrum, einmal pro Woche"
S2 = "Fortbildungen für Lehrkräfte zu Vielfalt"


def test_a_workshop_day_from_joining_to_the_results(screens, workshop):
    facilitator = Facilitator(screens, workshop)
    projector = facilitator.open_projector()
    expect(projector.locator(".big-code [aria-hidden=true]")).to_have_text(workshop.code)
    expect(projector.locator("#wall-empty")).to_be_visible()

    # Ayşe scans the QR code, Bernd types the code in lower case.
    ayse = screens.phone()
    join_by_link(ayse, facilitator.join_link, name="Ayşe", group="verwaltung")
    bernd = screens.phone()
    join_by_code(bernd, workshop.code.lower(), name="Bernd")

    # Chris's phone speaks English; the footer link switches the language both ways.
    chris = screens.phone(locale="en-US")
    chris.goto("/join")
    expect(chris.locator("html")).to_have_attribute("lang", "en")
    chris.get_by_role("link", name="Deutsch").click()
    expect(chris.locator("html")).to_have_attribute("lang", "de")
    expect(chris).to_have_url(re.compile(r"/join\??$"))
    chris.get_by_role("link", name="English").click()
    expect(chris.locator("html")).to_have_attribute("lang", "en")
    chris.locator("#code").fill(workshop.code)
    chris.locator("#code").press("Enter")
    join_form(chris, name="Chris")
    expect(chris.locator("html")).to_have_attribute("lang", "en")

    screens.screenshot(ayse, "phone-collect-empty")
    # The phone keeps one cookie, the session, out of reach of scripts.
    cookies = ayse.context.cookies()
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [
        ("querschnitt", True, "Lax")
    ]
    assert ayse.evaluate("document.cookie") == ""

    # Collect: the compose form asks which problem a solution answers, only for solutions.
    answers = ayse.get_by_label("Antwort auf ein Problem (freiwillig)")
    expect(answers).to_be_hidden()
    ayse.get_by_role("radio", name="Problem").check()
    ayse.get_by_label("Text", exact=True).fill(P1)
    ayse.get_by_role("button", name="Karte anheften").click()
    for screen in (ayse, bernd, chris, projector):
        expect(card(screen, P1)).to_have_count(1)
    expect(projector.locator("#wall-empty")).to_be_hidden()
    expect(card(bernd, P1).locator(".card-meta")).to_have_text("Ayşe · Verwaltung")

    bernd.get_by_role("radio", name="Lösung").check()
    expect(bernd.get_by_label("Antwort auf ein Problem (freiwillig)")).to_be_visible()
    bernd.get_by_label("Antwort auf ein Problem (freiwillig)").select_option(label=P1)
    bernd.get_by_label("Text", exact=True).fill(S1)
    bernd.get_by_role("button", name="Karte anheften").click()
    post_card(bernd, P2)

    # Chris answers the problem straight from its card.
    card(chris, P1).locator("button[data-action=answer]").click()
    expect(chris.locator("#compose-form input[value=solution]")).to_be_checked()
    expect(chris.locator("#answers option:checked")).to_have_text(P1)
    expect(chris.locator("#card-text")).to_be_focused()
    chris.keyboard.type(S2)
    chris.locator("#compose-form button[type=submit]").click()

    for screen in (ayse, bernd, chris):
        expect(screen.locator("#cards-problem .card-text")).to_have_text([P1, P2])
        expect(screen.locator("#cards-solution .card-text")).to_have_text([S1, S2])
    # The wall shows the newest first: when it is full, the older ones give way.
    expect(projector.locator("#wall-problem .card-text")).to_have_text([P2, P1])
    expect(projector.locator("#wall-solution .card-text")).to_have_text([S2, S1])
    expect(card(ayse, S1).locator(".card-answers")).to_have_text(f"Antwort auf: {P1}")
    expect(card(ayse, P1).locator(".card-solutions li")).to_have_text([S1, S2])
    expect(card(projector, S2).locator(".card-answers")).to_contain_text(P1[:40])
    expect(card(ayse, P1)).to_have_class(re.compile(r"\bcard-mine\b"))
    expect(card(bernd, P1)).not_to_have_class(re.compile(r"\bcard-mine\b"))
    screens.screenshot(ayse, "phone-collect")
    screens.screenshot(chris, "phone-en-collect")
    screens.screenshot(projector, "projector-collect")

    # Discuss: no new cards.
    facilitator.set_phase("discuss")
    for phone in (ayse, bernd, chris):
        expect(phone.locator("#compose")).to_be_hidden()
    expect(projector.locator("#phase-name")).to_have_text("Diskutieren")
    screens.screenshot(ayse, "phone-discuss")
    screens.screenshot(projector, "projector-discuss")

    # Vote: five dots each, at most three on one card.
    facilitator.set_phase("vote")
    expect(projector.locator("#phase-name")).to_have_text("Abstimmen")
    dots_left = ayse.locator("#dots-left")
    expect(dots_left).to_have_text("Du hast noch 5 von 5 Punkten.")
    give = card(ayse, P1).get_by_role("button", name=re.compile("Punkt geben"))
    for left in (4, 3, 2):
        give.click()
        expect(dots_left).to_have_text(f"Du hast noch {left} von 5 Punkten.")
    expect(card(ayse, P1).locator(".my-dots")).to_contain_text("Deine Punkte: 3")
    # Three is the most one card takes: its button says so instead of failing later.
    expect(give).to_be_disabled()
    card(ayse, S1).get_by_role("button", name=re.compile("Punkt geben")).click()
    expect(dots_left).to_have_text("Du hast noch 1 von 5 Punkten.")
    # A take-back returns the dot.
    card(ayse, S1).get_by_role("button", name=re.compile("Punkt zurücknehmen")).click()
    expect(dots_left).to_have_text("Du hast noch 2 von 5 Punkten.")
    take_back_s1 = card(ayse, S1).get_by_role("button", name=re.compile("Punkt zurücknehmen"))
    expect(take_back_s1).to_have_count(0)
    give_p2 = card(ayse, P2).get_by_role("button", name=re.compile("Punkt geben"))
    give_p2.click()
    expect(dots_left).to_have_text("Du hast noch 1 von 5 Punkten.")
    give_p2.click()
    # Budget spent: every "give" button is disabled and the page says why.
    expect(ayse.get_by_role("button", name=re.compile("Punkt geben"))).to_have_count(4)
    for button in ayse.get_by_role("button", name=re.compile("Punkt geben")).all():
        expect(button).to_be_disabled()
    expect(dots_left).to_have_text(
        "Alle Punkte vergeben. Wenn du umverteilen willst, nimm einen Punkt zurück."
    )
    screens.screenshot(ayse, "phone-vote-spent")

    for left, text in ((4, S2), (3, S2), (2, P2), (1, P2), (0, P2)):
        card(bernd, text).get_by_role("button", name=re.compile("Punkt geben")).click()
        expect(bernd.locator("#dots-left")).to_contain_text(
            f"noch {left} von 5" if left else "Alle Punkte vergeben"
        )
    card(chris, P1).locator("form[data-command=cast_vote] button").click()
    expect(chris.locator("#dots-left")).to_contain_text("4")
    screens.screenshot(chris, "phone-en-vote")
    # The projector counts the dots while voting runs, without ranking yet.
    expect(projector.locator("#tally-summary")).to_have_text(
        "11 Punkte vergeben · 3 Personen haben abgestimmt"
    )
    expect(projector.locator(".card-total")).to_have_count(0)
    screens.screenshot(projector, "projector-vote")

    # Results: the room waits until the facilitator reveals them.
    facilitator.set_phase("results")
    for phone in (ayse, bernd):
        expect(phone.locator("#results-note")).to_have_text(
            "Die Ergebnisse werden gleich aufgedeckt."
        )
    expect(projector.locator("#wall-notice")).to_have_text("Ergebnisse folgen gleich")
    for screen in (ayse, projector):
        expect(screen.locator(".card-total")).to_have_count(0)
    screens.screenshot(projector, "projector-results-hidden")
    # Revealed: everyone sees the cards ranked by dots.
    facilitator.reveal_results()
    expect(ayse.locator("#results-note")).to_be_hidden()
    for screen in (ayse, bernd, chris, projector):
        expect(screen.locator("#cards-problem .card-text, #wall-problem .card-text")).to_have_text(
            [P2, P1]
        )
        expect(
            screen.locator("#cards-solution .card-text, #wall-solution .card-text")
        ).to_have_text([S2, S1])
    for screen in (ayse, bernd, projector):
        expect(screen.locator(".card-total")).to_have_text(
            ["5 Punkte", "4 Punkte", "2 Punkte", "0 Punkte"]
        )
    expect(card(chris, P1).locator(".card-total")).to_contain_text("4")
    expect(ayse.get_by_role("button", name=re.compile("Punkt"))).to_have_count(0)
    # A problem's total stands at the top of its card, and Ayşe still sees her own dots.
    expect(card(ayse, P1).locator("> :first-child")).to_have_text("4 Punkte")
    expect(card(ayse, P1).locator(".my-dots")).to_have_text("Deine Punkte: 3")
    screens.screenshot(ayse, "phone-results")
    screens.screenshot(projector, "projector-results")

    # A phone that reloads gets the same ranking from the server-rendered page.
    bernd.reload()
    online(bernd)
    expect(bernd.locator("#cards-problem .card-total")).to_have_text(["5 Punkte", "4 Punkte"])

    facilitator.set_phase("closed")
    expect(ayse.locator(".phase-text")).to_have_text(
        "Der Workshop ist beendet. Danke fürs Mitmachen!"
    )
    screens.screenshot(ayse, "phone-closed")
    screens.screenshot(projector, "projector-closed")
    screens.screenshot(facilitator.console, "console")
