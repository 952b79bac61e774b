"""Exports as background jobs: built in the job worker, kept as a file in the instance folder.

A big week's Word file takes seconds of pure Python; built in a request it
would stall every phone this server process serves. ``start_export`` queues
``build_file`` (run by ``app.jobs`` in the worker process), which writes the
file to ``<instance>/exports/`` and returns its name; the organizer's browser
watches the job's status and then downloads the file. Files older than a day,
and those of a purged event, are removed.
"""

import os
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from flask import current_app

from app import jobs

#: Each format: the builder in app.services.exports, the mimetype, the file extension.
FORMATS = {
    "docx": (
        "build_docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xlsx": (
        "build_xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "csv": ("build_csv", "text/csv; charset=utf-8", "csv"),
    "json": ("build_json", "application/zip", "zip"),
}

#: Seconds an export file is kept for downloading.
KEEP_SECONDS = 24 * 60 * 60
KIND = "export"
#: ``e<event id>-<random hex>.<extension>``: the event tells the purge which files to remove.
_FILE_NAME = re.compile(r"^e(\d+)-[0-9a-f]{32}\.(docx|xlsx|csv|zip)$")


def exports_dir() -> Path:
    """The folder of finished export files (created on first use)."""
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_path(name: str) -> Path | None:
    """The path of an export file by its stored name, or None for a name that is not one."""
    if not isinstance(name, str) or not _FILE_NAME.match(name):
        return None
    return exports_dir() / name


def build_file(
    progress: Callable[[float, str], None],
    event_id: int,
    fmt: str,
    file: str,
    filename: str,
    workshop_id: int | None = None,
    locale: str = "de",
    pseudonymise: bool = True,
) -> dict:
    """Build one export (a job function) and write it to the exports folder.

    :param file: the stored name, ``e<event>-<hex>.<ext>``, chosen by who asked.
    :param filename: the name the browser saves it under.
    :return: ``{"file", "filename", "mimetype", "size"}``.
    """
    from app.services import exports

    builder, mimetype, _extension = FORMATS[fmt]
    options = {"progress": progress}
    if fmt != "json":
        options.update(workshop_id=workshop_id, locale=locale)
    options["pseudonymise"] = pseudonymise
    data = getattr(exports, builder)(event_id, **options)
    path = export_path(file)
    if path is None:
        raise ValueError(f"not an export file name: {file!r}")
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)  # a download never sees half a file
    return {"file": file, "filename": filename, "mimetype": mimetype, "size": len(data)}


def start_export(
    event_id: int,
    fmt: str,
    filename: str,
    *,
    workshop_id: int | None = None,
    locale: str = "de",
    pseudonymise: bool = True,
) -> str:
    """Queue an export job; return the job's id. Old export files are cleaned up first."""
    clean_exports()
    extension = FORMATS[fmt][2]
    args = {
        "event_id": event_id,
        "fmt": fmt,
        "file": f"e{event_id}-{uuid.uuid4().hex}.{extension}",
        "filename": filename,
        "workshop_id": workshop_id,
        "locale": locale,
        "pseudonymise": pseudonymise,
    }
    return jobs.submit(KIND, "app.services.exports.jobs:build_file", args)


def export_status(job_id: str) -> dict | None:
    """The status of an export job, or None for an unknown id or a job of another kind."""
    if not isinstance(job_id, str) or not re.fullmatch(r"[0-9a-f]{32}", job_id):
        return None
    status = jobs.status(job_id)
    if status is None or status.get("kind") != KIND:
        return None
    return status


def wait_briefly(job_id: str, seconds: float) -> dict | None:
    """Wait up to ``seconds`` for a small export to finish; return its last status.

    The wait sleeps (under gevent it yields), so phones are not stalled meanwhile.
    """
    from app.extensions import socketio

    end = time.monotonic() + seconds
    status = export_status(job_id)
    while status is not None and status["state"] not in (jobs.DONE, jobs.FAILED):
        if time.monotonic() >= end:
            break
        socketio.sleep(0.05)
        status = export_status(job_id)
    return status


def clean_exports(*, older_than: float = KEEP_SECONDS, event_id: int | None = None) -> int:
    """Remove export files older than ``older_than`` seconds, or every file of one event.

    :return: how many files were removed.
    """
    folder = Path(current_app.instance_path) / "exports"
    if not folder.is_dir():
        return 0
    now, removed = time.time(), 0
    for path in folder.iterdir():
        match = _FILE_NAME.match(path.name.removesuffix(".part"))
        if match is None:
            continue
        of_event = event_id is not None and int(match.group(1)) == event_id
        try:
            if of_event or (event_id is None and now - path.stat().st_mtime > older_than):
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process removed it first
            continue
    return removed
