"""Everything a participant does works from the keyboard, and focus never gets lost."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.people import Facilitator, card, join_by_code, post_card

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
    value: el.value === undefined ? null : el.value,
    focus: el.dataset ? el.dataset.focus || null : null,
    text: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 80),
    visible: el.matches(':focus-visible') && style.outlineStyle !== 'none'
      && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, wanted, limit=40, key="Tab") -> dict:
    """Press Tab until the focused element matches; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        assert now["tag"] != "body", "focus fell off the page"
        assert now["visible"], f"focus is not visible on {now}"
        if all(now.get(k) == v for k, v in wanted.items()):
            return now
    raise AssertionError(f"no {wanted} within {limit} presses of {key}")


def assert_focus(page, **wanted) -> None:
    now = focused(page)
    assert all(now.get(k) == v for k, v in wanted.items()), now
    assert now["visible"], f"focus is not visible on {now}"


def test_join_write_and_vote_with_the_keyboard_alone(screens, workshop):
    facilitator = Facilitator(screens, workshop)
    other = join_by_code(screens.phone(), workshop.code, name="Bernd")
    post_card(other, "Es fehlt ein Treffpunkt")
    phone = screens.phone()

    # Join by code: the skip link comes first and is visible when focused.
    phone.goto("/join")
    skip = tab_to(phone, {"tag": "a"})
    assert skip["text"] == "Zum Inhalt springen"
    expect(phone.locator(".skip-link")).to_be_in_viewport()
    phone.keyboard.press("Enter")
    tab_to(phone, {"id": "code"})
    phone.keyboard.type(workshop.code.lower())
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"/j/"))
    tab_to(phone, {"id": "display_name"})
    phone.keyboard.type("Tastatur-Tina")
    phone.keyboard.press("Tab")
    assert_focus(phone, id="group")
    phone.keyboard.press("ArrowDown")
    tab_to(phone, {"id": "submit"})
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(rf"/w/{workshop.code}$"))
    expect(phone.locator("#connection")).to_have_attribute("data-state", "online")
    expect(card(phone, "Es fehlt ein Treffpunkt")).to_have_count(1)

    # A problem: radio (Problem is preselected), text, button.
    tab_to(phone, {"name": "kind"})
    assert_focus(phone, value="problem")
    tab_to(phone, {"id": "card-text"})
    phone.keyboard.type("Abends fährt kein Bus")
    phone.keyboard.press("Tab")
    assert_focus(phone, text="Karte anheften")
    phone.keyboard.press("Enter")
    expect(card(other, "Abends fährt kein Bus")).to_have_count(1)
    assert_focus(phone, id="card-text")

    # A solution to the other phone's problem: arrow keys move through the radios.
    tab_to(phone, {"name": "kind"}, key="Shift+Tab")
    phone.keyboard.press("ArrowRight")
    assert_focus(phone, value="solution")
    tab_to(phone, {"id": "answers"})
    phone.keyboard.press("ArrowDown")
    expect(phone.locator("#answers option:checked")).to_have_text("Es fehlt ein Treffpunkt")
    tab_to(phone, {"id": "card-text"})
    phone.keyboard.type("Ein Raum im Stadtteilzentrum")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    expect(card(other, "Ein Raum im Stadtteilzentrum")).to_have_count(1)
    assert_focus(phone, id="card-text")

    # The board changes under the cursor: focus stays where it was.
    post_card(other, "Zu wenig Beleuchtung am Bahnhof")
    expect(card(phone, "Zu wenig Beleuchtung am Bahnhof")).to_have_count(1)
    assert_focus(phone, id="card-text")
    mine = card(phone, "Abends fährt kein Bus")
    answer_key = f"answer:{mine.get_attribute('data-id')}"
    tab_to(phone, {"focus": answer_key})
    post_card(other, "Ein Nachtbus am Wochenende", kind="solution", answers="Abends fährt kein Bus")
    expect(mine.locator(".card-solutions li")).to_have_text(["Ein Nachtbus am Wochenende"])
    assert_focus(phone, focus=answer_key)

    # The facilitator starts the vote while the phone is typing: focus goes to the news.
    tab_to(phone, {"id": "card-text"}, key="Shift+Tab")
    facilitator.set_phase("vote")
    expect(phone.locator("#compose")).to_be_hidden()
    assert_focus(phone, id="phase-heading")

    # A dot, and the dot taken back, with Enter and Space.
    target = card(phone, "Es fehlt ein Treffpunkt")
    card_id = target.get_attribute("data-id")
    tab_to(phone, {"focus": f"vote:{card_id}"})
    phone.keyboard.press("Enter")
    expect(phone.locator("#dots-left")).to_have_text("Du hast noch 4 von 5 Punkten.")
    expect(target.locator(".my-dots")).to_contain_text("Deine Punkte: 1")
    assert_focus(phone, focus=f"vote:{card_id}")
    phone.keyboard.press("Tab")
    assert_focus(phone, focus=f"unvote:{card_id}")
    phone.keyboard.press("Space")
    expect(phone.locator("#dots-left")).to_have_text("Du hast noch 5 von 5 Punkten.")
    expect(target.get_by_role("button", name=re.compile("zurücknehmen"))).to_have_count(0)
    # The take-back button is gone; focus went to the card's other dot button.
    assert_focus(phone, focus=f"vote:{card_id}")
    screens.screenshot(phone, "phone-vote-focus")
