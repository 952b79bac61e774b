"""The language switch goes back only to a page of this site, whatever ``next`` says."""

from urllib.parse import urlsplit

import pytest

NASTY = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "/\uff0fevil.example",
    "\uff0f\uff0fevil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u2028/evil.example",
    "/" + "a" * 5000,
]

# Exactly as an attacker would put them in a link, percent-encoded by hand.
NASTY_RAW = [
    "/%09/evil.example",
    "/%0a/x",
    "/%0d%0a/x",
    "/%2F/x",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "https:%2F%2Fevil.example",
    "/%E2%80%AE/evil.example",
    "/%ef%bc%8fevil.example",
]


def _assert_on_site(response) -> str:
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//"), location
    assert location.isascii() and location.isprintable() and "\\" not in location, location
    return location


def _assert_stays_here(response):
    assert _assert_on_site(response) == "/"


@pytest.mark.parametrize("target", NASTY)
def test_nasty_next_goes_to_the_start_page(client, target):
    _assert_stays_here(client.get("/sprache/en", query_string={"next": target}))


@pytest.mark.parametrize("raw", NASTY_RAW)
def test_nasty_next_in_the_link_goes_to_the_start_page(client, raw):
    _assert_stays_here(client.get(f"/sprache/en?next={raw}"))


def test_a_page_of_this_site_is_where_it_goes_back_to(client):
    response = client.get("/sprache/en?next=/w/ABC234")
    assert response.status_code == 302
    assert response.headers["Location"] == "/w/ABC234"
    with client.session_transaction() as session:
        assert session["lang"] == "en"


@pytest.mark.parametrize("target", ["/w/ABC234?", "/w/ABC234?tab=votes#card-1", "/datenschutz"])
def test_query_and_fragment_are_kept(client, target):
    response = client.get("/sprache/de", query_string={"next": target})
    # Werkzeug drops an empty query's "?".
    assert response.headers["Location"] == target.rstrip("?")


@pytest.mark.parametrize("raw", ["/w/Gr%C3%B6%C3%9Fe", "/%ff/x", "/w/%F0%9F%91%8B"])
def test_odd_but_local_paths_stay_on_site(client, raw):
    assert _assert_on_site(client.get(f"/sprache/de?next={raw}")) != "/"


def test_no_next_goes_to_the_start_page(client):
    _assert_stays_here(client.get("/sprache/de"))
