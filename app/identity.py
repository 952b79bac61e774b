"""Who is asking: the participant and facilitator identities kept in the signed session cookie."""

from flask import session

from app.extensions import db
from app.models import Participant, Workshop


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


def is_staff(workshop: Workshop) -> bool:
    """Whether this browser opened the workshop's facilitator link."""
    return workshop.id in session.get("staff", [])


def grant_staff(workshop: Workshop) -> None:
    """Remember that this browser facilitates the workshop."""
    staff = list(session.get("staff", []))
    if workshop.id not in staff:
        staff.append(workshop.id)
    session["staff"] = staff
    session.permanent = True
