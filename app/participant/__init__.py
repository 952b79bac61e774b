"""What participants do on their phones: join, post cards, vote."""

from flask import Blueprint

bp = Blueprint("participant", __name__)

from app.participant import routes, sockets  # noqa: E402,F401
