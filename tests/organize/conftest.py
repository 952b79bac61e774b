"""Fixtures of the organizer's pages: an account and a browser logged in with it."""

import pytest

from app.extensions import db
from app.services.organizers import create_organizer

LOGIN = "koordination@herne.example"
PASSWORD = "richtig-geheim-2021"


@pytest.fixture
def organizer(app):
    """An organizer account; returns its id."""
    with app.app_context():
        account = create_organizer(LOGIN, "Koordinierungsstelle", PASSWORD)
        db.session.remove()
        return account.id


def log_in(browser, login=LOGIN, password=PASSWORD):
    return browser.post("/organisation/login", data={"login": login, "password": password})


@pytest.fixture
def office(app, organizer):
    """The coordination office's laptop, logged in."""
    browser = app.test_client()
    response = log_in(browser)
    assert response.status_code == 302
    return browser


@pytest.fixture(autouse=True)
def _own_instance_and_job_worker(app, tmp_path):
    """Give each test its own instance folder (export files), and stop the job worker after it.

    The worker is started on the first export and takes the instance folder from the app.
    """
    app.instance_path = str(tmp_path / "instance")
    yield
    runner = app.extensions.get("jobs")
    if runner is not None:
        runner.close()


def export(browser, slug="testwoche", **fields):
    """Start an export through the download form; return the response to the POST."""
    page = browser.get(f"/organisation/e/{slug}/export")
    assert page.status_code == 200
    data = {"format": "docx", "workshop": "", "locale": "de"}
    data.update(fields)
    return browser.post(f"/organisation/e/{slug}/export", data=data)


def wait_for_job(browser, job_id, timeout=60):
    """Poll an export's status until it ended; return the last status."""
    import time

    end = time.monotonic() + timeout
    while True:
        status = browser.get(f"/organisation/export/{job_id}/stand").get_json()
        if status["state"] not in ("queued", "running") or time.monotonic() > end:
            return status
        time.sleep(0.1)


def file_url(browser, response) -> str:
    """The address of the finished file of an export just started (waiting for it if need be).

    A small export usually answers with the file at once; on a busy machine it may
    send the browser to the job's page first.
    """
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    if not location.endswith("/datei"):
        job_id = location.rstrip("/").split("/")[-1]
        assert wait_for_job(browser, job_id)["state"] == "done"
        location = f"/organisation/export/{job_id}/datei"
    return location


def download(browser, slug="testwoche", **fields):
    """Export through the job and return the downloaded file's response."""
    return browser.get(file_url(browser, export(browser, slug, **fields)))
