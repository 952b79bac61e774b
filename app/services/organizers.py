"""Organizer accounts: create one, check a login, change the password."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Organizer
from app.models._types import utcnow
from app.services.errors import ServiceError

#: Shorter passwords are refused: the account reaches every event's data.
PASSWORD_MIN = 10


def normalise_login(login: str) -> str:
    """Logins are compared without case and surrounding spaces."""
    return login.strip().lower()


def check_new_password(password: str) -> None:
    """Refuse a password too short to protect every event's data."""
    if len(password) < PASSWORD_MIN:
        raise ServiceError(
            _l("Das Passwort braucht mindestens %(n)s Zeichen.", n=PASSWORD_MIN), "weak_password"
        )


def create_organizer(login: str, name: str, password: str) -> Organizer:
    """Create an organizer account.

    :param login: an e-mail address or user name; must not be taken.
    :raises ServiceError: when the login is taken or the password too short.
    """
    login = normalise_login(login)
    if not login or not name.strip():
        raise ServiceError(_l("Anmeldename und Name sind nötig."), "invalid")
    if db.session.scalar(select(Organizer.id).filter_by(login=login)) is not None:
        raise ServiceError(_l("Diesen Anmeldenamen gibt es schon."), "taken")
    check_new_password(password)
    organizer = Organizer(login=login, name=name.strip())
    organizer.set_password(password)
    db.session.add(organizer)
    db.session.commit()
    return organizer


def authenticate(login: str, password: str) -> Organizer | None:
    """Return the organizer the login and password name, noting the login time; None if wrong."""
    organizer = db.session.scalar(select(Organizer).filter_by(login=normalise_login(login)))
    if organizer is None or not organizer.check_password(password):
        return None
    organizer.last_login_at = utcnow()
    db.session.commit()
    return organizer


def change_password(organizer: Organizer, current: str, new: str) -> None:
    """Replace the organizer's password after checking the current one.

    :raises ServiceError: when the current password is wrong or the new one too short.
    """
    if not organizer.check_password(current):
        raise ServiceError(_l("Das bisherige Passwort stimmt nicht."), "wrong_password")
    check_new_password(new)
    organizer.set_password(new)
    db.session.commit()
