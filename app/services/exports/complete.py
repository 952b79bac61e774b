"""The complete export: a zip of JSON, one file per table, with the schema revision inside.

Shaped after CTFd's export: ``manifest.json`` names the Alembic revision the
data were written under, so an import into a different schema is refused
instead of half-loaded. Card and participant ids (UUIDs) are kept; the integer
ids of the other rows are numbered 1, 2, … per table in the file, in the order
of their ids, and given new ids on import, so that export → import → export
gives the same files. Secrets are not exported; the import makes new ones.
"""

import enum
import io
import json
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from importlib import metadata

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.types import TypeDecorator
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Card, Event, Participant, Workshop
from app.models._types import utcnow
from app.services.access import PIN_LENGTH, hash_token
from app.services.exports.data import Progress, consistent_read, no_progress
from app.services.exports.scope import EXPORTED_TABLES
from app.services.tokens import new_short_code, new_token

FORMAT = "querschnitt-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Zip entries carry this time, so the same data give the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

#: Columns never exported: secrets that lead into a workshop. The import makes new ones.
SECRETS = {
    "workshop": ("join_token", "short_code", "facilitator_token", "projector_token"),
    "facilitator_access": ("token_hash", "pin_hash"),
}
#: Written in the manifest, so whoever opens the file knows what is missing and why.
SECRETS_NOTE = (
    "Secrets are not exported: join links, short codes, projector links and the "
    "facilitators' link and PIN hashes. The import makes new ones (new QR codes and "
    "short codes; each facilitator access gets a new link, and a new PIN if it had one, "
    "printed once by `querschnitt import`)."
)
PSEUDONYM = "Teilnehmende {n}"


class ImportRefused(Exception):
    """The file cannot be imported here; the message says why, and nothing was written."""


@dataclass
class NewAccess:
    """A facilitator access the import gave a new link (and PIN): shown this once."""

    workshop: str
    short_code: str
    name: str
    token: str
    pin: str | None


@dataclass
class ImportResult:
    """What an import wrote."""

    event_id: int
    slug: str
    counts: dict[str, int]
    accesses: list[NewAccess] = field(default_factory=list)


def app_version() -> str:
    try:
        return metadata.version("querschnitt")
    except metadata.PackageNotFoundError:
        return "unknown"


