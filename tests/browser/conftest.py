"""Real Chromium against a real server: phones, a projector and a facilitator's laptop.

Every page any test opens is watched: a request to another host, a Content
Security Policy violation or an uncaught script error fails the test, and so
does any cookie besides the session cookie.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.live import LiveServer

#: Debian's Chromium; Playwright's own browser downloads are never used.
CHROMIUM = Path(os.environ.get("QUERSCHNITT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
PROJECTOR = {"viewport": {"width": 1366, "height": 800}}

# Runs before the page's own scripts and is not subject to the page's CSP.
WATCH_SCRIPT = """
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  const text = `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${where}`;
  (window.__cspViolations = window.__cspViolations || []).push(text);
  if (window.__reportCspViolation) window.__reportCspViolation(text);
});
"""


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; skipped without Debian's Chromium (fails under CI)."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            reason = f"Playwright for Python is not installed: {exc}"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests must run under CI: {reason}")
        pytest.skip(reason)
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    live = LiveServer(tmp_path_factory.mktemp("browser")).start()
    live.workshop_pool = list(live.facilitator_links().items())
    yield live
    live.stop()
    assert live.errors_in_log() == [], live.log.read_text()


@dataclass
class Workshop:
    code: str
    facilitator_link: str


@pytest.fixture
def workshop(server):
    """A workshop nobody has touched yet (the test week has eight, one per test that needs one)."""
    if not server.workshop_pool:
        pytest.fail("the module used up the test week's workshops (tests/data/week.toml)")
    code, link = server.workshop_pool.pop(0)
    return Workshop(code, link)


@dataclass
class Guard:
    """What went wrong on any page of a test, collected while it runs."""

    origin: str
    foreign_requests: list = field(default_factory=list)
    csp_violations: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)

    def request(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):
            return
        if parts.scheme not in ("http", "ws") or parts.netloc != self.origin:
            self.foreign_requests.append(url)

    def console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def problems(self) -> list[str]:
        found = []
        for name in ("foreign_requests", "csp_violations", "page_errors", "dialogs"):
            found += [f"{name}: {item}" for item in getattr(self, name)]
        return found


class Screens:
    """Opens browser contexts as the devices of a workshop day, each page watched by the guard."""

    def __init__(self, browser, server, guard: Guard, test_name: str):
        self.browser = browser
        self.server = server
        self.guard = guard
        self.test_name = test_name
        self.contexts = []
        self.pages = []

    def context(self, kind="phone", locale="de-DE", **options):
        settings = {**(PHONE if kind == "phone" else PROJECTOR), "locale": locale, **options}
        context = self.browser.new_context(base_url=self.server.url, **settings)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: self.guard.request(request.url))
        context.expose_binding(
            "__reportCspViolation", lambda source, text: self.guard.csp_violations.append(text)
        )
        context.add_init_script(WATCH_SCRIPT)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context

    def _watch(self, page) -> None:
        self.pages.append(page)
        page.on("console", self.guard.console)
        page.on("pageerror", lambda error: self.guard.page_errors.append(str(error)))
        page.on("websocket", lambda ws: self.guard.request(ws.url))
        page.on("dialog", self.guard.dialog)

    def page(self, kind="phone", locale="de-DE", **options):
        """A new device with one page open."""
        return self.context(kind, locale, **options).new_page()

    def phone(self, locale="de-DE", **options):
        return self.page("phone", locale, **options)

    def laptop(self, locale="de-DE", **options):
        return self.page("projector", locale, **options)

    def screenshot(self, page, name: str) -> Path:
        """Keep a picture of the page for people to look at (test-artifacts/browser/)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.test_name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def cookie_problems(self) -> list[str]:
        found = []
        for context in self.contexts:
            for cookie in context.cookies():
                if cookie["name"] != "querschnitt":
                    found.append(f"unexpected cookie {cookie['name']}")
                elif not cookie["httpOnly"] or cookie["sameSite"] != "Lax":
                    found.append(f"session cookie not HttpOnly/SameSite=Lax: {cookie}")
        return found

    def close(self) -> list[str]:
        for page in self.pages:
            if not page.is_closed():
                try:
                    stored = page.evaluate("window.__cspViolations || []")
                except Exception:  # noqa: BLE001 - a page mid-navigation has nothing to report
                    stored = []
                for text in stored:
                    if text not in self.guard.csp_violations:
                        self.guard.csp_violations.append(text)
        problems = self.cookie_problems()
        for context in self.contexts:
            context.close()
        return problems


@pytest.fixture
def screens(browser, server, request):
    """Open phones and laptops; after the test, fail on anything the guard saw."""
    guard = Guard(origin=f"127.0.0.1:{server.port}")
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    opened = Screens(browser, server, guard, module)
    yield opened
    problems = opened.close() + guard.problems()
    assert problems == [], "\n".join(problems)


@pytest.fixture(scope="session")
def axe_source():
    return AXE.read_text(encoding="utf-8")
