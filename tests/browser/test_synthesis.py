"""The synthesis board in a real browser: cards of two workshops, a need built by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.people import Facilitator, join_by_code, post_card
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser


def paper_card(page, code: str, text: str, kind: str = "problem") -> None:
    """Type a paper card into a workshop through the console's form, as it posts without script."""
    token = page.locator("input[name=csrf_token]").first.input_value()
    response = page.request.post(
        f"/w/{code}/facilitate/paper_card",
        form={"csrf_token": token, "kind": kind, "text": text, "answers": "", "id": ""},
    )
    assert response.ok and "flash-error" not in response.text(), text


def board_card(page, text: str):
    return page.locator("#card-list li.card").filter(has_text=text)


def test_a_need_built_from_two_workshops_by_keyboard(screens, server, workshop, axe_source):
    facilitator = Facilitator(screens, workshop)
    console = facilitator.console
    paper_card(console, workshop.code, "Mehr Förderung für kleine Vereine")
    paper_card(console, workshop.code, "Feste Ansprechperson in der Verwaltung", "solution")
    # The same laptop also facilitates a second workshop of the week.
    other_code, other_link = server.workshop_pool.pop(0)
    console.goto(other_link)
    expect(console).to_have_url(re.compile(f"/w/{other_code}/facilitate$"))
    paper_card(console, other_code, "FOERDERUNG der Jugendarbeit dauerhaft sichern")
    paper_card(console, other_code, "Netzwerk der Träger stärken", "solution")

    console.get_by_role("link", name="Synthese der Woche").click()
    board = console
    expect(board).to_have_url(re.compile(r"/e/[\w-]+/synthese$"))
    expect(board.locator("#connection")).to_have_attribute("data-state", "online")
    expect(board.locator("#card-list li.card")).to_have_count(4)

    # German-aware filter: "förderung" finds both spellings.
    board.locator("#filter-text").fill("förderung")
    expect(board.locator("#card-list li.card")).to_have_count(2)
    board.locator("#filter-kind").select_option("solution")
    expect(board.locator("#card-list li.card")).to_have_count(0)
    board.locator("#filter-kind").select_option("")

    # Keyboard only: tick both cards, name the need, Enter.
    for text in ("Mehr Förderung", "FOERDERUNG der Jugendarbeit"):
        board_card(board, text).get_by_role("checkbox").press(" ")
    expect(board.locator("#selection-count")).to_have_text("2 Karten ausgewählt")
    board.locator("#new-need-title").press_sequentially("Förderung")
    board.locator("#new-need-title").press("Enter")
    need = board.locator("#need-list li.synth-need")
    expect(need).to_have_count(1)
    expect(need.locator("h3")).to_have_text("Förderung")
    expect(need.locator(".need-origin")).to_contain_text("2 Karten")
    expect(board.locator("#need-list h3")).to_be_focused()

    # The way without dragging: a card goes into the need through its select.
    board.locator("#filter-text").fill("")
    networking = board_card(board, "Netzwerk der Träger")
    networking.get_by_role("combobox").select_option(label="Förderung")
    networking.get_by_role("button", name="Hinzufügen").press("Enter")
    expect(need.locator(".need-origin")).to_contain_text("3 Karten")

    # A second screen of the same week sees the rename live.
    second = console.context.new_page()
    second.goto(board.url)
    expect(second.locator("#need-list h3")).to_have_text("Förderung")
    need.get_by_label("Titel", exact=True).fill("Verlässliche Förderung")
    need.get_by_label("Titel", exact=True).press("Enter")
    expect(need.locator("h3")).to_have_text("Verlässliche Förderung")
    expect(second.locator("#need-list h3")).to_have_text("Verlässliche Förderung")

    # The matrix: one row, in each workshop's column the number of its cards.
    headers = board.locator("#matrix thead th").all_inner_texts()
    row = board.locator("#matrix tbody tr").filter(has_text="Verlässliche Förderung")
    cells = row.locator("td").all_inner_texts()
    counts = {title: cell for title, cell in zip(headers[1:], cells, strict=True)}
    assert sorted(c for c in counts.values() if c != "0 (0)") == ["1 (0)", "2 (0)", "3 (0)"]
    expect(row.locator("td.heat-4")).to_have_count(1)

    # Undo takes the rename back.
    board.locator("#undo").click()
    expect(need.locator("h3")).to_have_text("Förderung")

    # A phone posts a card: the open board shows it without "Neu laden", and what
    # the facilitator ticked and typed stays.
    board_card(board, "Mehr Förderung").get_by_role("checkbox").press(" ")
    board.locator("#new-need-title").fill("Halb getippt")
    phone = join_by_code(screens.phone(), workshop.code)
    post_card(phone, "Räume für Treffen im Stadtteil")
    expect(board_card(board, "Räume für Treffen im Stadtteil")).to_have_count(1)
    expect(second.locator("#card-list li.card")).to_have_count(5)
    expect(board.locator("#card-list li.card")).to_have_count(5)
    expect(board.locator("#new-need-title")).to_have_value("Halb getippt")
    expect(board_card(board, "Mehr Förderung").get_by_role("checkbox")).to_be_checked()
    expect(board.locator("#selection-count")).to_have_text("1 Karte ausgewählt")
    board_card(board, "Mehr Förderung").get_by_role("checkbox").press(" ")
    board.locator("#new-need-title").fill("")

    # Split by keyboard: open the form, tick a card, name the new need, Enter.
    need = need.filter(has=board.locator("h3", has_text=re.compile("^Förderung$")))
    need.locator("summary").focus()
    need.locator("summary").press("Enter")
    split = need.locator("form[data-split]")
    expect(split).to_be_visible()
    assert_accessible(board, axe_source, "synthesis-split")
    split.get_by_role("checkbox", name="Netzwerk der Träger").press(" ")
    split.get_by_label("Titel des neuen Bedarfs").press_sequentially("Netzwerke")
    split.get_by_label("Titel des neuen Bedarfs").press("Enter")
    needs = board.locator("#need-list li.synth-need")
    expect(needs).to_have_count(2)
    networks = needs.filter(has=board.locator("h3", has_text=re.compile("^Netzwerke$")))
    expect(networks.locator(".need-origin")).to_contain_text("1 Karten")
    expect(need.locator(".need-origin")).to_contain_text("2 Karten")
    expect(second.locator("#need-list li.synth-need")).to_have_count(2)

    # Merge it back by keyboard: choose the other need, press the button.
    need.get_by_label("Zusammenführen mit …").select_option(label="Netzwerke")
    need.get_by_role("button", name="Bedarfe zusammenführen").press("Enter")
    expect(needs).to_have_count(1)
    expect(need.locator(".need-origin")).to_contain_text("3 Karten")
    expect(second.locator("#need-list li.synth-need")).to_have_count(1)

    screens.screenshot(board, "board")
    assert_accessible(board, axe_source, "synthesis")
