"""Background jobs: work longer than a few milliseconds runs in a worker process, off the loop.

CPU-bound Python in a greenlet would stall every phone this process serves,
so each server process starts one worker process on the first submit
(``app.jobs.worker``) and feeds it one job at a time over a pipe. A
background task reads the worker's answers, keeps the status in the
coordination store (so any process can answer ``status``) and calls
``notify(status)`` in an app context of this process::

    job_id = jobs.submit(
        "export", "app.services.export:build_docx", {"workshop_id": 12},
        notify=lambda status: socketio.emit("job", status, to=staff_room(12)),
    )
    jobs.status(job_id)
    # {"id", "kind", "state": "queued|running|done|failed", "progress", "message",
    #  "result", "error"}

A job function is ``fn(progress, **args) -> JSON-able result``; it calls
``progress(fraction, message)`` as it goes and runs in the worker's app
context, with the database and SECRET_KEY of the app that submitted it. An
exception fails that job only; if the worker process dies, its running job
fails and the next job starts a new worker.
"""

import json
import os
import subprocess
import sys
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from app import coordination

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

#: Seconds a job's status stays readable after its last change.
STATUS_TTL = 24 * 60 * 60

#: The folder that holds the ``app`` package, put on the worker's import path.
_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass
class Job:
    """A submitted job as this process knows it."""

    #: What the worker is asked: ``{"id", "function", "args"}``.
    request: dict
    #: Called with each new status, in an app context of this process.
    notify: Callable[[dict], None] | None
    #: The status as ``status()`` returns it.
    status: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.request["id"]


class JobRunner:
    """One worker process for this server process, fed one job at a time from a queue."""

    def __init__(self, app: Flask, spawn: Callable | None = None):
        self.app = app
        #: Starts the pipe reader: a greenlet under gevent, a thread under threading.
        self.spawn = spawn
        self._lock = threading.Lock()
        self._queue: deque[Job] = deque()
        self._running: Job | None = None
        self._worker: subprocess.Popen | None = None
        #: The tasks reading workers' answers, joined on close.
        self._readers: list = []
        self._closed = False

    def submit(self, kind: str, function: str, args: dict | None, notify=None) -> str:
        """Queue ``function(progress, **args)``; return the job id."""
        if self._closed:
            raise RuntimeError("the job runner is closed")
        job = Job({"id": uuid.uuid4().hex, "function": function, "args": args or {}}, notify)
        json.dumps(job.request)  # arguments that cannot be sent fail here, in the caller
        job.status = {"id": job.id, "kind": kind, "state": QUEUED, "progress": 0.0}
        job.status.update(message="", result=None, error=None)
        self._update(job)
        with self._lock:
            self._queue.append(job)
            self._send_next()
        return job.id

    def _send_next(self) -> None:
        """Hand the next queued job to the worker, starting one if needed (lock held)."""
        if self._running is not None or not self._queue or self._closed:
            return
        if self._worker is None or self._worker.poll() is not None:
            self._worker = self._start_worker()
        job = self._running = self._queue.popleft()
        try:
            self._worker.stdin.write(json.dumps(job.request) + "\n")
            self._worker.stdin.flush()
        except OSError:  # the worker just died; its reader restarts it and sends this job
            self._running = None
            self._queue.appendleft(job)

    def _start_worker(self) -> subprocess.Popen:
        """Start a worker on this app's database and secret, and a task reading its answers."""
        config = self.app.config
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env.update(
            DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
            SECRET_KEY=config["SECRET_KEY"],
            QUERSCHNITT_INSTANCE=self.app.instance_path,
            PUBLIC_URL=config["PUBLIC_URL"] or "",
            # The worker serves no sockets: no event loop, no message queue.
            SOCKETIO_ASYNC_MODE="threading",
            PYTHONPATH=os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")])),
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "app.jobs.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
        )
        spawn = self.spawn
        if spawn is None:
            from app.extensions import socketio

            spawn = socketio.start_background_task
        self._readers.append(spawn(self._read, worker))
        return worker

    def _read(self, worker: subprocess.Popen) -> None:
        """Turn the worker's answers into status until it exits."""
        try:
            for line in worker.stdout:
                self._answer(json.loads(line))
        finally:
            worker.stdout.close()
            code = worker.wait()
            with self._lock:
                worker.stdin.close()
                job = None
                if self._worker is worker:
                    self._worker, job, self._running = None, self._running, None
                self._send_next()
            if job is not None:
                self._update(job, state=FAILED, error=f"the job worker stopped (exit code {code})")

    def _answer(self, answer: dict) -> None:
        event = answer["event"]
        with self._lock:
            job = self._running
            if job is None or job.id != answer["id"]:
                return
            if event in ("done", "failed"):
                self._running = None
                self._send_next()
        if event == "started":
            self._update(job, state=RUNNING)
        elif event == "progress":
            self._update(job, state=RUNNING, progress=answer["progress"], message=answer["message"])
        elif event == "done":
            self._update(job, state=DONE, progress=1.0, result=answer["result"])
        else:
            self._update(job, state=FAILED, error=answer["error"])

    def _update(self, job: Job, **changes) -> None:
        """Change a job's status, store it for every process and notify the submitter."""
        job.status.update(changes)
        status = dict(job.status)
        with self.app.app_context():
            coordination.current().put(f"job:{job.id}", status, STATUS_TTL)
            if job.notify is not None:
                try:
                    job.notify(status)
                except Exception:  # the job goes on; only this notice is lost
                    self.app.logger.exception("notify for job %s failed", job.id)

    def close(self, timeout: float = 5) -> None:
        """Let the worker finish its job (or kill it after ``timeout``) and wait for it."""
        with self._lock:
            self._closed = True
            worker = self._worker
            readers, self._readers = self._readers, []
            if worker is not None:
                worker.stdin.close()  # the worker's loop ends after the job it runs
        if worker is not None:
            try:
                worker.wait(timeout)
            except subprocess.TimeoutExpired:
                worker.kill()
        for reader in readers:
            reader.join()


def init_app(app: Flask, spawn: Callable | None = None) -> JobRunner:
    """Give ``app`` a job runner; its worker starts on the first submit."""
    runner = app.extensions["jobs"] = JobRunner(app, spawn)
    return runner


def submit(kind: str, function: str, args: dict | None = None, notify=None) -> str:
    """Run ``function`` ("package.module:function") with ``args`` in the background; return its id.

    :param kind: what the job is, for whoever shows it ("export", "suggestions").
    :param notify: called with the new status at every change, in an app context.
    """
    runner = current_app.extensions.get("jobs") or init_app(current_app._get_current_object())
    return runner.submit(kind, function, args, notify)


def status(job_id: str) -> dict | None:
    """Return the status of a job submitted by any process, or None if unknown or expired."""
    return coordination.current().get(f"job:{job_id}")
