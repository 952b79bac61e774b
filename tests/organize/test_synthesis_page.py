"""The synthesis board's page: who may open it, and what it hands its script."""

import json
import re

SYNTHESIS = "/e/testwoche/synthese"


def _config(response) -> dict:
    raw = re.search(r"data-config='([^']*)'", response.get_data(as_text=True)).group(1)
    return json.loads(raw.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&"))


def test_a_facilitator_of_the_week_opens_the_synthesis_board(actions):
    laptop = actions.facilitator("vielfalt")
    response = laptop.get(SYNTHESIS)
    assert response.status_code == 200
    config = _config(response)
    assert config["namespace"] == "/event"
    assert config["auth"] == {"event": "testwoche"}
    assert config["strings"]["accept"]


def test_the_console_links_to_the_synthesis_board(actions):
    laptop = actions.facilitator("vielfalt")
    page = laptop.get(f"/w/{actions.workshop('vielfalt').short_code}/facilitate")
    assert SYNTHESIS in page.get_data(as_text=True)


def test_an_organizer_opens_the_synthesis_board(office):
    assert office.get(SYNTHESIS).status_code == 200


def test_a_participant_or_a_stranger_is_refused(app, actions):
    phone = actions.phone()
    actions.join(phone)
    assert phone.get(SYNTHESIS).status_code == 403
    assert app.test_client().get(SYNTHESIS).status_code == 403
    assert actions.facilitator("vielfalt").get("/e/keine-woche/synthese").status_code == 403


def _projector_link(laptop) -> str:
    page = laptop.get(SYNTHESIS).get_data(as_text=True)
    return re.search(r'href="(/s/[0-9a-f]{32})"', page).group(1)


def test_the_board_links_to_its_projector_view_which_needs_no_login(app, actions):
    link = _projector_link(actions.facilitator("vielfalt"))
    stranger = app.test_client()
    response = stranger.get(link)
    assert response.status_code == 200
    config = _config(response)
    assert config["auth"] == {"synthesis": link.removeprefix("/s/")}
    assert config["strings"]["more_needs"]
    assert stranger.get("/s/" + "0" * 32).status_code == 404
    assert stranger.get("/s/kurz").status_code == 404
