"""Setting up a week in the browser: events, workshops, and the week file written back out.

The rules are the week file loader's (``app/services/weeks.py``): the same
lengths, slugs, budgets and uniqueness within an event; the loader makes its
workshops with :func:`new_workshop` too.
"""

import json
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

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
from app.models.synthesis import CardVector, NeedCard
from app.services.errors import ServiceError
from app.services.facts import next_seq
from app.services.phases import OPTIONS, apply_options
from app.services.tokens import new_short_code, new_token

#: Limits of the week file, shared by the forms.
SLUG_MAX = 80
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
GROUP_KEY_MAX = 40
GROUP_LABEL_MAX = 100
DOTS_RANGE = (1, 50)
#: Days an event's data may be kept after its last workshop day, and the default.
RETENTION_RANGE = (1, 3650)
RETENTION_DEFAULT = 365
RETENTION_MESSAGE = _l("Bitte gib eine ganze Zahl von 1 bis 3650 ein.")


def slug_ok(value: str) -> bool:
    """Whether a short name has only the characters a week file allows (a-z, 0-9, - and _)."""
    return bool(value) and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in value)


def unique_short_code() -> str:
    """Return a six-character code no workshop has yet."""
    while True:
        code = new_short_code()
        if db.session.scalar(select(Workshop.id).filter_by(short_code=code)) is None:
            return code


def new_workshop(slug: str, title: str) -> Workshop:
    """A workshop with its own secret links and short code, not yet added to an event."""
    return Workshop(
        slug=slug,
        title=title,
        join_token=new_token(),
        facilitator_token=new_token(),
        projector_token=new_token(),
        short_code=unique_short_code(),
    )


def _set_groups(event: Event, groups: list[tuple[str, str]]) -> None:
    """Give the event these groups in this order; a group someone speaks for cannot go."""
    existing = {group.key: group for group in event.stakeholder_groups}
    keys = [key for key, _label in groups]
    for key, group in existing.items():
        if key in keys:
            continue
        in_use = event.id is not None and db.session.scalar(
            select(func.count(Participant.id)).filter_by(event_id=event.id, group_key=key)
        )
        if in_use:
            raise ServiceError(
                _l("Die Gruppe „%(key)s“ haben Teilnehmende gewählt; sie bleibt.", key=key),
                field="groups",
            )
        event.stakeholder_groups.remove(group)
    for position, (key, label) in enumerate(groups):
        group = existing.get(key)
        if group is None:
            group = StakeholderGroup(key=key, labels={})
            event.stakeholder_groups.append(group)
        # The English label comes from a week file; the form edits the German one.
        group.labels = {**(group.labels or {}), "de": label}
        group.position = position


def save_event(
    event: Event | None,
    slug: str,
    title: str,
    description: str,
    groups: list[tuple[str, str]],
    retention_days: int = RETENTION_DEFAULT,
) -> Event:
    """Create a week or change one.

    :param event: the week to change, or None for a new one.
    :param slug: its short name, unique among all weeks.
    :param groups: ``(key, label)`` of each stakeholder group, in order; keys unique.
    :param retention_days: days its data are kept after the last workshop day.
    """
    low, high = RETENTION_RANGE
    if not low <= retention_days <= high:
        raise ServiceError(RETENTION_MESSAGE, field="retention_days")
    if not slug_ok(slug) or len(slug) > SLUG_MAX:
        raise ServiceError(_l("Nur a-z, 0-9, - und _ sind erlaubt."), field="slug")
    other = db.session.scalar(select(Event).filter_by(slug=slug))
    if other is not None and other is not event:
        raise ServiceError(_l("Diesen Kurznamen hat schon eine andere Woche."), field="slug")
    keys = [key for key, _label in groups]
    if len(set(keys)) != len(keys):
        raise ServiceError(_l("Jeder Schlüssel darf nur einmal vorkommen."), field="groups")
    if event is None:
        event = Event(slug=slug, title=title)
        db.session.add(event)
    try:
        event.slug, event.title, event.description = slug, title, description
        event.retention_days = retention_days
        _set_groups(event, groups)
        db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    return event


def save_workshop(
    event: Event, workshop: Workshop | None, values: dict, actor: str = ""
) -> tuple[Workshop, dict]:
    """Add a workshop to a week or change one.

    A change of a running workshop's options is written into its moderation log
    and numbered as a fact, as when the facilitator changes them on the console.

    :param workshop: the workshop to change, or None for a new one at the end of the week.
    :param values: slug, title, description, day, starts_at, ends_at, room, facilitators,
        dot_budget, max_dots_per_card, blind_collect, premoderation.
    :param actor: who changes it, for the moderation log.
    :return: the workshop and the options that changed (empty for a new workshop).
    """
    for other in event.workshops:
        if other is workshop:
            continue
        if other.slug == values["slug"]:
            raise ServiceError(
                _l("Diesen Kurznamen hat schon ein Workshop der Woche."), field="slug"
            )
        if other.title.casefold() == values["title"].casefold():
            raise ServiceError(_l("Diesen Titel hat schon ein Workshop der Woche."), field="title")
    if not slug_ok(values["slug"]):
        raise ServiceError(_l("Nur a-z, 0-9, - und _ sind erlaubt."), field="slug")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts and ends and ends <= starts:
        raise ServiceError(_l("Das Ende muss nach dem Beginn liegen."), field="ends_at")
    if values["max_dots_per_card"] > values["dot_budget"]:
        raise ServiceError(
            _l("Nicht mehr Punkte pro Karte, als jede Person hat."), field="max_dots_per_card"
        )
    changed = {}
    if workshop is None:
        workshop = new_workshop(values["slug"], values["title"])
        workshop.position = len(event.workshops)
        event.workshops.append(workshop)
    else:
        changed = apply_options(workshop, actor, **{k: values[k] for k in OPTIONS if k in values})
    for field, value in values.items():
        setattr(workshop, field, value)
    if changed:
        db.session.flush()
        next_seq(workshop)
    db.session.commit()
    return workshop, changed


