"""The event-wide screens: the organizer's pages (overview, posters, exports, purge) and sockets."""

from flask import Blueprint

bp = Blueprint("organize", __name__, url_prefix="/organisation")

from app.organize import routes  # noqa: E402, F401  registers the routes on bp
