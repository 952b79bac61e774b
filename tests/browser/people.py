"""What the people of a workshop day do in the browser, in a line each."""

import re

from playwright.sync_api import Page, expect

PHASE_BUTTONS = {
    "collect": "Sammeln",
    "discuss": "Diskutieren",
    "vote": "Abstimmen",
    "results": "Ergebnisse",
    "closed": "Beendet",
}


def online(page: Page, timeout: float = 5_000) -> Page:
    """Wait until the page's socket is connected."""
    expect(page.locator("#connection")).to_have_attribute("data-state", "online", timeout=timeout)
    return page


def join_by_code(page: Page, code: str, name: str = "", group: str | None = None) -> Page:
    """Type the short code at /join, then join with an optional name."""
    page.goto("/join")
    page.locator("#code").fill(code)
    page.locator("#code").press("Enter")
    return join_form(page, name, group)


def join_by_link(page: Page, link: str, name: str = "", group: str | None = None) -> Page:
    """Open the QR code's link, then join with an optional name."""
    page.goto(link)
    return join_form(page, name, group)


def join_form(page: Page, name: str = "", group: str | None = None) -> Page:
    expect(page).to_have_url(re.compile(r"/j/[\w-]+$"))
    if name:
        page.locator("#display_name").fill(name)
    if group:
        page.locator("#group").select_option(group)
    page.locator("#submit").click()
    expect(page).to_have_url(re.compile(r"/w/\w{6}$"))
    return online(page)


def post_card(page: Page, text: str, kind: str = "problem", answers: str | None = None) -> None:
    """Write a card in the compose form and pin it."""
    page.locator(f"#compose-form input[name=kind][value={kind}]").check()
    if answers:
        page.locator("#answers").select_option(label=answers)
    page.locator("#card-text").fill(text)
    page.locator("#compose-form button[type=submit]").click()


def card(page: Page, text: str):
    """The card with exactly this text, on a phone or the projector."""
    return page.locator("li.card").filter(
        has=page.locator(".card-text", has_text=re.compile(f"^{re.escape(text)}$"))
    )


def card_texts(page: Page, kind: str) -> list[str]:
    """The texts of one lane, top to bottom (a phone's board or the projector's wall)."""
    lane = page.locator(f"#cards-{kind}, #wall-{kind}")
    return lane.locator("li.card .card-text").all_inner_texts()


class Facilitator:
    """The facilitator's laptop: the console, and the projector in a second tab."""

    def __init__(self, screens, workshop, locale: str = "de-DE"):
        self.code = workshop.code
        self.console = screens.laptop(locale)
        self.console.goto(workshop.facilitator_link)
        expect(self.console).to_have_url(re.compile(f"/w/{self.code}/facilitate$"))
        self.join_link = self.console.locator("a[href*='/j/']").first.get_attribute("href")
        self.projector = None

    def open_projector(self) -> Page:
        self.projector = self.console.context.new_page()
        self.projector.goto(f"/w/{self.code}/projector")
        online(self.projector)
        return self.projector

    def set_phase(self, phase: str) -> None:
        """Click the phase's button; the console asks once, in the page, before
        it leaves collecting or closes the workshop: say yes."""
        label = PHASE_BUTTONS[phase]
        button = self.console.get_by_role("button", name=re.compile(rf"^\d\. {label}$"))
        button.click()
        confirm = self.console.locator("#phase-confirm-yes")
        asked = self.console.locator("#phase-confirm-yes:visible")
        expect(button.and_(self.console.locator("[aria-current]")).or_(asked).first).to_be_visible()
        if confirm.is_visible():
            confirm.click()
        expect(
            self.console.get_by_role("button", name=re.compile(rf"^\d\. {label}$"))
        ).to_have_attribute("aria-current", "step")

    def act(self, action: str, **fields) -> None:
        """Run a console action as its plain form posts it, and check it was done."""
        token = self.console.locator("input[name=csrf_token]").first.input_value()
        response = self.console.request.post(
            f"/w/{self.code}/facilitate/{action}", form={"csrf_token": token, **fields}
        )
        assert response.ok, f"{action}: {response.status}"
        assert "flash-error" not in response.text(), f"{action} was refused"

    def reveal_results(self) -> None:
        """Show the room the ranking (the phase results alone does not)."""
        self.act("reveal_results")
