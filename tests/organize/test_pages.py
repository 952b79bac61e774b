"""The organizer's overview, posters, downloads and purge."""

import csv
import io
import re
import uuid
import zipfile

import openpyxl
import pytest
from docx import Document

from app.extensions import db
from app.models import Card, Event, Workshop
from tests.conftest import csrf_token, database_urls
from tests.organize.conftest import download, export, file_url, wait_for_job

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "json": "application/zip",
}


def test_the_overview_lists_every_workshop_with_its_links(office, actions):
    page = office.get("/organisation/").get_data(as_text=True)
    workshop = actions.workshop()
    assert "Testwoche" in page and "Vielfalt" in page and "Antisemitismus" in page
    assert f'data-code="{workshop.short_code}"' in page
    assert f"/organisation/w/{workshop.short_code}/plakat" in page
    assert "/organisation/e/testwoche/export" in page
    assert "js/views/overview.js" in page and "<script>" not in page


def test_the_overview_counts_phones_and_cards(office, actions):
    phone = actions.phone()
    actions.join(phone)
    code = actions.workshop().short_code
    card = {"id": str(uuid.uuid4()), "kind": "problem", "text": "Zu wenig Räume"}
    assert phone.post(f"/w/{code}/cards", data=card).status_code == 302
    page = office.get("/organisation/").get_data(as_text=True)
    row = page[page.index(f'data-code="{code}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-field="members">1<' in row
    assert 'data-field="cards">1<' in row


def test_the_poster_shows_the_qr_code_the_short_code_and_the_address(office, actions):
    workshop = actions.workshop()
    response = office.get(f"/organisation/w/{workshop.short_code}/plakat")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page and "<?xml" not in page
    assert workshop.short_code in page
    assert "http://testserver.local/join" in page
    assert "css/print.css" in page and "Vielfalt" in page
    assert "Kein Handy? Schreib auf Papier – die Moderation trägt deine Karten" in page


def test_an_unknown_workshop_has_no_poster(office):
    assert office.get("/organisation/w/ZZZZZZ/plakat").status_code == 404


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv", "json"])
def test_each_download_has_its_mimetype_and_opens(office, fmt):
    response = download(office, format=fmt)
    assert response.status_code == 200
    assert response.mimetype == MIMETYPES[fmt]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "querschnitt-testwoche." in disposition
    data = response.get_data()
    if fmt == "docx":
        document = Document(io.BytesIO(data))
        assert any("Vielfalt" in p.text for p in document.paragraphs)
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert len(book.sheetnames) >= 2
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert rows and len(rows[0]) > 1
    else:
        assert zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_one_workshops_download_in_english(office, actions):
    workshop = actions.workshop()
    response = download(office, format="docx", locale="en", workshop=workshop.short_code)
    assert response.status_code == 200
    assert "querschnitt-testwoche-vielfalt.docx" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.get_data()))
    texts = " ".join(p.text for p in document.paragraphs)
    assert "Vielfalt" in texts and "Antisemitismus" not in texts


