"""Setting up a week in the browser: forms, the week file both ways, facilitator accesses."""

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Event, FacilitatorAccess, ModerationEntry, Workshop
from app.services.setup import week_file
from app.services.weeks import parse_week
from tests.conftest import database_urls

#: The set-up runs on both databases (PostgreSQL where it runs, and under CI=true it must).
pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)

WORKSHOP = {
    "title": "Rechte Strömungen",
    "slug": "rechts",
    "description": "",
    "day": "2021-10-05",
    "starts_at": "09:00",
    "ends_at": "16:00",
    "room": "Ratssaal",
    "facilitators": "Aylin, Jonas",
    "dot_budget": "5",
    "max_dots_per_card": "3",
    # A checked checkbox, as the browser sends it; premoderation stays unchecked.
    "blind_collect": "y",
}
#: What a week file leaves out means this, for a new week (absent: as it was).
FILE_DEFAULTS = {"blind_collect": False, "premoderation": False}


def _week(app, slug):
    with app.app_context():
        event = db.session.scalar(select(Event).filter_by(slug=slug))
        if event is None:
            return None
        return {
            "title": event.title,
            "retention_days": event.retention_days,
            "groups": [(g.key, g.labels) for g in event.stakeholder_groups],
            "workshops": [
                {
                    "slug": w.slug,
                    "title": w.title,
                    "day": w.day,
                    "starts_at": w.starts_at,
                    "ends_at": w.ends_at,
                    "room": w.room,
                    "facilitators": w.facilitators,
                    "dot_budget": w.dot_budget,
                    "max_dots_per_card": w.max_dots_per_card,
                    "blind_collect": w.blind_collect,
                    "premoderation": w.premoderation,
                }
                for w in event.workshops
            ],
        }


