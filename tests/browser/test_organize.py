"""The organizer in real Chromium: sets up a week, prints a poster, watches the overview."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.people import join_by_code, post_card
from tests.browser.test_accessibility import assert_accessible
from tests.live import ROOT

pytestmark = pytest.mark.browser

LOGIN = "koordination@herne.example"
PASSWORD = "richtig-geheim-2021"


@pytest.fixture(scope="module")
def organizer_account(server):
    """An organizer in the server's own database, made with the command an office would run."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "create-organizer",
            "--name",
            "Koordinierungsstelle",
            "--login",
            LOGIN,
            "--password-stdin",
        ],
        cwd=ROOT,
        env=server.env,
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
    )
    return LOGIN


def pdf_pages(data: bytes) -> int:
    """Count the pages of a PDF by its page objects (/Type /Page, not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", data))


def test_the_organizer_sets_up_a_week_prints_a_poster_and_watches_it(
    screens, server, organizer_account, axe_source
):
    office = screens.laptop()
    office.goto("/organisation/")
    expect(office).to_have_url(re.compile(r"/organisation/login"))
    assert_accessible(office, axe_source, "organizer login")
    office.locator("#login").fill(LOGIN)
    office.locator("#password").fill(PASSWORD)
    office.locator("#submit").click()
    expect(office).to_have_url(re.compile(r"/organisation/$"))
    assert_accessible(office, axe_source, "organizer overview")

    office.get_by_role("link", name="Neue Woche", exact=True).click()
    office.locator("#submit").click()
    expect(office.locator("[role=alert]")).to_be_visible()
    assert_accessible(office, axe_source, "new week with errors")
    office.locator("#title").fill("Werkstattwoche Browser")
    office.locator("#slug").fill("browserwoche")
    office.locator("#groups").fill("verwaltung = Verwaltung\nzivil = Zivilgesellschaft")
    office.locator("#submit").click()
    expect(office).to_have_url(re.compile(r"/organisation/e/browserwoche/einrichten$"))
    assert_accessible(office, axe_source, "week set-up")

    office.get_by_role("link", name="Workshop hinzufügen").click()
    office.locator("#title").fill("Rechte Strömungen")
    office.locator("#slug").fill("rechts")
    office.locator("#day").fill("2021-10-05")
    office.locator("#starts_at").fill("09:00")
    office.locator("#ends_at").fill("08:00")
    office.locator("#room").fill("Ratssaal")
    office.locator("#submit").click()
    expect(office.locator("#ends_at-error")).to_have_text("Das Ende muss nach dem Beginn liegen.")
    assert_accessible(office, axe_source, "workshop form with errors")
    office.locator("#ends_at").fill("16:00")
    office.locator("#submit").click()
    expect(office).to_have_url(re.compile(r"/einrichten$"))
    row = office.locator("tr", has_text="Rechte Strömungen")
    code = row.locator(".code").inner_text()

    row.get_by_role("link", name=re.compile("^Zugänge")).click()
    assert_accessible(office, axe_source, "accesses")
    office.locator("#name").fill("Aylin")
    office.locator("#pin").check()
    office.locator("#submit").click()
    expect(office.locator("#access-pin")).to_have_text(re.compile(r"^\d{6}$"))
    assert_accessible(office, axe_source, "access issued")

    office.goto(f"/organisation/w/{code}/plakat")
    assert_accessible(office, axe_source, "poster")
    office.emulate_media(media="print")
    pdf = office.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "organize-poster.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1, f"the poster prints on {pdf_pages(pdf)} pages"
    office.emulate_media(media="screen")

    office.goto("/organisation/")
    cards = office.locator(f'tr[data-code="{code}"] [data-field="cards"]')
    expect(cards).to_have_text("0")
    expect(office.locator("#live-status")).to_contain_text("Live")
    phone = screens.phone()
    join_by_code(phone, code)
    post_card(phone, "Zu wenig Beratungsstellen")
    expect(cards).to_have_text("1")
    expect(office.locator(f'tr[data-code="{code}"] [data-field="members"]')).to_have_text("1")

    for path, name in [
        ("/organisation/woche/import", "week file upload"),
        ("/organisation/e/browserwoche/bearbeiten", "edit week"),
        (f"/organisation/w/{code}/bearbeiten", "edit workshop"),
        ("/organisation/passwort", "password"),
        ("/organisation/e/browserwoche/loeschen", "purge"),
    ]:
        office.goto(path)
        assert_accessible(office, axe_source, name)
