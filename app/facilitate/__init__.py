"""What facilitators do: run a workshop from a laptop and show it on the projector."""

from flask import Blueprint

bp = Blueprint("facilitate", __name__)

from app.facilitate import routes, sockets  # noqa: E402,F401
