"""An organizer's account: the coordination office that sets up the week and exports it."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models._types import utcnow

#: Werkzeug's scrypt, the standard algorithm the issue asks for.
PASSWORD_METHOD = "scrypt"


class Organizer(db.Model):
    """A person who may reach the organizer's pages and exports of every event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the person types to log in: an e-mail address or a user name, kept in lower case.
    login: Mapped[str] = mapped_column(String(200), unique=True)
    #: Shown on the pages, e.g. "Koordinierungsstelle Herne".
    name: Mapped[str] = mapped_column(String(100))
    #: The password, hashed with scrypt; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the person last logged in; None before the first login.
    last_login_at: Mapped[datetime | None]

    def set_password(self, password: str) -> None:
        """Store a new password, hashed."""
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        """Whether the password is this organizer's."""
        return check_password_hash(self.password_hash, password)
