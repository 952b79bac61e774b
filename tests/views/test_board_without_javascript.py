"""The board on a phone without JavaScript: plain forms, a redirect, and the page read again.

Each test submits only what the page offers: the forms' actions, their hidden
fields (the CSRF token among them) and their choices, parsed from the HTML.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Card, CardStatus, Vote


@pytest.fixture
def app_config():
    """Forms need the CSRF token the page hands out, as in production."""
    return {"WTF_CSRF_ENABLED": True}


@dataclass
class Form:
    """A form on the page: where it goes and what it sends unless the person changes it."""

    action: str
    #: The card the form belongs to (its ``li`` on the board), if any.
    card: str | None
    fields: dict = field(default_factory=dict)
    #: For each select: {option text: value}.
    options: dict = field(default_factory=dict)
    button: str = ""
    disabled: bool = False
    #: Inside a hidden section: the page does not show it.
    hidden: bool = False


class Page(HTMLParser):
    """A page as a phone without JavaScript shows it: forms, flashes, cards and dots."""

    def __init__(self, response):
        super().__init__(convert_charrefs=True)
        self.status = response.status_code
        self.path = response.request.path
        self.forms: list[Form] = []
        self.flashes: list[tuple[str, str]] = []
        #: {card id: text} in the order the board shows them.
        self.cards: dict[str, str] = {}
        #: {card id: "Deine Punkte: …"} on the cards that show it.
        self.my_dots: dict[str, str] = {}
        self.dots_left: str | None = None
        self._cards_open: list[str | None] = []
        self._hidden_section = False
        self._form: Form | None = None
        self._select: str | None = None
        self._capture = None
        self._text: list[str] = []
        self.html = response.get_data(as_text=True)
        self.feed(self.html)
        self.close()

    def _card(self) -> str | None:
        return next((card for card in reversed(self._cards_open) if card), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        form = self._form
        if tag == "li":
            self._cards_open.append(attrs.get("data-id"))
        elif tag == "section":
            self._hidden_section = "hidden" in attrs
        elif tag == "form":
            self._form = Form(
                action=attrs.get("action") or self.path,
                card=self._card(),
                hidden=self._hidden_section,
            )
        elif form and tag == "input":
            kind = attrs.get("type", "text")
            if kind != "radio" or "checked" in attrs:
                form.fields[attrs["name"]] = attrs.get("value") or ""
        elif form and tag == "textarea":
            form.fields[attrs["name"]] = ""
            self._start(tag, "textarea", attrs["name"])
        elif form and tag == "select":
            self._select = attrs["name"]
            form.options[self._select] = {}
        elif form and tag == "option" and self._select:
            if self._select not in form.fields or "selected" in attrs:
                form.fields[self._select] = attrs.get("value", "")
            self._start(tag, "option", attrs.get("value", ""))
        elif form and tag == "button":
            form.disabled = "disabled" in attrs
            self._start(tag, "button", None)
        elif tag == "p" and "flash" in classes:
            self._start(tag, "flash", classes[-1].removeprefix("flash-"))
        elif tag == "p" and "card-text" in classes:
            self._start(tag, "card", self._card())
        elif tag == "p" and "my-dots" in classes:
            self._start(tag, "my_dots", self._card())
        elif tag == "p" and attrs.get("id") == "dots-left" and "hidden" not in attrs:
            self._start(tag, "dots_left", None)

    def _start(self, tag, kind, key):
        self._capture = (tag, kind, key)
        self._text = []

    def handle_data(self, data):
        if self._capture:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "li" and self._cards_open:
            self._cards_open.pop()
        elif tag == "section":
            self._hidden_section = False
        elif tag == "form" and self._form:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        if not self._capture or self._capture[0] != tag:
            return
        _, kind, key = self._capture
        text = "".join(self._text).strip()
        self._capture = None
        if kind == "textarea":
            self._form.fields[key] = text
        elif kind == "option":
            self._form.options[self._select][text] = key
        elif kind == "button":
            self._form.button = text
        elif kind == "flash":
            self.flashes.append((key, text))
        elif kind == "card":
            self.cards[key] = text
        elif kind == "my_dots":
            self.my_dots[key] = text
        elif kind == "dots_left":
            self.dots_left = text

    def form(self, path_end: str, card: str | None = None, **hidden) -> Form:
        """The one form shown that posts to a path ending so (on that card, with those values)."""
        found = [
            form
            for form in self.forms
            if not form.hidden
            and form.action.endswith(path_end)
            and (card is None or form.card == card)
            and all(form.fields.get(name) == value for name, value in hidden.items())
        ]
        assert len(found) == 1, f"{len(found)} forms to {path_end} on {self.path}"
        return found[0]

    def has_form(self, path_end: str, card: str | None = None) -> bool:
        """Whether the page shows a form to that path (on that card)."""
        shown = [f for f in self.forms if not f.hidden]
        return any(f.action.endswith(path_end) and f.card == card for f in shown)

    def card_id(self, text: str) -> str:
        [card] = [card for card, shown in self.cards.items() if shown == text]
        return card


class Phone:
    """A phone without JavaScript: it follows redirects and submits the forms it is given."""

    def __init__(self, client):
        self.client = client
        self.page: Page | None = None

    def open(self, path: str) -> Page:
        self.page = Page(self.client.get(path, follow_redirects=True))
        return self.page

    def submit(self, form: Form, **typed) -> Page:
        """Send the form as the page filled it in, with what the person typed or chose."""
        data = {**form.fields, **typed}
        self.page = Page(self.client.post(form.action, data=data, follow_redirects=True))
        return self.page

    def join(self, workshop, name="") -> Page:
        """Scan the QR code, give a name, land on the board."""
        page = self.open(f"/j/{workshop.join_token}")
        return self.submit(page.form(f"/j/{workshop.join_token}"), display_name=name)


def _cards(app, workshop, status=CardStatus.VISIBLE) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Card.text)
                .filter_by(workshop_id=workshop.id, status=status)
                .order_by(Card.created_at)
            )
        )


def _dots(app, workshop) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.coalesce(func.sum(Vote.dots), 0))
            .join(Card, Vote.card_id == Card.id)
            .filter(Card.workshop_id == workshop.id)
        )


def _set_phase(actions, workshop, phase: str) -> None:
    """The facilitator presses the phase's button on the console (also a plain form)."""
    laptop = Phone(actions.app.test_client())
    _access, token, _pin = actions.issue_access(workshop)
    laptop.open(f"/f/{token}")
    laptop.submit(laptop.page.form(f"/w/{workshop.short_code}/facilitate", phase=phase))
    assert actions.workshop(workshop).phase == phase


