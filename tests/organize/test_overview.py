"""The overview's "last activity" (a card, a dot, a phase change); a quiet workshop stands out."""

import uuid
from datetime import timedelta

from app.extensions import db
from app.models import Card, Workshop
from app.models._types import utcnow
from app.services.overview import QUIET_AFTER, event_overview


def _row(app, code, phones=1):
    with app.app_context():
        workshop = db.session.scalar(db.select(Workshop).filter_by(short_code=code))
        rows = event_overview(workshop.event_id, lambda _workshop_id: phones)
        return next(row for row in rows if row["code"] == code)


def _age_everything(app, code, seconds):
    """Make every card and the phase change of the workshop ``seconds`` old."""
    then = utcnow() - timedelta(seconds=seconds)
    with app.app_context():
        workshop = db.session.scalar(db.select(Workshop).filter_by(short_code=code))
        workshop.phase_changed_at = then
        for card in db.session.scalars(db.select(Card).filter_by(workshop_id=workshop.id)):
            card.created_at = then
        db.session.commit()


def _post(phone, code, text="Zu wenig Räume"):
    card = {"id": str(uuid.uuid4()), "kind": "problem", "text": text}
    assert phone.post(f"/w/{code}/cards", data=card).status_code == 302
    return card["id"]


def test_a_new_card_is_the_last_activity(app, actions):
    phone = actions.phone()
    actions.join(phone)
    code = actions.workshop().short_code
    _age_everything(app, code, 3 * 3600)
    assert _row(app, code)["idle_seconds"] >= 3 * 3600
    _post(phone, code)
    row = _row(app, code)
    assert row["idle_seconds"] < 60 and row["last_activity"] is not None
    assert row["quiet"] is False


def test_a_workshop_with_phones_but_nothing_happening_is_quiet(app, actions):
    phone = actions.phone()
    actions.join(phone)
    code = actions.workshop().short_code
    _post(phone, code)
    _age_everything(app, code, QUIET_AFTER + 60)
    assert _row(app, code)["quiet"] is True
    # No phones in the room: nobody is waiting, so it is not stuck.
    assert _row(app, code, phones=0)["quiet"] is False
    # A closed workshop is quiet on purpose.
    actions.set_phase("results")
    _age_everything(app, code, QUIET_AFTER + 60)
    assert _row(app, code)["quiet"] is False


def test_a_dot_counts_as_activity(app, actions):
    phone = actions.phone()
    actions.join(phone)
    code = actions.workshop().short_code
    card = _post(phone, code)
    actions.set_phase("vote")
    _age_everything(app, code, QUIET_AFTER + 60)
    assert _row(app, code)["quiet"] is True
    assert phone.post(f"/w/{code}/votes", data={"id": card}).status_code == 302
    row = _row(app, code)
    assert row["idle_seconds"] < 60 and row["quiet"] is False


def test_the_phase_change_is_activity_and_the_page_says_how_long_ago(app, office, actions):
    code = actions.workshop().short_code
    _age_everything(app, code, 3 * 60 + 5)
    page = office.get("/organisation/").get_data(as_text=True)
    row = page[page.index(f'data-code="{code}"') :]
    row = row[: row.index("</tr>")]
    assert "vor 3 Min." in row
    actions.set_phase("discuss")
    page = office.get("/organisation/").get_data(as_text=True)
    row = page[page.index(f'data-code="{code}"') :]
    row = row[: row.index("</tr>")]
    assert "vor 3 Min." not in row and "Sek." in row
    assert "Letzte Aktivität" in page


def test_a_quiet_workshop_is_marked_on_the_page(app, office, actions):
    from app import realtime

    phone = actions.phone()
    actions.join(phone)
    code = actions.workshop().short_code
    _age_everything(app, code, QUIET_AFTER + 60)
    original = realtime.phones_connected
    realtime.phones_connected = lambda _workshop_id: 1
    try:
        page = office.get("/organisation/").get_data(as_text=True)
    finally:
        realtime.phones_connected = original
    row = page[page.index(f'data-code="{code}"') :]
    row = row[: row.index("</tr>")]
    assert 'class="quiet"' in row
    assert "Keine Aktivität – hängt es?" in row and "hidden" not in row.split("quiet-flag")[1][:20]
