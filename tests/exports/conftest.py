"""A filled week for the exports: cards in every status, phone and paper dots, tricky texts."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Card,
    Event,
    FacilitatorAccess,
    Membership,
    ModerationEntry,
    Participant,
    StakeholderGroup,
    Vote,
    Workshop,
)
from app.services.access import hash_token
from app.services.tokens import new_short_code, new_token

UMLAUTS = "Zu wenig Räume für Jugendliche – Größe, Öffnungszeiten, Übergänge 🙂"
FORMULA = "=1+1"
MARKUP = "<b>x</b>"
NAMES = ("Jürgen Müller", "Aylin Demir")
T0 = datetime(2021, 10, 4, 9, 30, tzinfo=UTC)


@dataclass
class Week:
    """The ids of what the fixture made."""

    event_id: int
    slug: str
    workshops: list[int]
    cards: dict[str, str]
    other_event_id: int


def _workshop(event, slug, title, position, day=None) -> Workshop:
    return Workshop(
        event=event,
        slug=slug,
        title=title,
        position=position,
        day=day,
        starts_at=time(9) if day else None,
        ends_at=time(16) if day else None,
        room="Raum 1.07" if day else "",
        facilitators=["Aylin (Moderation)"] if day else [],
        join_token=new_token(),
        facilitator_token=new_token(),
        projector_token=new_token(),
        short_code=new_short_code(),
    )


@pytest.fixture
def week(app) -> Week:
    """An event of two themes with cards in every status, and a second event beside it."""
    with app.app_context():
        event = Event(slug="werkstatt-2021", title="Werkstattwoche Herne 2021", retention_days=30)
        event.stakeholder_groups = [
            StakeholderGroup(key="verwaltung", labels={"de": "Verwaltung", "en": "Administration"}),
            StakeholderGroup(key="zivil", labels={"de": "Zivilgesellschaft"}, position=1),
        ]
        vielfalt = _workshop(
            event, "vielfalt", "Sexuelle und geschlechtliche Vielfalt", 0, date(2021, 10, 4)
        )
        rechts = _workshop(event, "rechts", "Rechte Strömungen", 1, date(2021, 10, 5))
        db.session.add(event)
        db.session.flush()
        jurgen = Participant(
            event_id=event.id, display_name=NAMES[0], group_key="verwaltung", created_at=T0
        )
        aylin = Participant(
            event_id=event.id,
            display_name=NAMES[1],
            group_key="zivil",
            created_at=T0 + timedelta(minutes=1),
        )
        anonymous = Participant(event_id=event.id, created_at=T0 + timedelta(minutes=2))
        db.session.add_all([jurgen, aylin, anonymous])
        db.session.flush()
        for person in (jurgen, aylin, anonymous):
            db.session.add(Membership(participant_id=person.id, workshop_id=vielfalt.id))
        db.session.add(Membership(participant_id=aylin.id, workshop_id=rechts.id, dots_spent=1))

        def card(workshop, kind, text, minutes, author=None, **fields):
            made = Card(
                id=str(uuid.uuid4()),
                workshop_id=workshop.id,
                kind=kind,
                text=text,
                created_at=T0 + timedelta(minutes=minutes),
                author_id=author.id if author else None,
                **fields,
            )
            db.session.add(made)
            db.session.flush()
            return made

        cards = {}
        cards["umlauts"] = card(vielfalt, "problem", UMLAUTS, 1, jurgen)
        cards["formula"] = card(vielfalt, "problem", FORMULA, 2, aylin)
        cards["markup"] = card(vielfalt, "problem", MARKUP, 3, paper=True, paper_dots=2)
        cards["hidden"] = card(
            vielfalt, "problem", "Ausgeblendetes Problem", 4, aylin, status="hidden"
        )
        cards["withdrawn"] = card(
            vielfalt, "problem", "Zurückgezogen", 5, aylin, status="withdrawn"
        )
        cards["solution"] = card(
            vielfalt,
            "solution",
            "Jugendzentrum länger öffnen",
            6,
            aylin,
            answers_id=cards["umlauts"].id,
            pinned=True,
        )
        cards["plus"] = card(
            vielfalt,
            "solution",
            "+49 Hotline einrichten",
            7,
            jurgen,
            answers_id=cards["formula"].id,
        )
        cards["pending"] = card(vielfalt, "solution", "Wartet noch", 8, jurgen, status="pending")
        cards["merged"] = card(
            vielfalt,
            "solution",
            "Jugendzentrum öffnen",
            9,
            jurgen,
            status="merged",
            merged_into_id=cards["solution"].id,
        )
        cards["at"] = card(rechts, "problem", "@SUM(A1)", 10, aylin)
        cards["minus"] = card(rechts, "solution", "-2 Stellen mehr", 11, aylin)
        votes = [
            Vote(participant_id=jurgen.id, card_id=cards["umlauts"].id, dots=3),
            Vote(participant_id=aylin.id, card_id=cards["umlauts"].id, dots=1),
            Vote(participant_id=aylin.id, card_id=cards["solution"].id, dots=2),
            Vote(participant_id=jurgen.id, card_id=cards["formula"].id, dots=1),
            Vote(participant_id=jurgen.id, card_id=cards["hidden"].id, dots=2),
            Vote(participant_id=aylin.id, card_id=cards["at"].id, dots=1),
        ]
        db.session.add_all(votes)
        db.session.flush()
        db.session.add(
            ModerationEntry(
                workshop_id=vielfalt.id,
                actor="Aylin (Moderation)",
                action="merge_cards",
                card_id=cards["solution"].id,
                details={
                    "gone": [cards["merged"].id],
                    "was": {cards["merged"].id: "visible"},
                    "votes_moved": [{"vote": votes[2].id, "from": cards["merged"].id}],
                    "votes_added": [],
                    "answers": {},
                    "paper": {},
                },
                created_at=T0 + timedelta(minutes=20),
            )
        )
        db.session.add_all(
            [
                FacilitatorAccess(
                    workshop_id=vielfalt.id,
                    name="Aylin (Moderation)",
                    token_hash=hash_token("a"),
                    pin_hash="scrypt:fake",
                ),
                FacilitatorAccess(
                    workshop_id=rechts.id, name="Alt", token_hash=hash_token("b"), revoked_at=T0
                ),
            ]
        )
        other = Event(slug="andere-woche", title="Andere Woche")
        other_workshop = _workshop(other, "x", "Anderes Thema", 0)
        db.session.add(other)
        db.session.flush()
        stranger = Participant(event_id=other.id, display_name="Fremd")
        db.session.add(stranger)
        db.session.flush()
        db.session.add(Membership(participant_id=stranger.id, workshop_id=other_workshop.id))
        foreign = card(other_workshop, "problem", "Fremde Karte", 1, stranger)
        db.session.add(Vote(participant_id=stranger.id, card_id=foreign.id, dots=1))
        db.session.add(
            FacilitatorAccess(workshop_id=other_workshop.id, name="M", token_hash=hash_token("c"))
        )
        db.session.commit()
        return Week(
            event_id=event.id,
            slug=event.slug,
            workshops=[vielfalt.id, rechts.id],
            cards={key: made.id for key, made in cards.items()},
            other_event_id=other.id,
        )


@pytest.fixture
def need_week(app, week) -> Week:
    """The week with a cross-cutting need from both themes, made concrete and put to the vote.

    Its cards: the umlaut problem (4 dots, Verwaltung) and its solution (2 dots,
    Zivilgesellschaft) from Vielfalt, the "@SUM" problem (1 dot, Zivilgesellschaft) from
    Rechte Strömungen. On the vote in Rechte Strömungen it got 3 dots.
    """
    from app.services.needs import create_need, put_to_vote, update_need

    with app.app_context():
        event = db.session.get(Event, week.event_id)
        cards = [week.cards[key] for key in ("umlauts", "solution", "at")]
        need = create_need(event, "Vernetzung der Akteur*innen", cards).needs[0]
        update_need(
            event,
            need.id,
            what="Ein festes Netzwerktreffen",
            actors="Koordinierungsstelle, Träger",
            first_steps="Termin finden\nEinladungsliste abstimmen",
            priority=2,
            version=need.version,
        )
        create_need(event, "Noch leer")
        put_to_vote(event, week.workshops[1])
        db.session.refresh(need)
        aylin = db.session.scalar(select(Participant).filter_by(display_name=NAMES[1]))
        db.session.add(Vote(participant_id=aylin.id, card_id=need.card_id, dots=3))
        db.session.commit()
    return week
