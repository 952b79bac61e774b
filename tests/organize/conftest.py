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