@pytest.fixture
def workshop(make_workshop):
    return make_workshop(dot_budget=5, max_dots_per_card=3)


def test_a_problem_and_a_solution_answering_it(app, actions, workshop):
    phone = Phone(actions.phone())
    board = phone.join(workshop, name="Ayşe")
    assert board.path == f"/w/{workshop.short_code}"
    assert board.cards == {}

    problem = "Zu wenig Treffpunkte für Jugendliche"
    board = phone.submit(board.form("/cards"), text=problem)
    assert ("success", "Deine Karte hängt am Board.") in board.flashes
    assert list(board.cards.values()) == [problem]
    problem_id = board.card_id(problem)

    compose = board.form("/cards")
    assert compose.fields["kind"] == "problem"
    assert compose.options["answers"][problem] == problem_id
    solution = "Offener Treff im Jugendzentrum, auch am Wochenende"
    board = phone.submit(
        compose, kind="solution", answers=compose.options["answers"][problem], text=solution
    )
    assert ("success", "Deine Karte hängt am Board.") in board.flashes
    assert list(board.cards.values()) == [problem, solution]
    assert f"Antwort auf: {problem}" in board.html
    assert "Lösungen dazu" in board.html
    assert _cards(app, workshop) == [problem, solution]


def test_a_new_page_offers_a_new_card_id_so_posting_twice_makes_two_cards(app, actions, workshop):
    phone = Phone(actions.phone())
    board = phone.join(workshop)
    first = board.form("/cards")
    board = phone.submit(first, text="Erste Karte")
    second = board.form("/cards")
    assert second.fields["id"] != first.fields["id"]
    phone.submit(second, text="Zweite Karte")
    assert sorted(_cards(app, workshop)) == ["Erste Karte", "Zweite Karte"]


