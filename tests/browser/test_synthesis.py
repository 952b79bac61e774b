"""The synthesis board in a real browser: cards of two workshops, a need built by keyboard."""

import json
import re
from pathlib import Path

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

    # Undo says which step it takes back (it may be the other screen's), and takes it back.
    expect(board.locator("#undo-what")).to_contain_text("Zuletzt: Bedarf umbenannt")
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
    expect(networks.locator(".need-origin")).to_contain_text("1 Karte ·")
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


#: The labelled week (tests/data/synthesis/cards.json): 181 cards from six themes.
LABELLED = Path(__file__).resolve().parents[1] / "data" / "synthesis" / "cards.json"


def drag(page, source, target) -> None:
    """Drag with the mouse as a person does: press, move a few steps, let go."""
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.mouse.down()
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()


def by_hand_card_texts(need, board):
    """A locator of the list's cards whose text is one of the need's cards' texts."""
    texts = need.locator("li[draggable] > span").evaluate_all(
        "(spans) => spans.map((s) => s.firstChild.textContent)"
    )
    pattern = "|".join(re.escape(text) for text in texts) or "(?!)"
    return board.locator(".card-text", has_text=re.compile(f"^({pattern})$"))


def _suggestion_keys(board) -> list[str]:
    return board.locator("#suggestion-list li.synth-suggestion").evaluate_all(
        "(items) => items.map((li) => li.dataset.suggestion)"
    )


def _compute_suggestions(board) -> None:
    """Press "Vorschläge berechnen" and wait until the job's result is shown."""
    button = board.locator("#suggest")
    button.click()
    expect(button).to_be_enabled(timeout=180_000)
    expect(board.locator("#suggest-status")).not_to_contain_text("berechnet", timeout=5_000)


