"""Loading a workshop week from a TOML file in ``sessions/``."""

import tomllib
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import Event, StakeholderGroup
from app.services.setup import new_workshop


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


def _text(path, data, field, where, *, required=True, max_len=200) -> str:
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
    return value


def _slug(path, data, where) -> str:
    value = _text(path, data, "slug", where, max_len=80)
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in value):
        _fail(path, f"{where}.slug" if where else "slug", "nur a-z, 0-9, - und _ erlaubt")
    return value


def _int(path, data, field, where, default, low, high) -> int:
    value = data.get(field, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        _fail(path, f"{where}.{field}", f"muss eine ganze Zahl von {low} bis {high} sein")
    return value


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
        "description": _text(path, event, "description", "event", required=False, max_len=5000),
        "groups": [],
        "workshops": [],
    }
    seen = set()
    for i, group in enumerate(_table_list(path, raw, "stakeholder_groups")):
        where = f"stakeholder_groups[{i}]"
        key = _text(path, group, "key", where, max_len=40)
        if key in seen:
            _fail(path, f"{where}.key", f"'{key}' kommt doppelt vor")
        seen.add(key)
        labels = {"de": _text(path, group, "label", where, max_len=100)}
        english = _text(path, group, "label_en", where, required=False, max_len=100)
        if english:
            labels["en"] = english
        week["groups"].append({"key": key, "labels": labels})
    workshops = _table_list(path, raw, "workshops")
    if not workshops:
        _fail(path, "workshops", "mindestens ein Workshop ([[workshops]]) wird gebraucht")
    seen = set()
    for i, item in enumerate(workshops):
        where = f"workshops[{i}]"
        slug = _slug(path, item, where)
        if slug in seen:
            _fail(path, f"{where}.slug", f"'{slug}' kommt doppelt vor")
        seen.add(slug)
        facilitators = item.get("facilitators", [])
        if not isinstance(facilitators, list) or not all(
            isinstance(name, str) for name in facilitators
        ):
            _fail(path, f"{where}.facilitators", "muss eine Liste von Namen sein")
        budget = _int(path, item, "dot_budget", where, 5, 1, 50)
        per_card = _int(path, item, "max_dots_per_card", where, 3, 1, 50)
        if per_card > budget:
            _fail(path, f"{where}.max_dots_per_card", "darf nicht größer als dot_budget sein")
        week["workshops"].append(
            {
                "slug": slug,
                "position": i,
                "title": _text(path, item, "title", where),
                "description": _text(
                    path, item, "description", where, required=False, max_len=5000
                ),
                "day": _date(path, item, "date", where),
                "starts_at": _time(path, item, "start", where),
                "ends_at": _time(path, item, "end", where),
                "room": _text(path, item, "room", where, required=False),
                "facilitators": [name.strip() for name in facilitators if name.strip()],
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
    return apply_week(parse_week(path))


def apply_week(week: dict) -> LoadResult:
    """Create or update the event of a checked week (from :func:`parse_week`)."""
    event = db.session.scalar(select(Event).filter_by(slug=week["slug"]))
    if event is None:
        event = Event(slug=week["slug"], title=week["title"])
        db.session.add(event)
    _assign(event, {"title": week["title"], "description": week["description"]})
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
