"""The organizer in real Chromium: sets up a week, prints a poster, watches the overview.

Also: reorders and removes a workshop, downloads an access sheet as PDF, and
downloads each export through the background-job page.
"""

import csv
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.people import join_by_code, post_card
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
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

    # A second workshop, moved up by keyboard, then removed after the confirmation.
    office.get_by_role("link", name="Workshop hinzufügen").click()
    office.locator("#title").fill("Jugend")
    office.locator("#slug").fill("jugend")
    office.locator("#submit").click()
    expect(office).to_have_url(re.compile(r"/einrichten$"))
    titles = office.locator("tbody th[scope=row]")
    expect(titles).to_have_text(["Rechte Strömungen", "Jugend"])
    office.get_by_role("button", name="Nach oben Jugend").focus()
    office.keyboard.press("Enter")
    expect(titles).to_have_text(["Jugend", "Rechte Strömungen"])
    expect(office.locator("[role=status]")).to_contain_text("eine Stelle nach oben")
    assert_accessible(office, axe_source, "week set-up with two workshops")
    office.get_by_role("link", name="Löschen … Jugend").click()
    expect(office.locator("h1")).to_have_text("Workshop löschen: Jugend")
    expect(office.locator(".purge-plan")).to_contain_text("Karten")
    assert_accessible(office, axe_source, "delete workshop")
    office.get_by_role("button", name="Workshop endgültig löschen").click()
    expect(office).to_have_url(re.compile(r"/einrichten$"))
    expect(titles).to_have_text(["Rechte Strömungen"])

    row.get_by_role("link", name=re.compile("^Zugänge")).click()
    assert_accessible(office, axe_source, "accesses")
    office.locator("#name").fill("Aylin")
    office.locator("#pin").check()
    office.locator("#submit").click()
    expect(office.locator("#access-pin")).to_have_text(re.compile(r"^\d{6}$"))
    assert_accessible(office, axe_source, "access issued")
    with office.expect_download() as sheet:
        office.get_by_role("button", name="Als PDF herunterladen").click()
    sheet_pdf = Path(sheet.value.path()).read_bytes()
    assert sheet.value.suggested_filename.endswith(".pdf")
    assert sheet_pdf.startswith(b"%PDF-") and pdf_pages(sheet_pdf) == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "organize-access-sheet.pdf").write_bytes(sheet_pdf)

    office.goto(f"/organisation/w/{code}/plakat")
    assert_accessible(office, axe_source, "poster")
    office.emulate_media(media="print")
    pdf = office.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "organize-poster.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1, f"the poster prints on {pdf_pages(pdf)} pages"
    office.emulate_media(media="screen")

    # The week's sheets: an access for every workshop, one printed page each.
    office.goto("/organisation/e/browserwoche/einrichten")
    office.get_by_role("link", name="Zugänge aller Workshops (Blätter zum Verteilen)").click()
    assert_accessible(office, axe_source, "accesses of the week")
    expect(office.locator("tbody tr")).to_have_count(1)
    office.locator("#name").fill("Team Nord")
    office.get_by_role("button", name="Für jeden Workshop einen Zugang ausgeben").click()
    expect(office.locator(".access-sheet")).to_have_count(1)
    expect(office.locator(".access-sheet")).to_contain_text("Team Nord")
    assert_accessible(office, axe_source, "access sheets of the week")
    office.emulate_media(media="print")
    sheets = office.pdf(format="A4", print_background=True)
    assert pdf_pages(sheets) == 1, f"one workshop's sheet prints on {pdf_pages(sheets)} pages"
    office.emulate_media(media="screen")
    with office.expect_download() as week_sheets:
        office.get_by_role("button", name="Alle als PDF herunterladen").click()
    assert pdf_pages(Path(week_sheets.value.path()).read_bytes()) == 1

    office.goto("/organisation/")
    cards = office.locator(f'tr[data-code="{code}"] [data-field="cards"]')
    activity = office.locator(f'tr[data-code="{code}"] [data-activity-text]')
    expect(cards).to_have_text("0")
    expect(activity).to_have_text(re.compile(r"^vor \d+ (Sek|Min)\.$"))
    expect(office.locator("#live-status")).to_contain_text("Live")
    phone = screens.phone()
    join_by_code(phone, code)
    post_card(phone, "Zu wenig Beratungsstellen")
    expect(cards).to_have_text("1")
    expect(office.locator(f'tr[data-code="{code}"] [data-field="members"]')).to_have_text("1")
    # The post is the last activity now: "jetzt" or a few seconds ago, and not stuck.
    expect(activity).to_have_text(re.compile(r"^(jetzt|vor \d Sek\.)$"))
    expect(office.locator(f'tr[data-code="{code}"] .quiet-flag')).to_be_hidden()
    assert_accessible(office, axe_source, "organizer overview with activity")

    # The week's export right from the overview shows its progress there too.
    week = office.locator("section", has=office.get_by_role("heading", name=re.compile("Browser")))
    week.locator("select[name=format]").select_option("csv")
    with office.expect_download() as download:
        week.get_by_role("button", name="Export starten").click()
    expect(week.locator("[data-export-text]")).to_contain_text("Der Export ist fertig")
    assert download.value.suggested_filename == "querschnitt-browserwoche.csv"

    # Each export through the job page: started, watched, downloaded.
    office.goto("/organisation/e/browserwoche/export")
    assert_accessible(office, axe_source, "export page")
    files = {}
    for fmt, scope in [("docx", ""), ("xlsx", ""), ("csv", code), ("json", "")]:
        office.locator("#format").select_option(fmt)
        office.locator("#workshop").select_option(scope)
        with office.expect_download() as download:
            office.get_by_role("button", name="Export starten").click()
        expect(office.locator("[data-export-text]")).to_contain_text("Der Export ist fertig")
        files[fmt] = (download.value.suggested_filename, Path(download.value.path()).read_bytes())
    assert_accessible(office, axe_source, "export page after a download")
    name, data = files["docx"]
    assert name == "querschnitt-browserwoche.docx"
    document = Document(io.BytesIO(data))
    assert any(p.text == "Rechte Strömungen" for p in document.paragraphs)
    name, data = files["xlsx"]
    assert name == "querschnitt-browserwoche.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert any("Zu wenig Beratungsstellen" in str(c.value) for s in book for r in s for c in r)
    name, data = files["csv"]
    assert name == "querschnitt-browserwoche-rechts.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert any("Zu wenig Beratungsstellen" in row for row in rows)
    name, data = files["json"]
    assert name == "querschnitt-browserwoche.zip"
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()
    # The job's own page, as a browser without JavaScript ends up on it, offers the file.
    job_file = office.locator("a[data-export-file]").get_attribute("href")
    office.goto(job_file.removesuffix("/datei"))
    expect(
        office.get_by_role("link", name="querschnitt-browserwoche.zip herunterladen")
    ).to_be_visible()
    assert_accessible(office, axe_source, "export job page")

    for path, name in [
        ("/organisation/woche/import", "week file upload"),
        ("/organisation/e/browserwoche/bearbeiten", "edit week"),
        (f"/organisation/w/{code}/bearbeiten", "edit workshop"),
        ("/organisation/passwort", "password"),
        ("/organisation/e/browserwoche/loeschen", "purge"),
        (f"/organisation/w/{code}/loeschen", "delete a workshop with cards"),
        ("/organisation/e/browserwoche/bericht", "report"),
    ]:
        office.goto(path)
        assert_accessible(office, axe_source, name)

    # At 320 px (a phone, or 400 % zoom) every organizer page reflows: no sideways scrolling
    # of the page; a wide table scrolls inside its own box.
    office.set_viewport_size({"width": 320, "height": 640})
    for path in [
        "/organisation/",
        "/organisation/e/browserwoche/einrichten",
        "/organisation/e/browserwoche/zugaenge",
        f"/organisation/w/{code}/zugaenge",
        f"/organisation/w/{code}/bearbeiten",
        "/organisation/e/browserwoche/export",
        "/organisation/e/browserwoche/bericht",
        "/organisation/e/browserwoche/loeschen",
    ]:
        office.goto(path)
        assert_no_horizontal_scroll(office, 320, f"{path} at 320 px")
        if path == "/organisation/":
            # The overview's figures are in sight, not off to the right of a scrolled table.
            figures = office.locator("tr[data-code] [data-field=cards]")
            box = figures.first.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 320, box