def test_a_synthesis_of_the_labelled_week_as_facilitators_do_it(screens, server, axe_source):
    """Suggestions accepted and dismissed, needs by hand and by keyboard, goals, a rename
    conflict between two facilitators, the matrix, the vote on the needs and the projector."""
    week = json.loads(LABELLED.read_text(encoding="utf-8"))
    themes = [theme["slug"] for theme in week["themes"]]
    if len(server.workshop_pool) < len(themes):
        pytest.fail("the module used up the test week's workshops (tests/data/week.toml)")
    pool = [server.workshop_pool.pop(0) for _ in themes]
    laptop = screens.laptop()
    titles = {}
    for (code, link), theme in zip(pool, themes, strict=True):
        laptop.goto(link)
        expect(laptop).to_have_url(re.compile(f"/w/{code}/facilitate$"))
        titles[theme] = laptop.locator("#console-title").inner_text()
        for card in (c for c in week["cards"] if c["workshop"] == theme):
            paper_card(laptop, code, card["text"], card["kind"])
    laptop.get_by_role("link", name="Synthese der Woche").click()
    board = laptop
    expect(board.locator("#connection")).to_have_attribute("data-state", "online")
    # Every card of the week, each workshop's in its theme (the module's other test
    # left a few cards of its own on other workshops).
    for theme in (themes[0], themes[-1]):
        board.locator("#filter-theme").select_option(label=titles[theme])
        mine = [c for c in week["cards"] if c["workshop"] == theme]
        expect(board.locator("#card-list li.card")).to_have_count(len(mine))
    board.locator("#filter-theme").select_option("")
    assert board.locator("#card-list li.card").count() >= len(week["cards"])
    earlier = board.locator("#need-list li.synth-need").count()  # the module's other test's

    # Suggestions, computed on the server: accept the first under a title of one's own,
    # dismiss the next; computed again, the dismissed group does not come back.
    _compute_suggestions(board)
    suggestions = board.locator("#suggestion-list li.synth-suggestion")
    expect(suggestions.nth(1)).to_be_visible()
    first = suggestions.first
    # Edited before it is accepted: its last card left out, by keyboard, and a title of one's own.
    accepted_size = first.get_by_role("checkbox").count() - 1
    first.get_by_role("checkbox").last.press(" ")
    first.get_by_label("Titel").fill("Vorschlag übernommen")
    first.get_by_role("button", name="Als Bedarf übernehmen").click()
    needs = board.locator("#need-list li.synth-need")
    accepted = needs.filter(has=board.locator("h3", has_text="Vorschlag übernommen"))
    expect(accepted.locator(".need-origin")).to_contain_text(f"{accepted_size} Karten")
    accepted = board.locator(f'#need-list li[data-need="{accepted.get_attribute("data-need")}"]')
    dismissed = _suggestion_keys(board)[0]
    suggestions.first.get_by_role("button", name="Verwerfen").click()
    expect(board.locator(f'#suggestion-list li[data-suggestion="{dismissed}"]')).to_have_count(0)
    _compute_suggestions(board)
    assert dismissed not in _suggestion_keys(board)

    # A need by hand (the mouse): tick two cards, name it, click.
    board.locator("#filter-text").fill("Ehrenamtliche")
    shown = board.locator("#card-list li.card")
    expect(shown.first).to_be_visible()
    for i in range(2):
        shown.nth(i).get_by_role("checkbox").check()
    board.locator("#new-need-title").fill("Ehrenamt stärken")
    board.get_by_role("button", name="Neuer Bedarf aus Auswahl").click()
    by_hand = needs.filter(has=board.locator("h3", has_text=re.compile("^Ehrenamt stärken$")))
    expect(by_hand.locator(".need-origin")).to_contain_text("2 Karten")
    by_hand_id = by_hand.get_attribute("data-need")
    by_hand = board.locator(f'#need-list li[data-need="{by_hand_id}"]')  # whatever its title

    # By dragging: a card dropped on the need joins it, dragged out of it onto the list it
    # leaves. ("Vereinen" finds the cards that say "Verein".)
    board.locator("#filter-text").fill("Vereinen")
    dragged = shown.filter(has_not=by_hand_card_texts(by_hand, board)).first
    dragged_text = dragged.locator(".card-text").inner_text()
    assert "verein" in dragged_text.lower()
    dragged.drag_to(by_hand)
    expect(by_hand.locator(".need-origin")).to_contain_text("3 Karten")
    in_need = by_hand.locator("li[draggable]").filter(has_text=dragged_text)
    expect(in_need).to_have_count(1)
    drag(board, in_need.locator("span").first, board.locator("#card-count"))
    expect(by_hand.locator(".need-origin")).to_contain_text("2 Karten")
    expect(in_need).to_have_count(0)

    # A need by keyboard only, and a goal linked to it by keyboard.
    board.locator("#filter-text").fill("Förderung")
    expect(shown.first).to_be_visible()
    shown.first.get_by_role("checkbox").press(" ")
    board.locator("#new-need-title").press_sequentially("Förderung sichern")
    board.locator("#new-need-title").press("Enter")
    keyed = needs.filter(has=board.locator("h3", has_text=re.compile("^Förderung sichern$")))
    expect(keyed.locator("h3")).to_be_focused()
    goal_select = keyed.get_by_label("Ziel verknüpfen (Lösungskarte)")
    goal_select.focus()
    goal_select.press("ArrowDown")
    goal = goal_select.locator("option:checked").inner_text()
    keyed.get_by_role("button", name="Als Ziel verknüpfen").press("Enter")
    goal_text = goal.split(": ", 1)[1].removesuffix("…")
    expect(keyed.locator("ul.synth-need-cards").last).to_contain_text(goal_text)
    expect(keyed.get_by_text("Noch keine Ziele verknüpft.")).to_have_count(0)
    board.locator("#filter-text").fill("")

    # Two facilitators rename the same need at once: the second is shown the first's
    # title and keeps their own text, and can then save it deliberately.
    other = screens.laptop()
    other.goto(pool[1][1])
    other.get_by_role("link", name="Synthese der Woche").click()
    theirs = other.locator(f'#need-list li[data-need="{by_hand_id}"]')
    expect(theirs.locator("h3")).to_have_text("Ehrenamt stärken")
    theirs.get_by_label("Titel", exact=True).fill("Lotsen in der Verwaltung")
    by_hand.get_by_label("Titel", exact=True).fill("Feste Ansprechpersonen")
    by_hand.get_by_label("Titel", exact=True).press("Enter")
    expect(theirs.locator("h3")).to_have_text("Feste Ansprechpersonen")
    expect(theirs.get_by_label("Titel", exact=True)).to_have_value("Lotsen in der Verwaltung")
    theirs.get_by_label("Titel", exact=True).press("Enter")
    expect(theirs.get_by_role("alert")).to_contain_text("„Feste Ansprechpersonen“")
    expect(theirs.get_by_label("Titel", exact=True)).to_have_value("Lotsen in der Verwaltung")
    expect(by_hand.locator("h3")).to_have_text("Feste Ansprechpersonen")
    theirs.get_by_label("Titel", exact=True).press("Enter")
    expect(by_hand.locator("h3")).to_have_text("Lotsen in der Verwaltung")

    # The matrix: a row per need, the accepted suggestion spread over three themes or more.
    rows = board.locator("#matrix tbody tr")
    expect(rows).to_have_count(earlier + 3)
    row = rows.filter(has_text="Vorschlag übernommen")
    filled = [c for c in row.locator("td").all_inner_texts()[:-1] if c != "0 (0)"]
    assert len(filled) >= 3
    assert_accessible(board, axe_source, "synthesis-week")

    # The projector view: opened from the board, no login, follows the board live.
    with board.context.expect_page() as opened:
        board.get_by_role("link", name="Projektor-Ansicht öffnen").click()
    link = opened.value.url
    wall = screens.page("projector", viewport={"width": 1280, "height": 720})
    wall.goto(link)
    expect(wall.locator("#wall-needs li.synth-wall-need")).to_have_count(earlier + 3)
    expect(wall.locator("#wall-matrix tbody tr")).to_have_count(earlier + 3)
    by_hand.get_by_label("Titel", exact=True).fill("Lotsenstellen")
    by_hand.get_by_label("Titel", exact=True).press("Enter")
    expect(wall.locator("#wall-needs")).to_contain_text("Lotsenstellen")
    assert wall.evaluate("document.documentElement.scrollHeight") <= 720
    # Nothing cut off at the right either: the matrix fits the wall's width.
    assert wall.evaluate("document.documentElement.scrollWidth") <= 1280
    assert wall.evaluate(
        "(() => { const t = document.querySelector('#wall-matrix');"
        " return t.getBoundingClientRect().right <= window.innerWidth; })()"
    )
    screens.screenshot(wall, "projector")
    assert_accessible(wall, axe_source, "synthesis-projector")

    # The needs put to the vote: a lane of their own on the closing meeting's phones,
    # and their dots on the wall.
    closing_code = pool[-1][0]
    board.get_by_label("Abstimmung über die Bedarfe im Workshop").select_option(
        label=titles[themes[-1]]
    )
    board.get_by_role("button", name="Bedarfe zur Abstimmung stellen").click()
    expect(accepted.locator(".need-origin")).to_contain_text("0 Punkte in der Abstimmung")
    phone = join_by_code(screens.phone(), closing_code)
    expect(phone.locator("#lane-need li.card")).to_have_count(earlier + 3)
    expect(phone.locator("#lane-need")).to_contain_text("Lotsenstellen")
    expect(wall.locator("#wall-needs")).to_contain_text("0 Punkte in der Abstimmung")
