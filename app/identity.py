"""Who is asking: participant, facilitator and organizer identities in the signed session cookie."""

import hashlib

from flask import session

from app.extensions import db
from app.models import FacilitatorAccess, Organizer, Participant, Workshop


def current_participant(event_id: int) -> Participant | None:
    """Return the participant this phone is in the event, if it joined one of its workshops."""
    participant_id = session.get("participants", {}).get(str(event_id))
    if not isinstance(participant_id, str):
        return None
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.event_id != event_id:
        return None
    return participant


def remember_participant(participant: Participant) -> None:
    """Keep the participant in the cookie, so the next day's workshop knows the phone."""
    known = dict(session.get("participants", {}))
    known[str(participant.event_id)] = participant.id
    session["participants"] = known
    session.permanent = True


def facilitator_grants() -> dict[int, int]:
    """Return the workshops this browser was let in to facilitate, each with its access id."""
    grants = session.get("facilitates", {})
    if not isinstance(grants, dict):
        return {}
    # A grant of the old kind (a fingerprint string) is ignored: that browser opens its link again.
    return {
        int(k): v
        for k, v in grants.items()
        if str(k).isdigit() and isinstance(v, int) and not isinstance(v, bool)
    }


def facilitator_access(
    workshop: Workshop, grants: dict[int, int] | None = None
) -> FacilitatorAccess | None:
    """Return the access this browser runs the workshop with, if it is still active."""
    access_id = (facilitator_grants() if grants is None else grants).get(workshop.id)
    if access_id is None:
        return None
    access = db.session.get(FacilitatorAccess, access_id)
    if access is None or access.workshop_id != workshop.id or not access.active:
        return None
    return access


def is_facilitator(workshop: Workshop, grants: dict[int, int] | None = None) -> bool:
    """Whether this browser holds a facilitator access to the workshop that is still active."""
    return facilitator_access(workshop, grants) is not None


def grant_facilitator(access: FacilitatorAccess) -> None:
    """Remember that this browser facilitates the access's workshop with that access."""
    grants = {str(k): v for k, v in facilitator_grants().items()}
    grants[str(access.workshop_id)] = access.id
    session["facilitates"] = grants
    session.permanent = True


#: What survives an organizer's login: the phone's and laptop's own grants and the language.
KEPT_AT_LOGIN = ("participants", "facilitates", "lang")


def password_mark(organizer: Organizer) -> str:
    """A short fingerprint of the password hash: a changed password ends every other login."""
    return hashlib.sha256(organizer.password_hash.encode()).hexdigest()[:16]


def log_in_organizer(organizer: Organizer) -> None:
    """Start a fresh session for the organizer, keeping only the grants this browser already held.

    Clearing the session also drops its CSRF token, so a token planted before
    the login is worthless after it.
    """
    kept = {key: session[key] for key in KEPT_AT_LOGIN if key in session}
    session.clear()
    session.update(kept)
    session["organizer"] = {"id": organizer.id, "mark": password_mark(organizer)}
    session.permanent = True


def log_out_organizer() -> None:
    """End the organizer's login; a participant's or facilitator's grants stay."""
    kept = {key: session[key] for key in KEPT_AT_LOGIN if key in session}
    session.clear()
    session.update(kept)


def current_organizer() -> Organizer | None:
    """Return the organizer logged in in this browser, if the login is still valid."""
    held = session.get("organizer")
    if not isinstance(held, dict) or not isinstance(held.get("id"), int):
        return None
    organizer = db.session.get(Organizer, held["id"])
    if organizer is None or held.get("mark") != password_mark(organizer):
        return None
    return organizer
