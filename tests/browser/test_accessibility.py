"""WCAG 2.1 AA as axe-core checks it, reflow at 320 px and 200 % text, and the live region."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.people import Facilitator, card, join_by_code, join_by_link, post_card

pytestmark = pytest.mark.browser

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  return {
    passes: results.passes.length,
    incomplete: results.incomplete.map((r) => ({
      id: r.id,
      nodes: r.nodes.map((n) => `${n.target.join(' ')}: ${(n.any[0] || n.all[0] || {}).message}`),
    })),
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    })),
  };
}"""

#: What axe found on each page, written to test-artifacts/browser/axe.json for people to read.
SUMMARY: dict[str, dict] = {}


@pytest.fixture(scope="module", autouse=True)
def axe_summary():
    yield SUMMARY
    if SUMMARY:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe.json").write_text(json.dumps(SUMMARY, indent=2, ensure_ascii=False))


def assert_accessible(page, axe_source: str, name: str) -> None:
    """Run axe-core on the page as it is now; fail with every violation it reports."""
    # page.evaluate is not subject to the page's CSP, which forbids inline scripts.
    page.evaluate(axe_source)
    result = page.evaluate(RUN_AXE, WCAG_AA)
    SUMMARY[name] = result
    report = [
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in result["violations"]
    ]
    assert report == [], f"axe on {name}:\n" + "\n".join(report)


def assert_no_horizontal_scroll(page, width: int, name: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > width + 1)
                .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className}`)""",
            width,
        )
        raise AssertionError(f"{name} scrolls sideways: {scroll}px > {width}px ({wide})")


SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a, button, select, textarea, input:not([type=hidden]):not([type=radio]), label.choice')]
  .filter((el) => el.offsetParent !== null && !el.closest('.prose, .small, .card-solutions'))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([, box]) => box.right > 0 && (box.height < 44 || box.width < 44))
  .map(([el, box]) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}"`
    + ` ${Math.round(box.width)}x${Math.round(box.height)}`)"""


def assert_touch_targets(page, name: str) -> None:
    """Everything a finger taps is at least 44 x 44 px (links inside running text aside)."""
    small = page.evaluate(SMALL_TARGETS)
    assert small == [], f"{name}: targets smaller than 44 px: {small}"


def zoom_text(page, percent: int = 200) -> None:
    page.evaluate(f"document.documentElement.style.fontSize = '{percent}%'")


def test_join_pages_and_information_pages(screens, server, workshop, axe_source):
    facilitator = Facilitator(screens, workshop)
    assert_accessible(facilitator.console, axe_source, "facilitate")
    phone = screens.phone()

    phone.goto("/join")
    assert_accessible(phone, axe_source, "join")
    assert_touch_targets(phone, "join")
    phone.locator("#code").fill("ZZZZZ9")
    phone.locator("#submit").click()
    expect(phone.locator("#code-error")).to_have_text("Diesen Code gibt es nicht. Bitte prüfe ihn.")
    expect(phone.locator("#code")).to_have_attribute("aria-invalid", "true")
    assert_accessible(phone, axe_source, "join with error")

    phone.goto(facilitator.join_link)
    assert_accessible(phone, axe_source, "join form (QR link)")
    assert_touch_targets(phone, "join form")

    for path in ("/datenschutz", "/barrierefreiheit"):
        phone.goto(path)
        assert_accessible(phone, axe_source, path)
    response = phone.goto("/gibt-es-nicht")
    assert response.status == 404
    assert_accessible(phone, axe_source, "404")
    screens.screenshot(phone, "phone-404")


def test_no_sideways_scrolling_at_320_px_and_at_200_percent_text(screens, workshop):
    facilitator = Facilitator(screens, workshop)
    narrow = screens.phone(viewport={"width": 320, "height": 640})
    narrow.goto("/join")
    assert_no_horizontal_scroll(narrow, 320, "join at 320 px")
    join_by_link(narrow, facilitator.join_link, name="Schmal")
    post_card(narrow, "Einwohner­versammlungs­protokoll­zugänglichkeit fehlt " * 3)
    post_card(narrow, "https://example.invalid/ein/sehr/langer/link/ohne/leerzeichen/" * 2)
    expect(narrow.locator("li.card:not(.card-pending)")).to_have_count(2)
    assert_no_horizontal_scroll(narrow, 320, "board at 320 px")
    facilitator.set_phase("vote")
    expect(narrow.locator("#dots-left")).to_be_visible()
    assert_no_horizontal_scroll(narrow, 320, "vote at 320 px")
    screens.screenshot(narrow, "phone-320-vote")

    wide = screens.page(kind="projector", viewport={"width": 640, "height": 800})
    wide.goto("/join")
    zoom_text(wide)
    assert_no_horizontal_scroll(wide, 640, "join at 200 % text")
    join_by_link(wide, facilitator.join_link, name="Groß")
    zoom_text(wide)
    assert_no_horizontal_scroll(wide, 640, "board at 200 % text")
    screens.screenshot(wide, "board-640-200pct")
    facilitator.console.set_viewport_size({"width": 640, "height": 800})
    zoom_text(facilitator.console)
    assert_no_horizontal_scroll(facilitator.console, 640, "facilitate at 200 % text")
    projector = facilitator.open_projector()
    projector.set_viewport_size({"width": 640, "height": 800})
    zoom_text(projector)
    assert_no_horizontal_scroll(projector, 640, "projector at 200 % text")
    screens.screenshot(projector, "projector-640-200pct")


def test_the_board_in_every_phase(screens, workshop, axe_source):
    facilitator = Facilitator(screens, workshop)
    projector = facilitator.open_projector()
    phone = join_by_code(screens.phone(), workshop.code, name="Ayşe", group="verwaltung")
    other = join_by_code(screens.phone(), workshop.code)

    # The live region tells a screen reader what another phone posted.
    announcer = phone.locator("#announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    post_card(other, "Zu wenig Plätze in Sprachkursen")
    expect(announcer).to_have_text("Neues Problem: Zu wenig Plätze in Sprachkursen")
    post_card(
        phone, "Mehr Kurse am Abend", kind="solution", answers="Zu wenig Plätze in Sprachkursen"
    )
    expect(other.locator("#announcer")).to_have_text("Neue Lösung: Mehr Kurse am Abend")
    expect(card(phone, "Mehr Kurse am Abend")).not_to_have_class("card-pending")
    expect(projector.locator("#announcer")).to_have_text("Neue Karte: Mehr Kurse am Abend")

    assert_accessible(phone, axe_source, "board: collect")
    assert_touch_targets(phone, "board: collect")
    assert_accessible(projector, axe_source, "projector: collect")
    for phase in ("discuss", "vote", "results", "closed"):
        facilitator.set_phase(phase)
        if phase == "results":
            facilitator.reveal_results()
        expect(phone.locator("body")).to_have_class(f"board-page phase-{phase}")
        expect(projector.locator("body")).to_have_class(f"projector phase-{phase}")
        if phase == "vote":
            card(phone, "Zu wenig Plätze in Sprachkursen").locator("form button").first.click()
            expect(phone.locator("#dots-left")).to_contain_text("noch 4 von 5")
        assert_accessible(phone, axe_source, f"board: {phase}")
        assert_touch_targets(phone, f"board: {phase}")
        if phase in ("vote", "results"):
            assert_accessible(projector, axe_source, f"projector: {phase}")
    expect(projector.locator(".card-total").first).to_have_text("1 Punkt")
