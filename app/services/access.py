"""Facilitators' own accesses: issued by name with a personal link and maybe a PIN, revocable."""

import functools
import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import FacilitatorAccess, Workshop
from app.models._types import utcnow
from app.services.errors import ServiceError
from app.services.tokens import new_token

#: Digits of a PIN: a million PINs, and the guess limit allows a few a minute.
PIN_LENGTH = 6
NAME_MAX = 100


def hash_token(token: str) -> str:
    """Return what is stored for a personal link's secret (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def active_accesses(workshop: Workshop) -> list[FacilitatorAccess]:
    """Return the accesses that let someone run the workshop now, oldest first."""
    return list(
        db.session.scalars(
            select(FacilitatorAccess)
            .where(FacilitatorAccess.workshop_id == workshop.id, FacilitatorAccess.active)
            .order_by(FacilitatorAccess.id)
        )
    )


def _pin_in_use(workshop: Workshop, pin: str) -> bool:
    return any(
        a.pin_hash and check_password_hash(a.pin_hash, pin) for a in active_accesses(workshop)
    )


def _new_pin(workshop: Workshop) -> str:
    """Return a PIN no active access of the workshop has, so a PIN names exactly one access."""
    while True:
        pin = "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))
        if not _pin_in_use(workshop, pin):
            return pin


def _new_access(
    workshop: Workshop, name: str, pin: bool
) -> tuple[FacilitatorAccess, str, str | None]:
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise ServiceError(_l("Bitte gib einen Namen mit höchstens 100 Zeichen an."), "invalid")
    token = new_token()
    plain_pin = _new_pin(workshop) if pin else None
    access = FacilitatorAccess(
        workshop_id=workshop.id,
        name=name,
        token_hash=hash_token(token),
        pin_hash=generate_password_hash(plain_pin, method="scrypt") if plain_pin else None,
    )
    db.session.add(access)
    return access, token, plain_pin


def issue_access(
    workshop: Workshop, name: str, pin: bool = False
) -> tuple[FacilitatorAccess, str, str | None]:
    """Give a named facilitator their own access to the workshop.

    :param workshop: the workshop they will run.
    :param name: who they are, shown in the moderation log.
    :param pin: also give a six-digit PIN to type on ``/moderation``.
    :return: the access, the secret of its personal link and the PIN (or None).
        Only hashes are stored: the secrets can be shown this once.
    """
    issued = _new_access(workshop, name, pin)
    db.session.commit()
    return issued


def issue_event_accesses(
    workshops: list[Workshop], name: str, pin: bool = False
) -> list[tuple[Workshop, FacilitatorAccess, str, str | None]]:
    """Give every workshop of a week a new access of the same name, in one transaction.

    For the organizer's sheet of all accesses, to hand out before the week: an
    access per workshop, each with its own link (and PIN); all or none are issued.
    """
    if not workshops:
        raise ServiceError(_l("Diese Woche hat noch keine Workshops."), "empty")
    issued = [(workshop, *_new_access(workshop, name, pin)) for workshop in workshops]
    db.session.commit()
    return issued


def revoke_access(access_id: int) -> FacilitatorAccess:
    """Take an access away; its holder's next step is refused.

    :param access_id: the access to revoke; revoking it again changes nothing.
    """
    access = db.session.get(FacilitatorAccess, access_id)
    if access is None:
        raise ServiceError(_l("Diesen Zugang gibt es nicht."), "not_found")
    if access.revoked_at is None:
        access.revoked_at = utcnow()
        db.session.commit()
    return access


def access_by_token(token: str) -> FacilitatorAccess | None:
    """Return the access whose personal link carries this secret, revoked or not."""
    if not token or len(token) > 128:
        return None
    return db.session.scalar(select(FacilitatorAccess).filter_by(token_hash=hash_token(token)))


@functools.cache
def _decoy_hash() -> str:
    """A hash checked for a wrong code, so that it takes as long as a wrong PIN."""
    return generate_password_hash(secrets.token_hex(8), method="scrypt")


def access_by_pin(workshop: Workshop | None, pin: str) -> FacilitatorAccess | None:
    """Return the workshop's active access with this PIN, or None."""
    if workshop is None or not isinstance(pin, str) or not pin:
        check_password_hash(_decoy_hash(), pin or "-")
        return None
    for access in active_accesses(workshop):
        if access.pin_hash and check_password_hash(access.pin_hash, pin):
            return access
    return None
