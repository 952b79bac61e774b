"""Loading a workshop week from a TOML file in ``sessions/``."""

import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.fields import BIDI_CONTROLS, has_visible_character
from app.models import Event, StakeholderGroup
from app.services.setup import (
    DESCRIPTION_MAX,
    DOTS_RANGE,
    GROUP_KEY_MAX,
    GROUP_LABEL_MAX,
    RETENTION_RANGE,
    SLUG_MAX,
    TITLE_MAX,
    new_workshop,
    slug_ok,
)

#: The longest list of facilitators, written as the form shows it ("Anna, Ben").
FACILITATORS_MAX = 500


class WeekFileError(Exception):
    """The week file is malformed; the message names the file, the field and the problem."""


@dataclass
class LoadResult:
    """What loading a week file did."""

    event: Event
    created: int
    updated: int


def _fail(path: Path, field: str, problem: str):
    raise WeekFileError(f"{path}: {field}: {problem}")


def _plain(path, name: str, value: str) -> None:
    """Refuse what the forms' PlainText refuses: control characters and invisible text."""
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs" or (category == "Cc" and ch not in "\n\t") or ch in BIDI_CONTROLS:
            _fail(path, name, "enthält unzulässige Steuerzeichen")
    if value and not has_visible_character(value):
        _fail(path, name, "enthält kein sichtbares Zeichen")


def _text(path, data, field, where, *, required=True, max_len=TITLE_MAX) -> str:
    value = data.get(field)
    name = f"{where}.{field}" if where else field
    if value is None:
        if required:
            _fail(path, name, "fehlt (required)")
        return ""
    if not isinstance(value, str):
        _fail(path, name, f"muss Text sein, ist {type(value).__name__}")
    value = value.strip()
    if required and not value:
        _fail(path, name, "darf nicht leer sein")
    if len(value) > max_len:
        _fail(path, name, f"ist länger als {max_len} Zeichen")
    _plain(path, name, value)
    return value


def _key(path, data, field, where, max_len) -> str:
    """A short name (slug, group key): only a-z, 0-9, - and _, as the forms allow."""
    value = _text(path, data, field, where, max_len=max_len)
    if not slug_ok(value):
        _fail(path, f"{where}.{field}" if where else field, "nur a-z, 0-9, - und _ erlaubt")
    return value


def _slug(path, data, where) -> str:
    return _key(path, data, "slug", where, SLUG_MAX)


