"""Each thing a person does is written once, as an :class:`Action`; routes and sockets adapt it.

The path of every change: the entry point (an HTTP route or a Socket.IO
command) builds the person's context, which authorises them; :func:`perform`
validates the input with the action's WTForms form and runs the action, which
calls one service (check, write, commit) and broadcasts the fact; the entry
point turns the reply into a redirect or an acknowledgement.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from app.validation import form_from_payload, validated_form


@dataclass(frozen=True)
class Action:
    """One thing a person can do, as both HTTP and Socket.IO know it."""

    #: The Socket.IO command's name.
    name: str
    #: The form that validates its input; None when it takes none.
    form: type | None
    #: ``run(ctx, form) -> dict``: calls one service, broadcasts, returns the reply.
    run: Callable[[Any, Any], dict]
    #: What a person without JavaScript is told after it worked (lazy text), if anything.
    done: Any = None


def action(form: type | None = None, *, done=None, name: str | None = None):
    """Declare a function ``fn(ctx, form) -> dict`` as an action."""

    def declare(fn) -> Action:
        return Action(name or fn.__name__, form, fn, done)

    return declare


def perform(act: Action, ctx, data) -> dict:
    """Validate ``data`` with the action's form and run it; raises ServiceError when refused.

    :param data: a socket payload (dict) or submitted form data (MultiDict).
    """
    form = None
    if act.form is not None:
        if isinstance(data, MultiDict):
            form = validated_form(act.form, data)
        else:
            form = form_from_payload(act.form, data)
    return act.run(ctx, form) or {}