@pytest.fixture
def week(office):
    response = office.post(
        "/organisation/woche/neu",
        data={
            "slug": "herne-2021",
            "title": "Werkstattwoche Herne",
            "description": "Eine Woche, ein Thema am Tag.",
            "groups": "verwaltung = Verwaltung\nzivil = Zivilgesellschaft",
            "retention_days": "90",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation/e/herne-2021/einrichten"
    response = office.post("/organisation/e/herne-2021/workshop/neu", data=WORKSHOP)
    assert response.status_code == 302
    return "herne-2021"


def test_a_week_and_a_workshop_are_made_through_the_forms(app, office, week):
    made = _week(app, week)
    assert made["title"] == "Werkstattwoche Herne"
    assert made["groups"] == [
        ("verwaltung", {"de": "Verwaltung"}),
        ("zivil", {"de": "Zivilgesellschaft"}),
    ]
    (workshop,) = made["workshops"]
    assert workshop["title"] == "Rechte Strömungen" and workshop["room"] == "Ratssaal"
    assert workshop["facilitators"] == ["Aylin", "Jonas"]
    assert str(workshop["starts_at"]) == "09:00:00" and str(workshop["day"]) == "2021-10-05"
    assert workshop["blind_collect"] and not workshop["premoderation"]
    assert made["retention_days"] == 90
    page = office.get(f"/organisation/e/{week}/einrichten").get_data(as_text=True)
    assert "Rechte Strömungen" in page and "Ratssaal" in page and "Verdeckt sammeln" in page
    # The last workshop day is 5 October 2021: kept 90 days after it.
    assert "bis zum 3. Januar 2022 aufbewahrt (90 Tage" in page
    form = office.get(f"/organisation/e/{week}/bearbeiten").get_data(as_text=True)
    (field,) = re.findall(r'<input[^>]*name="retention_days"[^>]*>', form)
    assert 'value="90"' in field


def test_a_workshop_is_edited(app, office, week):
    with app.app_context():
        code = db.session.scalar(select(Workshop.short_code).filter_by(slug="rechts"))
    form = office.get(f"/organisation/w/{code}/bearbeiten").get_data(as_text=True)
    assert 'value="Ratssaal"' in form and 'value="Aylin, Jonas"' in form
    (box,) = re.findall(r'<input[^>]*name="blind_collect"[^>]*>', form)
    assert " checked " in box
    changed = {**WORKSHOP, "room": "Raum 2", "dot_budget": "8"}
    assert office.post(f"/organisation/w/{code}/bearbeiten", data=changed).status_code == 302
    workshop = _week(app, week)["workshops"][0]
    assert workshop["room"] == "Raum 2" and workshop["dot_budget"] == 8


def test_changed_options_of_a_workshop_go_into_its_log_like_the_consoles(app, office, week):
    with app.app_context():
        workshop = db.session.scalar(select(Workshop).filter_by(slug="rechts"))
        code, seq = workshop.short_code, workshop.seq
    unchecked = {key: value for key, value in WORKSHOP.items() if key != "blind_collect"}
    changed = {**unchecked, "premoderation": "y"}
    assert office.post(f"/organisation/w/{code}/bearbeiten", data=changed).status_code == 302
    with app.app_context():
        workshop = db.session.scalar(select(Workshop).filter_by(slug="rechts"))
        assert (workshop.blind_collect, workshop.premoderation) == (False, True)
        # A numbered fact, so that the running screens notice, and an entry the console shows.
        assert workshop.seq > seq
        entry = db.session.scalars(
            select(ModerationEntry).filter_by(workshop_id=workshop.id, action="set_options")
        ).one()
        assert entry.actor == "Koordinierungsstelle"
        assert entry.details == {"blind_collect": False, "premoderation": True}


def test_a_week_is_edited(app, office, week):
    response = office.post(
        f"/organisation/e/{week}/bearbeiten",
        data={
            "slug": week,
            "title": "Neuer Titel",
            "groups": "verwaltung = Stadtverwaltung",
            "retention_days": "30",
        },
    )
    assert response.status_code == 302
    made = _week(app, week)
    assert made["title"] == "Neuer Titel"
    assert made["groups"] == [("verwaltung", {"de": "Stadtverwaltung"})]
    assert made["retention_days"] == 30


BAD_WORKSHOPS = [
    ({"ends_at": "08:00"}, "ends_at", "Das Ende muss nach dem Beginn liegen."),
    ({"ends_at": "09:00"}, "ends_at", "Das Ende muss nach dem Beginn liegen."),
    ({"starts_at": "9 Uhr"}, "starts_at", "Bitte gib eine Uhrzeit wie 09:00 ein."),
    ({"day": "5.10."}, "day", "Bitte gib ein Datum wie 04.10.2021 ein."),
    ({"dot_budget": "0"}, "dot_budget", "Bitte gib eine Zahl von 1 bis 50 ein."),
    ({"dot_budget": "51"}, "dot_budget", "Bitte gib eine Zahl von 1 bis 50 ein."),
    ({"dot_budget": "viele"}, "dot_budget", "Bitte gib eine Zahl von 1 bis 50 ein."),
    ({"max_dots_per_card": "0"}, "max_dots_per_card", "Bitte gib eine Zahl von 1 bis 50 ein."),
    (
        {"dot_budget": "2", "max_dots_per_card": "3"},
        "max_dots_per_card",
        "Nicht mehr Punkte pro Karte, als jede Person hat.",
    ),
    ({"title": ""}, "title", "Bitte gib einen Titel ein."),
    (
        {"title": "rechte strömungen", "slug": "anders"},
        "title",
        "Diesen Titel hat schon ein Workshop",
    ),
    ({"title": "Anders", "slug": "rechts"}, "slug", "Diesen Kurznamen hat schon ein Workshop"),
    ({"slug": "Rechte Strömungen"}, "slug", "Nur Kleinbuchstaben a-z, Ziffern, - und _"),
    ({"slug": ""}, "slug", "Bitte gib einen Kurznamen ein."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_WORKSHOPS)
def test_bad_workshop_input_gets_its_message_at_the_field_and_changes_nothing(
    app, office, week, change, field, message
):
    before = _week(app, week)
    response = office.post(f"/organisation/e/{week}/workshop/neu", data={**WORKSHOP, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert f'id="{field}-error">{message}' in page
    assert f'id="{field}" ' in page and 'aria-invalid="true"' in page
    assert _week(app, week) == before


BAD_WEEKS = [
    ({"slug": "Herne 2021"}, "slug", "Nur Kleinbuchstaben a-z"),
    ({"slug": "testwoche"}, "slug", "Diesen Kurznamen hat schon eine andere Woche."),
    ({"title": ""}, "title", "Bitte gib einen Titel ein."),
    ({"groups": "verwaltung"}, "groups", "Zeile 1: Schreibe"),
    ({"groups": "a = A\na = B"}, "groups", "Zeile 2: Der Schlüssel kommt doppelt vor."),
    ({"groups": "Öffentlich = X"}, "groups", "Zeile 1: Der Schlüssel darf nur"),
    ({"retention_days": "0"}, "retention_days", "Bitte gib eine ganze Zahl von 1 bis 3650 ein."),
    ({"retention_days": "3651"}, "retention_days", "Bitte gib eine ganze Zahl von 1 bis 3650"),
    ({"retention_days": "ein Jahr"}, "retention_days", "Bitte gib eine ganze Zahl von 1 bis"),
    ({"retention_days": ""}, "retention_days", "Bitte gib eine ganze Zahl von 1 bis 3650 ein."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_WEEKS)
def test_bad_week_input_gets_its_message_and_makes_no_week(app, office, change, field, message):
    data = {"slug": "neu", "title": "Neue Woche", "groups": "", "retention_days": "365", **change}
    response = office.post("/organisation/woche/neu", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error">{message}' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Event.id))) == 1


def test_the_week_file_round_trip_gives_the_same_set_up(app, office, week, tmp_path):
    response = office.get(f"/organisation/e/{week}/wochendatei")
    assert response.status_code == 200
    assert 'filename="herne-2021.toml"' in response.headers["Content-Disposition"]
    path = tmp_path / "export.toml"
    path.write_bytes(response.get_data())
    parsed = parse_week(path)
    made = _week(app, week)
    assert parsed["title"] == made["title"]
    assert parsed["retention_days"] == made["retention_days"] == 90
    assert [(g["key"], g["labels"]) for g in parsed["groups"]] == made["groups"]
    fields = list(made["workshops"][0])
    assert [
        {f: w.get(f, FILE_DEFAULTS.get(f)) for f in fields} for w in parsed["workshops"]
    ] == made["workshops"]
    assert parsed["workshops"][0]["blind_collect"] is True


def test_the_test_week_round_trips_with_english_labels_and_defaults(app, tmp_path):
    with app.app_context():
        event = db.session.scalar(select(Event).filter_by(slug="testwoche"))
        path = tmp_path / "w.toml"
        path.write_text(week_file(event), encoding="utf-8")
    original = parse_week(__import__("tests.conftest", fromlist=["WEEK"]).WEEK)
    again = parse_week(path)
    assert again == original


def test_a_week_file_is_loaded_from_the_browser(app, office):
    text = (
        '[event]\nslug = "hochgeladen"\ntitle = "Hochgeladen"\n\n'
        '[[workshops]]\nslug = "eins"\ntitle = "Eins"\ndot_budget = 4\nmax_dots_per_card = 2\n'
    )
    response = office.post(
        "/organisation/woche/import",
        data={"file": (io.BytesIO(text.encode()), "woche.toml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _week(app, "hochgeladen")["workshops"][0]["dot_budget"] == 4


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        ('[event]\nslug = "x"\n', "w.toml", "woche.toml: event.title: fehlt"),
        ("[event", "w.toml", "kein gültiges TOML"),
        ("[event]", "w.txt", "Bitte wähle eine Datei mit der Endung .toml."),
    ],
)
def test_a_malformed_week_file_is_refused_with_the_loaders_message(
    app, office, text, name, message
):
    response = office.post(
        "/organisation/woche/import",
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message.replace("woche.toml", "w.toml") in page
    assert 'role="alert"' in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Event.id))) == 1


def test_an_access_is_issued_shown_once_and_revoked(app, office, actions):
    code = actions.workshop().short_code
    response = office.post(f"/organisation/w/{code}/zugaenge", data={"name": "Aylin", "pin": "y"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    link = page[page.index('id="access-link">') + len('id="access-link">') :].split("<")[0]
    pin = page[page.index('id="access-pin">') + len('id="access-pin">') :].split("<")[0]
    assert "/f/" in link and len(pin) == 6 and pin.isdigit()
    listing = office.get(f"/organisation/w/{code}/zugaenge").get_data(as_text=True)
    assert "Aylin" in listing and link not in listing and pin not in listing
    with app.app_context():
        access_id = db.session.scalar(select(FacilitatorAccess.id).filter_by(name="Aylin"))
    laptop = app.test_client()
    path = link[link.index("/f/") :]
    assert laptop.get(path).status_code == 302
    response = office.post(f"/organisation/w/{code}/zugaenge/{access_id}/entziehen")
    assert response.status_code == 302
    assert "entzogen" in office.get(f"/organisation/w/{code}/zugaenge").get_data(as_text=True)
    assert app.test_client().get(path).status_code in (403, 404, 410)


def test_an_access_needs_a_name(office, actions):
    code = actions.workshop().short_code
    response = office.post(f"/organisation/w/{code}/zugaenge", data={"name": "  "})
    assert response.status_code == 400
    assert 'id="name-error">Bitte gib einen Namen ein.' in response.get_data(as_text=True)


SETUP_PAGES = [
    "/organisation/woche/neu",
    "/organisation/woche/import",
    "/organisation/e/testwoche/bearbeiten",
    "/organisation/e/testwoche/einrichten",
    "/organisation/e/testwoche/workshop/neu",
    "/organisation/e/testwoche/wochendatei",
    "/organisation/w/{code}/bearbeiten",
    "/organisation/w/{code}/zugaenge",
]


@pytest.mark.parametrize("who", ["phone", "laptop", "anonymous"])
def test_only_organizers_reach_the_set_up(app, actions, who):
    phone = actions.phone()
    actions.join(phone)
    browser = {"phone": phone, "laptop": actions.facilitator(), "anonymous": actions.phone()}[who]
    code = actions.workshop().short_code
    with app.app_context():
        accesses = db.session.scalar(select(db.func.count(FacilitatorAccess.id)))
    for page in SETUP_PAGES:
        response = browser.get(page.format(code=code))
        assert response.status_code == 302 and "/organisation/login" in response.headers["Location"]
        if page.endswith(("einrichten", "wochendatei")):
            continue
        response = browser.post(page.format(code=code), data={**WORKSHOP, "name": "X"})
        assert response.status_code == 403, page
    assert browser.post(f"/organisation/w/{code}/zugaenge/1/entziehen").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Workshop.id))) == 8
        assert db.session.scalar(select(db.func.count(FacilitatorAccess.id))) == accesses


def _order(app, slug="testwoche"):
    with app.app_context():
        event = db.session.scalar(select(Event).filter_by(slug=slug))
        return [w.slug for w in event.workshops]


def test_workshops_are_reordered_with_up_and_down_buttons(app, office, actions):
    before = _order(app)
    page = office.get("/organisation/e/testwoche/einrichten").get_data(as_text=True)
    second = actions.workshop(before[1]).short_code
    first = actions.workshop(before[0]).short_code
    # Buttons, reachable by keyboard; the first has no "up", the last no "down".
    assert f'id="move-down-{first}"' in page and f'id="move-up-{first}"' not in page
    assert f'id="move-up-{second}"' in page
    response = office.post(f"/organisation/w/{second}/verschieben", data={"direction": "up"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/einrichten#move-down-{second}")
    assert _order(app) == [before[1], before[0], *before[2:]]
    office.post(f"/organisation/w/{second}/verschieben", data={"direction": "down"})
    assert _order(app) == before
    # The first cannot go further up; a wrong direction is refused; nothing changes.
    office.post(f"/organisation/w/{first}/verschieben", data={"direction": "up"})
    assert (
        office.post(f"/organisation/w/{first}/verschieben", data={"direction": "x"}).status_code
        == 400
    )
    assert _order(app) == before
    # The week file and the overview follow the new order.
    office.post(f"/organisation/w/{second}/verschieben", data={"direction": "up"})
    text = office.get("/organisation/e/testwoche/wochendatei").get_data(as_text=True)
    assert text.index(f'slug = "{before[1]}"') < text.index(f'slug = "{before[0]}"')


def test_an_empty_workshop_is_deleted_after_a_confirmation(app, office, actions):
    workshop = actions.workshop("schule")
    page = office.get(f"/organisation/w/{workshop.short_code}/loeschen").get_data(as_text=True)
    assert "Schule und Bildung" in page and "keine Karten" in page
    assert 'name="slug"' not in page
    response = office.post(f"/organisation/w/{workshop.short_code}/loeschen", data={})
    assert response.status_code == 302
    order = _order(app)
    assert "schule" not in order
    with app.app_context():
        positions = [
            w.position
            for w in db.session.scalars(
                select(Workshop)
                .join(Event)
                .filter(Event.slug == "testwoche")
                .order_by(Workshop.position)
            )
        ]
    assert positions == list(range(len(order)))


def test_a_workshop_with_cards_needs_its_short_name_and_takes_its_data_along(app, office, actions):
    import uuid

    from app.models import Card, Membership, Participant, Vote

    phone = actions.phone()
    actions.join(phone)
    workshop = actions.workshop()
    code = workshop.short_code
    card = {"id": str(uuid.uuid4()), "kind": "problem", "text": "Zu wenig Räume"}
    phone.post(f"/w/{code}/cards", data=card)
    actions.set_phase("vote")
    phone.post(f"/w/{code}/votes", data={"id": card["id"]})
    actions.issue_access()
    page = office.get(f"/organisation/w/{code}/loeschen").get_data(as_text=True)
    assert "Achtung: In diesem Workshop wurde schon gearbeitet." in page
    plan = page[page.index('class="purge-plan"') :]
    assert '<th scope="row">Karten</th><td class="num">1</td>' in plan
    assert '<th scope="row">Punkte</th><td class="num">1</td>' in plan
    wrong = office.post(f"/organisation/w/{code}/loeschen", data={"slug": "falsch"})
    assert wrong.status_code == 400
    assert "Der Kurzname stimmt nicht. Es wurde nichts gelöscht." in wrong.get_data(as_text=True)
    assert office.post(f"/organisation/w/{code}/loeschen", data={}).status_code == 400
    assert "vielfalt" in _order(app)
    response = office.post(f"/organisation/w/{code}/loeschen", data={"slug": "vielfalt"})
    assert response.status_code == 302
    assert "vielfalt" not in _order(app)
    with app.app_context():
        for model in (Card, Vote, Membership, FacilitatorAccess):
            assert db.session.scalar(select(db.func.count()).select_from(model)) == 0, model
        # The participant belongs to the week and stays; the other workshops too.
        assert db.session.scalar(select(db.func.count(Participant.id))) == 1
    assert office.get(f"/w/{code}").status_code == 404


def test_only_organizers_delete_or_move_a_workshop(app, actions):
    code = actions.workshop().short_code
    laptop = actions.facilitator()
    before = _order(app)
    assert (
        laptop.post(f"/organisation/w/{code}/loeschen", data={"slug": "vielfalt"}).status_code
        == 403
    )
    assert (
        laptop.post(f"/organisation/w/{code}/verschieben", data={"direction": "down"}).status_code
        == 403
    )
    assert _order(app) == before


def test_both_access_pages_name_a_missing_name_above_their_form(office, actions):
    code = actions.workshop().short_code
    for url in (f"/organisation/w/{code}/zugaenge", "/organisation/e/testwoche/zugaenge"):
        response = office.post(url, data={"name": ""})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, url
        assert "Bitte prüfe deine Eingaben:" in page
        assert 'href="#name"' in page and 'aria-invalid="true"' in page
        assert f'action="{url}"' in page


def test_the_purge_page_says_a_wrong_short_name_deleted_nothing(office, actions):
    page = office.post("/organisation/e/testwoche/loeschen", data={"slug": "falsch"})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Bitte prüfe deine Eingaben:" in text
    assert "Zur Bestätigung tippe den Kurznamen: testwoche" in text
    assert '<th scope="row">Workshops</th>' in text


def test_a_running_workshops_screens_learn_options_changed_on_the_set_up_page(office, actions):
    """Switching blind collect on from the organizer's form reaches the phones and consoles
    at once, as from the console: the new options, the log line, and a fresh board."""
    phone = actions.app.test_client()
    actions.join(phone, "vielfalt")
    board = actions.socket(phone, "vielfalt")
    console = actions.socket(actions.facilitator("vielfalt"), "vielfalt", role="console")
    board.get_received(), console.get_received()
    code = actions.workshop("vielfalt").short_code
    form = {
        **WORKSHOP,
        "title": "Vielfalt",
        "slug": "vielfalt",
        "day": "2021-10-04",
        "max_dots_per_card": "3",
    }
    assert office.post(f"/organisation/w/{code}/bearbeiten", data=form).status_code == 302
    on_phone = [e["name"] for e in board.get_received()]
    assert on_phone.index("workshop_changed") < on_phone.index("cards_reset")
    on_console = console.get_received()
    (changed,) = [e["args"][0] for e in on_console if e["name"] == "workshop_changed"]
    assert changed["workshop"]["blind_collect"] is True
    (logged,) = [e["args"][0] for e in on_console if e["name"] == "log_entry"]
    assert logged["entry"]["action"] == "set_options"
