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