def schema_revision() -> str:
    """The Alembic revision of this installation's database (the code's head if it has none)."""
    try:
        found = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        found = None
    if found:
        return found
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def _encode(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def _decode(column, value):
    if value is None:
        return None
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        kind = column_type.python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    return value


def _int_keyed(table) -> bool:
    return [c.type.python_type for c in table.primary_key.columns] == [int]


def _remapped_columns(table) -> dict[str, str]:
    """Columns holding another event table's integer id: column name → that table's name."""
    names = {spec.name for spec in EXPORTED_TABLES if _int_keyed(spec.table)}
    out = {}
    for column in table.columns:
        for key in column.foreign_keys:
            if key.column.table.name in names:
                out[column.name] = key.column.table.name
    return out


def _map_vote_ids(details: dict, mapping: dict) -> dict:
    """A merge's log entry names the votes it moved, so that it can be undone: renumber them.

    A vote that is gone since becomes 0, an id no vote has, as the undo then needs.
    """
    moved = details.get("votes_moved")
    if not moved:
        return details
    return {**details, "votes_moved": [{**m, "vote": mapping.get(m["vote"], 0)} for m in moved]}


def build_json(
    event_id: int,
    *,
    locale: str = "de",
    pseudonymise: bool = True,
    progress: Progress | None = None,
) -> bytes:
    """Return everything of the event as a zip of JSON that ``import_json`` loads without loss.

    :param pseudonymise: replace participants' names by "Teilnehmende 1", … (the
        same person keeps the same number); False keeps the names.
    :param locale: not used: the data are written as stored.
    """
    progress = progress or no_progress
    tables: dict[str, list[dict]] = {}
    numbers: dict[str, dict[int, int]] = {}
    with consistent_read():
        event = db.session.get(Event, event_id)
        if event is None:
            raise LookupError(f"no event {event_id}")
        slug = event.slug
        revision = schema_revision()
        for index, spec in enumerate(EXPORTED_TABLES):
            progress(0.9 * index / len(EXPORTED_TABLES), spec.name)
            table = spec.table
            key = table.primary_key.columns.values()[0]
            rows = db.session.execute(
                select(table).where(spec.rows_of(event_id)).order_by(key)
            ).mappings()
            tables[spec.name] = [dict(row) for row in rows]
            if _int_keyed(table):
                numbers[spec.name] = {
                    row[key.name]: n for n, row in enumerate(tables[spec.name], start=1)
                }
    files = {}
    for spec in EXPORTED_TABLES:
        table, name = spec.table, spec.name
        remap = _remapped_columns(table)
        out = []
        for stored in tables[name]:
            row = {k: v for k, v in stored.items() if k not in SECRETS.get(name, ())}
            if name in numbers:
                row["id"] = numbers[name][row["id"]]
            for column, target in remap.items():
                if row[column] is not None:
                    row[column] = numbers[target][row[column]]
            if name == "facilitator_access":
                row["has_pin"] = bool(stored["pin_hash"])
            if name == "moderation_entry" and row["details"]:
                row["details"] = _map_vote_ids(row["details"], numbers["vote"])
            out.append({k: _encode(v) for k, v in row.items()})
        if name == "participant" and pseudonymise:
            _pseudonymise(out)
        files[name] = out
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": revision,
        "app_version": app_version(),
        "event": slug,
        "exported_at": utcnow().isoformat(),
        "pseudonymised": pseudonymise,
        "tables": {name: len(rows) for name, rows in files.items()},
        "not_exported": {name: list(columns) for name, columns in SECRETS.items()},
        "secrets": SECRETS_NOTE,
    }
    progress(0.95, "zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(archive, MANIFEST, manifest)
        for name, rows in files.items():
            _write(archive, f"db/{name}.json", {"count": len(rows), "results": rows})
    progress(1.0, "")
    return buffer.getvalue()


def _pseudonymise(participants: list[dict]) -> None:
    """Name each participant who gave a name "Teilnehmende N", numbered in the order they came."""
    named = sorted(
        (p for p in participants if p["display_name"]), key=lambda p: (p["created_at"], p["id"])
    )
    for n, participant in enumerate(named, start=1):
        participant["display_name"] = PSEUDONYM.format(n=n)


def _write(archive: zipfile.ZipFile, name: str, content) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    data = json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True)
    archive.writestr(info, data + "\n")