def test_editing_and_withdrawing_ones_own_card(app, actions, workshop):
    phone = Phone(actions.phone())
    board = phone.submit(phone.join(workshop).form("/cards"), text="Kein Raum für Treffen")
    card = board.card_id("Kein Raum für Treffen")

    # The page offers no edit form without JavaScript; the script's edit form sends these fields.
    assert not board.has_form("/cards/edit", card)
    token = board.form("/cards").fields["csrf_token"]
    board = Page(
        phone.client.post(
            f"/w/{workshop.short_code}/cards/edit",
            data={"csrf_token": token, "id": card, "text": "Kein Raum für Treffen am Abend"},
            follow_redirects=True,
        )
    )
    assert board.cards == {card: "Kein Raum für Treffen am Abend"}
    assert "bearbeitet" in board.html
    assert not [text for category, text in board.flashes if category == "error"]

    board = phone.submit(board.form("/cards/withdraw", card))
    assert board.cards == {}
    assert _cards(app, workshop) == []
    assert _cards(app, workshop, CardStatus.WITHDRAWN) == ["Kein Raum für Treffen am Abend"]


def test_only_the_author_is_offered_withdraw(actions, workshop):
    author, other = Phone(actions.phone()), Phone(actions.phone())
    board = author.submit(author.join(workshop).form("/cards"), text="Meine Karte")
    card = board.card_id("Meine Karte")
    seen = other.join(workshop)
    assert seen.cards == {card: "Meine Karte"}
    assert not seen.has_form("/cards/withdraw", card)


def test_an_empty_card_is_refused_with_a_message_and_stores_nothing(app, actions, workshop):
    phone = Phone(actions.phone())
    board = phone.submit(phone.join(workshop).form("/cards"), text="   ")
    assert board.status == 200
    [(category, message)] = board.flashes
    assert (category, message) == ("error", "Text: Bitte gib einen Text ein.")
    assert board.cards == {}
    assert _cards(app, workshop) == []


def test_giving_a_dot_and_taking_it_back(app, actions, workshop):
    author, voter = Phone(actions.phone()), Phone(actions.phone())
    author.submit(author.join(workshop).form("/cards"), text="Mehr Bänke im Park")
    board = voter.join(workshop)
    card = board.card_id("Mehr Bänke im Park")
    assert not board.has_form("/votes", card)  # no dots while collecting

    _set_phase(actions, workshop, "vote")
    board = voter.open(board.path)
    assert board.dots_left == "Du hast noch 5 von 5 Punkten."
    assert not board.has_form("/cards", None)  # no writing while voting
    board = voter.submit(board.form("/votes", card))
    assert board.my_dots[card] == "Deine Punkte: 1"
    assert board.dots_left == "Du hast noch 4 von 5 Punkten."
    assert _dots(app, workshop) == 1

    board = voter.submit(board.form("/votes/take-back", card))
    assert board.my_dots[card] == "Deine Punkte: 0"
    assert board.dots_left == "Du hast noch 5 von 5 Punkten."
    assert not board.has_form("/votes/take-back", card)
    assert _dots(app, workshop) == 0


def test_spending_more_than_the_budget_gets_a_clear_message(app, actions, make_workshop):
    workshop = make_workshop(dot_budget=2, max_dots_per_card=2)
    author, voter = Phone(actions.phone()), Phone(actions.phone())
    board = author.join(workshop)
    for text in ("Karte A", "Karte B"):
        board = author.submit(board.form("/cards"), text=text)
    _set_phase(actions, workshop, "vote")
    stale = voter.join(workshop)  # a second tab, left open
    first, second = stale.card_id("Karte A"), stale.card_id("Karte B")

    board = voter.submit(stale.form("/votes", first))
    board = voter.submit(board.form("/votes", first))
    assert board.my_dots[first] == "Deine Punkte: 2 – mehr passen nicht auf eine Karte."
    assert board.dots_left.startswith("Alle Punkte vergeben.")
    assert board.form("/votes", second).disabled

    # The old tab still shows a live button; pressing it is refused in plain German.
    board = voter.submit(stale.form("/votes", second))
    assert ("error", "Du hast alle deine Punkte vergeben.") in board.flashes
    assert board.my_dots[second] == "Deine Punkte: 0"
    assert _dots(app, workshop) == 2


@pytest.mark.parametrize("same_week", [True, False], ids=["same week", "another week"])
def test_another_workshops_board_refuses_a_phone_that_did_not_join_it(
    app, actions, workshop, make_workshop, make_event, same_week
):
    elsewhere = make_workshop(None if same_week else make_event())
    phone = Phone(actions.phone())
    board = phone.join(workshop)
    compose = board.form("/cards")
    response = phone.client.post(
        f"/w/{elsewhere.short_code}/cards", data={**compose.fields, "text": "Eingeschmuggelt"}
    )
    assert response.status_code == 403
    assert _cards(app, elsewhere) == []
    assert _cards(app, workshop) == []
    assert phone.open(f"/w/{elsewhere.short_code}").path == "/join"
