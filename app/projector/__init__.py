"""The projector: what the whole room sees of a workshop, by a read-only link."""

from flask import Blueprint

bp = Blueprint("projector", __name__)

from app.projector import routes, sockets  # noqa: E402,F401