def read_export(data: bytes) -> tuple[dict, dict[str, list[dict]]]:
    """Return the manifest and the rows per table of an export file; refuse what is not one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read(MANIFEST))
        if manifest.get("format") != FORMAT:
            raise ValueError
        tables = {
            spec.name: json.loads(archive.read(f"db/{spec.name}.json"))["results"]
            for spec in EXPORTED_TABLES
        }
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
        raise ImportRefused(
            _("Das ist keine vollständige Export-Datei von Querschnitt (ZIP mit manifest.json).")
        ) from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(
            _(
                "Die Datei hat das Exportformat %(theirs)s, diese Installation liest %(ours)s.",
                theirs=manifest.get("format_version"),
                ours=FORMAT_VERSION,
            )
        )
    return manifest, tables


def import_json(data: bytes, *, progress: Progress | None = None) -> ImportResult:
    """Load a complete export into this installation, as a new event; all or nothing.

    Refused when the file was written under another database schema revision, or
    when an event with its slug (or one of its cards or participants) is already here.
    """
    progress = progress or no_progress
    manifest, tables = read_export(data)
    ours = schema_revision()
    if manifest.get("schema_revision") != ours:
        raise ImportRefused(
            _(
                "Die Datei wurde mit dem Datenbankstand %(theirs)s geschrieben, diese "
                "Installation hat %(ours)s. Importieren Sie sie in eine Installation derselben "
                "Version (oder aktualisieren Sie beide mit „querschnitt db upgrade“).",
                theirs=manifest.get("schema_revision"),
                ours=ours,
            )
        )
    slug = manifest.get("event")
    if db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        raise ImportRefused(
            _(
                "Eine Veranstaltung „%(slug)s“ gibt es hier schon; sie wird nicht überschrieben. "
                "Löschen Sie sie zuerst (querschnitt purge-event) oder importieren Sie woanders.",
                slug=slug,
            )
        )
    for model, name in ((Card, "card"), (Participant, "participant")):
        ids = [row["id"] for row in tables[name]]
        for start in range(0, len(ids), 500):
            if db.session.scalar(select(model.id).where(model.id.in_(ids[start : start + 500]))):
                raise ImportRefused(
                    _("Karten oder Teilnehmende dieser Datei gibt es hier schon (gleiche IDs).")
                )
    try:
        result = _insert(tables, progress)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    progress(1.0, "")
    return result


def _insert(tables: dict[str, list[dict]], progress: Progress) -> ImportResult:
    new_ids: dict[str, dict[int, int]] = {}
    counts: dict[str, int] = {}
    accesses: list[NewAccess] = []
    workshops: dict[int, tuple[str, str]] = {}
    #: PINs given per workshop: a PIN names exactly one access of its workshop.
    pins: dict[int, set[str]] = {}
    for index, spec in enumerate(EXPORTED_TABLES):
        progress(0.9 * index / len(EXPORTED_TABLES), spec.name)
        table, name = spec.table, spec.name
        remap = _remapped_columns(table)
        # A card may answer (or be merged into) a card written after it: those links come last.
        later = [
            c.name for c in table.columns if any(k.column.table is table for k in c.foreign_keys)
        ]
        rows, links = [], []
        for raw in tables[name]:
            row = {c.name: _decode(c, raw.get(c.name)) for c in table.columns if c.name in raw}
            for column, target in remap.items():
                if row.get(column) is not None:
                    row[column] = new_ids[target][row[column]]
            if name == "moderation_entry" and row.get("details"):
                row["details"] = _map_vote_ids(row["details"], new_ids["vote"])
            if name == "workshop":
                row.update(
                    join_token=new_token(),
                    facilitator_token=new_token(),
                    projector_token=new_token(),
                    short_code=_unused_short_code(),
                )
            if name == "facilitator_access":
                token = new_token()
                pin = None
                if raw.get("has_pin"):
                    pin = _pin(pins.setdefault(row["workshop_id"], set()))
                row.update(token_hash=hash_token(token), pin_hash=_pin_hash(pin))
                if row.get("revoked_at") is None:
                    title, code = workshops[row["workshop_id"]]
                    accesses.append(NewAccess(title, code, row["name"], token, pin))
            if later:
                links.append({"_id": row["id"], **{c: row.pop(c, None) for c in later}})
            rows.append(row)
        if _int_keyed(table):
            mapping = new_ids[name] = {}
            for row in rows:
                number = row.pop("id")
                result = db.session.execute(table.insert().values(**row))
                mapping[number] = result.inserted_primary_key[0]
                if name == "workshop":
                    workshops[mapping[number]] = (row["title"], row["short_code"])
        elif rows:
            db.session.execute(table.insert(), rows)
        for link in links:
            key = link.pop("_id")
            if any(value is not None for value in link.values()):
                primary_key = table.primary_key.columns.values()[0]
                db.session.execute(table.update().where(primary_key == key).values(**link))
        counts[name] = len(rows)
    event_id = next(iter(new_ids["event"].values()))
    slug = db.session.get(Event, event_id).slug
    return ImportResult(event_id=event_id, slug=slug, counts=counts, accesses=accesses)


def _unused_short_code() -> str:
    while True:
        code = new_short_code()
        if db.session.scalar(select(Workshop.id).filter_by(short_code=code)) is None:
            return code


def _pin(taken: set[str]) -> str:
    while True:
        pin = "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))
        if pin not in taken:
            taken.add(pin)
            return pin


def _pin_hash(pin: str | None) -> str | None:
    if pin is None:
        return None
    return generate_password_hash(pin, method="scrypt")
