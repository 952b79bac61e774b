"""What people type is shown as text, never run; every page carries a strict CSP."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Guard, Screens
from tests.browser.people import Facilitator, card, join_by_code, online, post_card

pytestmark = pytest.mark.browser

CORPUS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
]

# Nothing on a page may run or style itself inline: the CSP would block it anyway,
# and this finds it even where the browser quietly did.
INLINE_CODE = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      // An empty style="" is what Playwright's screenshots leave behind; it styles nothing.
      const styled = attr.name === 'style' && attr.value.trim();
      const code = /^on/i.test(attr.name) || /^\\s*javascript:/i.test(attr.value);
      if (code || styled) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const script of document.querySelectorAll('script:not([src])')) found.push('inline script');
  for (const el of document.querySelectorAll('.card img, .card svg, .card iframe, .card script'))
    found.push(`injected ${el.tagName}`);
  return found;
}"""


def assert_shown_as_text(page, name: str) -> None:
    for index, text in enumerate(CORPUS):
        shown = card(page, text)
        expect(shown).to_have_count(1)
        expect(shown.locator(".card-meta")).to_contain_text(CORPUS[-1 - index])
    assert page.evaluate(INLINE_CODE) == [], name
    expect(card(page, "49")).to_have_count(0)


def test_names_and_cards_that_look_like_code_stay_text(screens, workshop):
    facilitator = Facilitator(screens, workshop)
    projector = facilitator.open_projector()
    phones = []
    for index, text in enumerate(CORPUS):
        # Each phone joins with one payload as its name and posts the mirror one as its card.
        phone = join_by_code(screens.phone(), workshop.code, name=CORPUS[-1 - index])
        post_card(phone, text)
        phones.append(phone)
    first = phones[0]
    expect(first.locator("#announcer")).to_have_text(f"Neues Problem: {CORPUS[-1]}")
    post_card(first, "Eine Antwort", kind="solution", answers=CORPUS[1])
    expect(card(first, "Eine Antwort").locator(".card-answers")).to_have_text(
        f"Antwort auf: {CORPUS[1]}"
    )
    expect(first.locator("#answers option")).to_have_text(
        ["– keinem bestimmten Problem –"] + CORPUS
    )

    for name, page in (("phone", first), ("other phone", phones[3]), ("projector", projector)):
        assert_shown_as_text(page, name)
    screens.screenshot(first, "phone-xss")
    screens.screenshot(projector, "projector-xss")

    # The page the server renders escapes the same texts.
    phones[2].reload()
    online(phones[2])
    assert_shown_as_text(phones[2], "server-rendered board")

    facilitator.set_phase("vote")
    card(first, CORPUS[0]).get_by_role("button", name=re.compile("Punkt geben")).click()
    facilitator.set_phase("results")
    facilitator.reveal_results()
    expect(card(projector, CORPUS[0]).locator(".card-total")).to_have_text("1 Punkt")
    assert_shown_as_text(projector, "projector results")
    assert_shown_as_text(first, "phone results")


def test_every_page_sends_a_strict_content_security_policy(screens, workshop):
    facilitator = Facilitator(screens, workshop)
    phone = join_by_code(screens.phone(), workshop.code)
    pages = [
        (phone, "/join"),
        (phone, facilitator.join_link),
        (phone, f"/w/{workshop.code}"),
        (phone, "/datenschutz"),
        (phone, "/barrierefreiheit"),
        (phone, "/gibt-es-nicht"),
        (facilitator.console, f"/w/{workshop.code}/facilitate"),
        (facilitator.console, f"/w/{workshop.code}/projector"),
    ]
    for page, url in pages:
        response = page.goto(url)
        headers = response.all_headers()
        policy = {
            directive.split()[0]: directive.split()[1:]
            for directive in headers["content-security-policy"].split(";")
            if directive.strip()
        }
        assert "'unsafe-inline'" not in headers["content-security-policy"], url
        assert "'unsafe-eval'" not in headers["content-security-policy"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"], url
        assert headers["x-frame-options"] == "DENY", url
        assert headers["x-content-type-options"] == "nosniff", url
        assert page.evaluate(INLINE_CODE) == [], url


def test_the_guard_catches_foreign_requests_csp_violations_errors_and_dialogs(browser, server):
    guard = Guard(origin=f"127.0.0.1:{server.port}")
    screens = Screens(browser, server, guard, "guard")
    page = screens.phone()
    page.goto("/join")
    assert guard.problems() == []

    page.evaluate(
        """() => {
          const img = document.createElement('img');
          img.src = 'https://cdn.example.org/tracker.png';
          document.body.append(img);
          document.body.setAttribute('onclick', 'alert(1)');
          document.body.click();
          setTimeout(() => { throw new Error('boom'); });
        }"""
    )
    page.evaluate("() => window.alert('hello')")
    page.goto(f"http://localhost:{server.port}/join")
    page.wait_for_timeout(200)
    problems = "\n".join(screens.close() + guard.problems())

    assert "foreign_requests: http://localhost:" in problems
    assert "img-src blocked https://cdn.example.org/tracker.png" in problems
    assert "script-src-attr blocked inline" in problems
    assert "page_errors: boom" in problems
    assert "dialogs: alert: hello" in problems