def move_workshop(workshop: Workshop, step: int) -> bool:
    """Move a workshop one place up (``step=-1``) or down (``+1``) in the week's programme.

    :return: whether it moved (the first cannot go up, the last not down).
    """
    workshops = list(workshop.event.workshops)
    index = workshops.index(workshop)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(workshops):
        return False
    workshops[index], workshops[other] = workshops[other], workshops[index]
    for position, each in enumerate(workshops):
        each.position = position
    db.session.commit()
    db.session.expire(workshop.event, ["workshops"])
    return True


def _workshop_rows(workshop_id: int) -> dict:
    """Each table's rows that belong to one workshop, as WHERE clauses, children first."""
    cards = select(Card.id).where(Card.workshop_id == workshop_id)
    return {
        "vote": Vote.card_id.in_(cards),
        "need_card": NeedCard.card_id.in_(cards),
        "card_vector": CardVector.card_id.in_(cards),
        "card": Card.workshop_id == workshop_id,
        "membership": Membership.workshop_id == workshop_id,
        "moderation_entry": ModerationEntry.workshop_id == workshop_id,
        "facilitator_access": FacilitatorAccess.workshop_id == workshop_id,
    }


_MODELS = {
    "vote": Vote,
    "need_card": NeedCard,
    "card_vector": CardVector,
    "card": Card,
    "membership": Membership,
    "moderation_entry": ModerationEntry,
    "facilitator_access": FacilitatorAccess,
}


def workshop_plan(workshop_id: int) -> dict[str, int]:
    """How many rows of each kind deleting the workshop would delete (nothing is deleted)."""
    return {
        kind: db.session.scalar(select(func.count()).select_from(_MODELS[kind]).where(where))
        for kind, where in _workshop_rows(workshop_id).items()
    }


def delete_workshop(workshop: Workshop) -> dict[str, int]:
    """Delete a workshop with its cards, dots, memberships, log and accesses, in one transaction.

    The participants stay (they belong to the week); the others keep their order.
    :return: the rows deleted per kind.
    """
    event, workshop_id = workshop.event, workshop.id
    counts = workshop_plan(workshop_id)
    # Children first, so that the result does not depend on the database enforcing cascades.
    for kind, where in _workshop_rows(workshop_id).items():
        db.session.execute(delete(_MODELS[kind]).where(where))
    event.workshops.remove(workshop)
    db.session.delete(workshop)
    for position, each in enumerate(event.workshops):
        each.position = position
    db.session.commit()
    return counts


# ---- the week file, written back out ----


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return json.dumps(value.strftime("%H:%M") if not value.second else value.isoformat())
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    # A JSON string is a TOML basic string: the same quotes and escapes.
    return json.dumps(str(value), ensure_ascii=False)


def _table(lines: list[str], header: str, values: dict) -> None:
    lines.append(header)
    for key, value in values.items():
        if value is None or value == "" or value == []:
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    lines.append("")


def week_file(event: Event) -> str:
    """The week as a week file (TOML) that ``load-week`` reads back to the same set-up."""
    lines = [f"# {event.title}: Wochendatei aus Querschnitt", ""]
    _table(
        lines,
        "[event]",
        {
            "slug": event.slug,
            "title": event.title,
            "description": event.description,
            # Written when not the default, as the options below: a file without them
            # leaves what was set in the browser as it is.
            "retention_days": event.retention_days
            if event.retention_days != RETENTION_DEFAULT
            else None,
        },
    )
    for group in event.stakeholder_groups:
        _table(
            lines,
            "[[stakeholder_groups]]",
            {
                "key": group.key,
                "label": group.label("de"),
                "label_en": (group.labels or {}).get("en"),
            },
        )
    for workshop in event.workshops:
        _table(
            lines,
            "[[workshops]]",
            {
                "slug": workshop.slug,
                "title": workshop.title,
                "description": workshop.description,
                "date": workshop.day,
                "start": workshop.starts_at,
                "end": workshop.ends_at,
                "room": workshop.room,
                "facilitators": list(workshop.facilitators or []),
                "dot_budget": workshop.dot_budget,
                "max_dots_per_card": workshop.max_dots_per_card,
                "blind_collect": True if workshop.blind_collect else None,
                "premoderation": True if workshop.premoderation else None,
            },
        )
    return "\n".join(lines)