def _int(path, data, field, where, default, low, high) -> int:
    value = data.get(field, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        _fail(path, f"{where}.{field}", f"muss eine ganze Zahl von {low} bis {high} sein")
    return value


def _flag(path, data, field, where, into: dict) -> None:
    """Copy a true/false option into ``into`` if the file sets it; absent, it stays as it was."""
    if field not in data:
        return
    if not isinstance(data[field], bool):
        _fail(path, f"{where}.{field}", "muss true oder false sein")
    into[field] = data[field]


def _time(path, data, field, where) -> time | None:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    _fail(path, f"{where}.{field}", "muss eine Uhrzeit wie 09:00 sein")


def _date(path, data, field, where) -> date | None:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _fail(path, f"{where}.{field}", "muss ein Datum wie 2021-10-04 sein")


def _table_list(path, data, field) -> list[dict]:
    value = data.get(field, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        _fail(path, field, f"muss eine Liste von Tabellen sein ([[{field}]])")
    return value


def parse_week(path: Path) -> dict:
    """Read and check a week file completely, before anything is written."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WeekFileError(f"{path}: Datei nicht gefunden") from None
    except UnicodeDecodeError as exc:
        raise WeekFileError(f"{path}: kein gültiges TOML: {exc}") from None
    return parse_week_text(text, path)


def parse_week_text(text: str, path) -> dict:
    """Check a week file's text completely; ``path`` names it in the messages (an upload's name)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WeekFileError(f"{path}: kein gültiges TOML: {exc}") from None
    event = raw.get("event")
    if not isinstance(event, dict):
        _fail(path, "event", "fehlt (Tabelle [event])")
    week = {
        "slug": _slug(path, event, "event"),
        "title": _text(path, event, "title", "event"),
        "description": _text(
            path, event, "description", "event", required=False, max_len=DESCRIPTION_MAX
        ),
        "groups": [],
        "workshops": [],
    }
    if "retention_days" in event:
        # Absent, a loaded file leaves the period set in the browser (new weeks: 365 days).
        week["retention_days"] = _int(path, event, "retention_days", "event", 0, *RETENTION_RANGE)
    seen = set()
    for i, group in enumerate(_table_list(path, raw, "stakeholder_groups")):
        where = f"stakeholder_groups[{i}]"
        key = _key(path, group, "key", where, GROUP_KEY_MAX)
        if key in seen:
            _fail(path, f"{where}.key", f"'{key}' kommt doppelt vor")
        seen.add(key)
        labels = {"de": _text(path, group, "label", where, max_len=GROUP_LABEL_MAX)}
        english = _text(path, group, "label_en", where, required=False, max_len=GROUP_LABEL_MAX)
        if english:
            labels["en"] = english
        week["groups"].append({"key": key, "labels": labels})
    workshops = _table_list(path, raw, "workshops")
    if not workshops:
        _fail(path, "workshops", "mindestens ein Workshop ([[workshops]]) wird gebraucht")
    seen, titles = set(), {}
    low, high = DOTS_RANGE
    for i, item in enumerate(workshops):
        where = f"workshops[{i}]"
        slug = _slug(path, item, where)
        if slug in seen:
            _fail(path, f"{where}.slug", f"'{slug}' kommt doppelt vor")
        seen.add(slug)
        title = _text(path, item, "title", where)
        if title.casefold() in titles:
            _fail(
                path,
                f"{where}.title",
                f"'{title}' hat schon workshops[{titles[title.casefold()]}]: "
                "jeder Titel nur einmal in der Woche",
            )
        titles[title.casefold()] = i
        facilitators = item.get("facilitators", [])
        if not isinstance(facilitators, list) or not all(
            isinstance(name, str) for name in facilitators
        ):
            _fail(path, f"{where}.facilitators", "muss eine Liste von Namen sein")
        facilitators = [" ".join(name.split()) for name in facilitators if name.strip()]
        for name in facilitators:
            _plain(path, f"{where}.facilitators", name)
        if len(", ".join(facilitators)) > FACILITATORS_MAX:
            _fail(
                path,
                f"{where}.facilitators",
                f"sind zusammen länger als {FACILITATORS_MAX} Zeichen",
            )
        budget = _int(path, item, "dot_budget", where, 5, low, high)
        per_card = _int(path, item, "max_dots_per_card", where, 3, low, high)
        if per_card > budget:
            _fail(path, f"{where}.max_dots_per_card", "darf nicht größer als dot_budget sein")
        starts_at = _time(path, item, "start", where)
        ends_at = _time(path, item, "end", where)
        if starts_at and ends_at and ends_at <= starts_at:
            _fail(path, f"{where}.end", "das Ende muss nach dem Beginn liegen")
        options = {}
        for flag in ("blind_collect", "premoderation"):
            _flag(path, item, flag, where, options)
        week["workshops"].append(
            {
                **options,
                "slug": slug,
                "position": i,
                "title": title,
                "description": _text(
                    path, item, "description", where, required=False, max_len=DESCRIPTION_MAX
                ),
                "day": _date(path, item, "date", where),
                "starts_at": starts_at,
                "ends_at": ends_at,
                "room": _text(path, item, "room", where, required=False),
                "facilitators": facilitators,
                "dot_budget": budget,
                "max_dots_per_card": per_card,
            }
        )
    return week


def _assign(model, values: dict) -> bool:
    changed = False
    for field, value in values.items():
        if getattr(model, field) != value:
            setattr(model, field, value)
            changed = True
    return changed


def load_week(path: Path) -> LoadResult:
    """Create or update the event of a week file; loading the same file again changes nothing.

    Workshops are found again by their slug, so their join links, codes,
    boards and phases survive an edited file.
    """
    return apply_week(parse_week(path), source=path)


def apply_week(week: dict, source=None) -> LoadResult:
    """Create or update the event of a checked week (from :func:`parse_week`).

    A workshop the event has but the file does not name stays; its title must not
    be one the file gives another workshop (refused before anything is written).

    :param source: the file's name, for the messages.
    """
    event = db.session.scalar(select(Event).filter_by(slug=week["slug"]))
    if event is not None:
        in_file = {item["slug"] for item in week["workshops"]}
        kept = {w.title.casefold(): w.slug for w in event.workshops if w.slug not in in_file}
        for i, item in enumerate(week["workshops"]):
            if item["title"].casefold() in kept:
                _fail(
                    source or week["slug"],
                    f"workshops[{i}].title",
                    f"'{item['title']}' hat schon der Workshop '{kept[item['title'].casefold()]}' "
                    "der Woche: jeder Titel nur einmal in der Woche",
                )
    if event is None:
        event = Event(slug=week["slug"], title=week["title"])
        db.session.add(event)
    _assign(
        event,
        {
            key: week[key]
            for key in ("title", "description", "retention_days")
            if key in week
        },
    )
    db.session.flush()
    groups = {group.key: group for group in event.stakeholder_groups}
    for position, item in enumerate(week["groups"]):
        group = groups.get(item["key"])
        if group is None:
            event.stakeholder_groups.append(StakeholderGroup(key=item["key"], labels={}))
            group = event.stakeholder_groups[-1]
        _assign(group, {"labels": item["labels"], "position": position})
    existing = {workshop.slug: workshop for workshop in event.workshops}
    created = updated = 0
    for item in week["workshops"]:
        workshop = existing.get(item["slug"])
        if workshop is None:
            workshop = new_workshop(item["slug"], item["title"])
            event.workshops.append(workshop)
            created += 1
            _assign(workshop, item)
        elif _assign(workshop, item):
            updated += 1
    db.session.commit()
    return LoadResult(event=event, created=created, updated=updated)
