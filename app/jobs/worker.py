"""The job worker process: reads job requests as JSON lines on stdin, answers on stdout.

Started by ``app.jobs`` as ``python -m app.jobs.worker`` with the app's
settings in its environment. A request is ``{"id", "function", "args"}``;
the answers are ``{"id", "event": "started"}``, any number of
``{"id", "event": "progress", "progress", "message"}``,
then ``{"id", "event": "done", "result"}`` or ``{"id", "event": "failed",
"error"}``. Jobs run one after another, each in an app context, and a job
that raises does not end the worker; end of input does.
"""

import importlib
import json
import os
import sys


def resolve(function: str):
    """Return the function named ``"package.module:function"``."""
    module, _, name = function.partition(":")
    return getattr(importlib.import_module(module), name)


def run(app, request: dict, answer) -> None:
    """Run one job request inside an app context, answering progress and outcome."""
    from app.extensions import db

    job_id = request["id"]

    def progress(fraction: float, message: str = "") -> None:
        answer({"id": job_id, "event": "progress", "progress": fraction, "message": message})

    answer({"id": job_id, "event": "started"})
    with app.app_context():
        try:
            result = resolve(request["function"])(progress, **request["args"])
            json.dumps(result)  # a result that cannot be sent fails here, as the job's error
        except BrokenPipeError:
            raise  # the server is gone while the job reported progress: main() exits quietly
        except Exception as exc:
            app.logger.exception("job %s (%s) failed", job_id, request["function"])
            answer({"id": job_id, "event": "failed", "error": f"{type(exc).__name__}: {exc}"})
        else:
            answer({"id": job_id, "event": "done", "result": result})
        finally:
            db.session.remove()


#: How much the worker yields the CPU to the server: a job (an embedding, an export) may
#: take longer, a phone's acknowledgement must not wait for it when both share the cores.
NICENESS = 10


def main() -> None:
    """Serve job requests until stdin closes."""
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):  # not on this platform, or not allowed: run as is
        pass
    # The answers get a private copy of stdout; a job's print() goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    def answer(message: dict) -> None:
        answers.write(json.dumps(message) + "\n")
        answers.flush()

    from app import create_app

    app = create_app()
    try:
        for line in sys.stdin:
            run(app, json.loads(line), answer)
        answers.close()
    except BrokenPipeError:
        # The server that asked is gone (stopped or killed): nobody waits for the answer.
        os._exit(0)


if __name__ == "__main__":
    main()