def test_the_download_page_preselects_from_a_link_and_refuses_a_wrong_one(office, actions):
    code = actions.workshop().short_code
    page = office.get(f"/organisation/e/testwoche/export?format=xlsx&workshop={code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option selected value="xlsx">' in html
    assert f'<option selected value="{code}">' in html
    assert office.get("/organisation/e/testwoche/export?format=pdf").status_code == 400
    assert office.get("/organisation/e/testwoche/export?workshop=ZZZZZZ").status_code == 400
    assert office.get("/organisation/e/gibtsnicht/export?format=csv").status_code == 404


def test_an_export_with_a_wrong_choice_starts_nothing(office, actions, app):
    code = actions.workshop().short_code
    response = export(office, format="json", workshop=code)
    assert response.status_code == 400
    assert "ganze Woche" in response.get_data(as_text=True)
    assert export(office, format="pdf").status_code == 400
    assert "jobs" not in app.extensions or app.extensions["jobs"]._worker is None


def test_a_script_gets_the_job_and_follows_its_progress(office, app):
    response = office.post(
        "/organisation/e/testwoche/export",
        data={"format": "xlsx", "workshop": "", "locale": "de"},
        headers={"Accept": "application/json"},
    )
    started = response.get_json()
    assert started["ok"] is True
    status = wait_for_job(office, started["job"])
    assert status["state"] == "done" and status["progress"] == 1.0
    assert status["filename"] == "querschnitt-testwoche.xlsx"
    page = office.get(started["page"]).get_data(as_text=True)
    assert "Der Export ist fertig." in page and status["file"] in page
    file = office.get(status["file"])
    assert file.status_code == 200
    openpyxl.load_workbook(io.BytesIO(file.get_data()))
    # The file lies in the instance folder's exports, named for its event.
    with app.app_context():
        from app.services.exports.jobs import exports_dir

        names = [path.name for path in exports_dir().iterdir()]
    assert any(name.startswith("e") and name.endswith(".xlsx") for name in names)


def test_a_running_export_shows_its_progress_and_refreshes_without_script(office, app):
    from app import coordination

    job_id = "a" * 32
    with app.app_context():
        coordination.current().put(
            f"job:{job_id}",
            {
                "id": job_id,
                "kind": "export",
                "state": "running",
                "progress": 0.4,
                "message": "Vielfalt",
                "result": None,
                "error": None,
            },
            60,
        )
    page = office.get(f"/organisation/export/{job_id}").get_data(as_text=True)
    assert '<progress max="100" value="40"' in page
    assert "Der Export läuft: 40 %" in page and "Vielfalt" in page
    assert '<noscript><meta http-equiv="refresh"' in page


def test_a_failed_export_says_so_in_german(office, app):
    from app import coordination

    job_id = "b" * 32
    with app.app_context():
        coordination.current().put(
            f"job:{job_id}",
            {
                "id": job_id,
                "kind": "export",
                "state": "failed",
                "progress": 0.1,
                "message": "",
                "result": None,
                "error": "ValueError: kaputt",
            },
            60,
        )
    page = office.get(f"/organisation/export/{job_id}").get_data(as_text=True)
    assert "Der Export ist fehlgeschlagen." in page and "kaputt" not in page
    assert office.get(f"/organisation/export/{job_id}/stand").get_json()["state"] == "failed"
    assert office.get(f"/organisation/export/{job_id}/datei").status_code == 404


def test_other_jobs_and_unknown_ids_are_not_exports(office, app):
    from app import coordination

    job_id = "c" * 32
    with app.app_context():
        coordination.current().put(
            f"job:{job_id}",
            {
                "id": job_id,
                "kind": "suggestions",
                "state": "done",
                "progress": 1.0,
                "message": "",
                "result": {"file": "../../etc/passwd"},
                "error": None,
            },
            60,
        )
    for path in (job_id, "d" * 32, "../x"):
        assert office.get(f"/organisation/export/{path}").status_code == 404
        assert office.get(f"/organisation/export/{path}/datei").status_code == 404


def test_old_export_files_and_those_of_a_purged_event_are_removed(office, app):
    import os
    import time

    from app.services.exports.jobs import clean_exports, exports_dir
    from app.services.retention import purge_event

    with app.app_context():
        folder = exports_dir()
        event_id = db.session.scalar(db.select(Event.id).filter_by(slug="testwoche"))
        old = folder / f"e{event_id + 1}-{'1' * 32}.csv"
        fresh = folder / f"e{event_id + 1}-{'2' * 32}.csv"
        mine = folder / f"e{event_id}-{'3' * 32}.docx"
        stranger = folder / "notizen.txt"
        for path in (old, fresh, mine, stranger):
            path.write_bytes(b"x")
        two_days = time.time() - 2 * 24 * 3600
        os.utime(old, (two_days, two_days))
        os.utime(stranger, (two_days, two_days))
        assert clean_exports() == 1
        assert not old.exists() and fresh.exists() and mine.exists() and stranger.exists()
        purge_event(event_id)
        assert not mine.exists() and fresh.exists()


def test_a_downloaded_file_that_was_cleaned_up_is_gone_with_a_message(office, app):
    location = file_url(office, export(office, format="csv"))
    assert office.get(location).status_code == 200
    with app.app_context():
        from app.services.exports.jobs import clean_exports

        event_id = db.session.scalar(db.select(Event.id).filter_by(slug="testwoche"))
        assert clean_exports(event_id=event_id) == 1
    gone = office.get(location)
    assert gone.status_code == 410
    assert "Bitte starte den Export neu." in gone.get_data(as_text=True)


def _rows(app, slug):
    with app.app_context():
        event = db.session.scalar(db.select(Event).filter_by(slug=slug))
        if event is None:
            return None
        workshops = db.session.scalar(
            db.select(db.func.count(Workshop.id)).filter_by(event_id=event.id)
        )
        return workshops


def test_the_purge_page_names_what_will_be_deleted(office):
    page = office.get("/organisation/e/testwoche/loeschen").get_data(as_text=True)
    assert "Workshops" in page and "Karten" in page and "testwoche" in page
    # Every kind of row is named in words, none by its table name.
    rows = re.findall(r'<th scope="row">([^<]*)</th>', page)
    assert "Übergreifende Bedarfe" in rows and "Einträge im Protokoll der Synthese" in rows
    assert not [row for row in rows if "_" in row or row.islower()], rows
    # And it says how long the data would be kept otherwise.
    assert "Aufbewahrungsfrist: 365 Tage nach dem letzten Workshop-Tag" in page


def test_a_purge_with_a_wrong_slug_changes_nothing(app, office):
    before = _rows(app, "testwoche")
    response = office.post("/organisation/e/testwoche/loeschen", data={"slug": "testwoch"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "nichts gelöscht" in page
    assert _rows(app, "testwoche") == before


def test_a_purge_with_the_right_slug_removes_the_event_and_keeps_another(
    app, office, actions, make_event, make_workshop
):
    other = make_event(slug="andere-woche")
    kept = make_workshop(event=other)
    phone = actions.phone()
    actions.join(phone)
    response = office.post("/organisation/e/testwoche/loeschen", data={"slug": "testwoche"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation/"
    assert "endgültig gelöscht" in office.get("/organisation/").get_data(as_text=True)
    assert _rows(app, "testwoche") is None
    assert _rows(app, "andere-woche") == 1
    with app.app_context():
        assert db.session.get(Workshop, kept.id) is not None
        assert db.session.scalar(db.select(db.func.count(Card.id))) == 0


def test_the_purge_needs_the_csrf_token_when_csrf_is_on(app, office):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = office.post("/organisation/e/testwoche/loeschen", data={"slug": "testwoche"})
        assert response.status_code == 400
        assert _rows(app, "testwoche") is not None
        page = office.get("/organisation/e/testwoche/loeschen").get_data(as_text=True)
        response = office.post(
            "/organisation/e/testwoche/loeschen",
            data={"slug": "testwoche", "csrf_token": csrf_token(page)},
        )
        assert response.status_code == 302 and _rows(app, "testwoche") is None
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_organizers_socket_hears_the_overview_change_when_a_phone_posts(app, office, actions):
    from app.extensions import socketio

    watcher = socketio.test_client(
        app, namespace="/event", flask_test_client=office, auth={"event": "testwoche"}
    )
    phone = actions.phone()
    actions.join(phone)
    code = actions.workshop().short_code
    card = {"id": str(uuid.uuid4()), "kind": "problem", "text": "Kein Geld für Projekte"}
    phone.post(f"/w/{code}/cards", data=card)
    pushed = [e["args"][0] for e in watcher.get_received("/event") if e["name"] == "overview"]
    row = next(w for w in pushed[-1]["workshops"] if w["code"] == code)
    assert row["cards"] == 1 and row["members"] == 1
    watcher.disconnect("/event")


def test_the_organizer_pages_speak_english_when_chosen(office, actions):
    code = actions.workshop().short_code
    headers = {"Accept-Language": "en"}
    assert "Overview of all workshops" in office.get("/organisation/", headers=headers).get_data(
        as_text=True
    )
    poster = office.get(f"/organisation/w/{code}/plakat", headers=headers).get_data(as_text=True)
    assert "Scan the QR code" in poster and "09:00–16:00" in poster and "Uhr" not in poster


def test_an_export_that_fails_in_the_worker_shows_the_german_message(office, app):
    from app.services.exports.jobs import start_export

    with app.app_context():
        # An event that is not there: the builder raises in the worker process.
        job_id = start_export(999_999, "csv", "querschnitt-weg.csv")
    status = wait_for_job(office, job_id)
    assert status["state"] == "failed"
    assert status["error"].startswith("Der Export ist fehlgeschlagen.")
    page = office.get(f"/organisation/export/{job_id}").get_data(as_text=True)
    assert "Der Export ist fehlgeschlagen." in page and 'role="alert"' in page
    assert office.get(f"/organisation/export/{job_id}/datei").status_code == 404
