"""The projector fits the common projector screens in every phase, without scrolling.

Element positions, not impressions: nothing scrolls, the phase, the timer and the
counts are inside the screen, the QR code is large while joining matters and a
corner afterwards, and a full wall says how many cards it leaves out.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.people import Facilitator, card, join_by_code, online
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

SIZES = [(1024, 768), (1280, 720), (1366, 768)]

MEASURE = """() => {
  const box = (sel) => {
    const el = document.querySelector(sel);
    if (!el || el.hidden || el.offsetParent === null) return null;
    const r = el.getBoundingClientRect();
    return {top: r.top, left: r.left, bottom: r.bottom, right: r.right,
            height: r.height, width: r.width};
  };
  const cards = [...document.querySelectorAll('li.card')].filter((el) => el.offsetParent !== null);
  return {
    scrollHeight: document.scrollingElement.scrollHeight,
    scrollWidth: document.scrollingElement.scrollWidth,
    width: innerWidth, height: innerHeight,
    phase: box('#phase-name'), timer: box('#timer'), tally: box('#tally-summary'),
    qr: box('.qr'), code: box('.big-code'), address: box('.join-url'), notice: box('#wall-notice'),
    cardsOutside: cards.filter((el) => { const r = el.getBoundingClientRect();
      return r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5; }).length,
    cardsShown: cards.length,
  };
}"""


def inside(box, m) -> bool:
    return (
        box is not None
        and box["top"] >= 0
        and box["left"] >= 0
        and box["bottom"] <= m["height"] + 0.5
        and box["right"] <= m["width"] + 0.5
    )


def check_fit(screens, projector, phase: str, *, timer=True, counts=False, qr="small"):
    """At each size: no scrolling, the essentials in view, the QR code as big as the phase wants."""
    for width, height in SIZES:
        projector.set_viewport_size({"width": width, "height": height})
        projector.wait_for_timeout(150)
        m = projector.evaluate(MEASURE)
        where = f"{phase} at {width}x{height}"
        screens.screenshot(projector, f"{phase}-{width}x{height}")
        assert m["scrollHeight"] <= m["height"], f"{where} scrolls down: {m}"
        assert m["scrollWidth"] <= m["width"], f"{where} scrolls sideways: {m}"
        assert inside(m["phase"], m), f"{where}: the phase is not on screen: {m}"
        if timer:
            assert inside(m["timer"], m), f"{where}: the timer is not on screen: {m}"
        if counts:
            assert inside(m["tally"], m), f"{where}: the counts are not on screen: {m}"
        assert m["cardsOutside"] == 0, f"{where}: cards run off the screen: {m}"
        if qr == "large":
            assert inside(m["qr"], m) and m["qr"]["height"] >= 0.35 * height, f"{where}: {m}"
            assert inside(m["code"], m) and inside(m["address"], m), f"{where}: {m}"
        elif qr == "small":
            assert inside(m["qr"], m) and m["qr"]["height"] <= 0.2 * height, f"{where}: {m}"
            # Still readable: latecomers find the code and the address in the corner.
            assert inside(m["code"], m) and inside(m["address"], m), f"{where}: {m}"
        else:
            assert m["qr"] is None and m["code"] is None, f"{where}: still invites to scan: {m}"
    return m


# The phases are switched by the console's plain form (the console's own buttons are
# tested in test_console*.py): this test is about what the projector makes of them.


def paper_card(facilitator, text, kind="problem"):
    card_id = str(uuid.uuid4())
    facilitator.act("paper_card", id=card_id, kind=kind, text=text, answers="")
    return card_id


def test_the_projector_fits_every_screen_in_every_phase(screens, workshop, axe_source):
    facilitator = Facilitator(screens, workshop)
    projector = facilitator.open_projector()
    phone = join_by_code(screens.phone(), workshop.code, name="Ayşe")

    # 24 cards from paper, some long: more than any of these screens holds.
    ids = []
    for n in range(14):
        text = f"Problem {n + 1}: " + "zu wenig Räume und Geld " * (n % 4 + 1)
        ids.append(paper_card(facilitator, text))
    for n in range(10):
        ids.append(paper_card(facilitator, f"Lösung {n + 1}: ein offener Treff", kind="solution"))
    expect(projector.locator("#wall-problem li.card")).not_to_have_count(0)
    expect(projector.locator("#more-problem")).to_have_text(re.compile(r"^\+\d+ weitere$"))
    # The newest first: the last card written is at the top.
    expect(projector.locator("#wall-problem .card-text").first).to_contain_text("Problem 14:")
    expect(projector.locator("#wall-problem .card-meta").first).to_have_text("Papier")

    facilitator.act("timer_start", seconds="300")
    expect(projector.locator("#timer-value")).to_have_text(re.compile(r"^[45]:\d\d$"))
    check_fit(screens, projector, "collect", qr="large")
    assert_accessible(projector, axe_source, "projector: collect")

    facilitator.act("set_phase", phase="discuss")
    expect(projector.locator("body")).to_have_attribute("data-join", "small")
    facilitator.act("timer_pause")
    expect(projector.locator("#timer")).to_have_attribute("data-state", "paused")
    check_fit(screens, projector, "discuss")
    assert_accessible(projector, axe_source, "projector: discuss")

    # A timer that runs out gives a calm signal, and stays on screen at 0:00.
    facilitator.act("timer_start", seconds="2")
    expect(projector.locator("#timer")).to_have_attribute("data-state", "done", timeout=6_000)
    expect(projector.locator("#timer-value")).to_contain_text("0:00")
    check_fit(screens, projector, "discuss-timer-done")
    assert_accessible(projector, axe_source, "projector: discuss-timer-done")

    facilitator.act("set_phase", phase="vote")
    facilitator.act("timer_start", seconds="600")
    card(phone, "Lösung 3: ein offener Treff").get_by_role(
        "button", name=re.compile("Punkt geben")
    ).click()
    expect(phone.locator("#dots-left")).to_contain_text("noch 4 von 5")
    for index, dots in ((0, 3), (5, 2), (13, 1), (20, 4)):
        facilitator.act("paper_dots", id=ids[index], dots=str(dots))
    expect(projector.locator("#tally-summary")).to_have_text(
        "11 Punkte vergeben · 1 Person hat abgestimmt"
    )
    expect(projector.locator(".card-total")).to_have_count(0)
    check_fit(screens, projector, "vote", counts=True)
    assert_accessible(projector, axe_source, "projector: vote")

    facilitator.act("set_phase", phase="results")
    expect(projector.locator("#wall-notice")).to_have_text("Ergebnisse folgen gleich")
    expect(projector.locator(".card-total")).to_have_count(0)
    check_fit(screens, projector, "results-hidden")
    assert_accessible(projector, axe_source, "projector: results-hidden")

    facilitator.reveal_results()
    expect(projector.locator("body")).to_have_attribute("data-results", "shown")
    expect(projector.locator("#wall-problem .card-total").first).to_have_text("3 Punkte")
    expect(projector.locator("#wall-solution .card-total").first).to_have_text("4 Punkte")
    m = check_fit(screens, projector, "results", counts=True)
    assert_accessible(projector, axe_source, "projector: results")
    assert m["cardsShown"] >= 8, m
    # The bars: the longest for the most dots, and none for a card without any.
    widths = projector.locator("#wall-problem .bar-fill").evaluate_all(
        "(bars) => bars.map((b) => b.getBoundingClientRect().width)"
    )
    assert widths[0] > widths[1] > widths[2] > 0 and widths[3] == 0, widths

    facilitator.act("set_phase", phase="closed")
    expect(projector.locator("#wall-notice")).to_have_text("Danke fürs Mitmachen!")
    check_fit(screens, projector, "closed", timer=False, qr="none")
    assert_accessible(projector, axe_source, "projector: closed")
    expect(projector.locator("#timer")).to_be_hidden()

    # A projector that reloads (the laptop went to sleep) shows the same.
    projector.reload()
    online(projector)
    expect(projector.locator("#wall-notice")).to_have_text("Danke fürs Mitmachen!")
    expect(projector.locator(".qr")).to_be_hidden()
