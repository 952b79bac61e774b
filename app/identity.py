"""Who is asking: the participant and facilitator identities kept in the signed session cookie."""

import hashlib
import hmac

from flask import current_app, session

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


def facilitator_fingerprint(workshop: Workshop) -> str:
    """Return what a browser keeps to show it opened the workshop's current facilitator link.

    A new facilitator link (``querschnitt facilitator-links --renew``) changes
    it, which ends every facilitator session of the workshop at their next step.
    """
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, workshop.facilitator_token.encode(), hashlib.sha256).hexdigest()[:32]


def facilitator_grants() -> dict[int, str]:
    """Return the workshops this browser was let in to facilitate, with their fingerprints."""
    grants = session.get("facilitates", {})
    if not isinstance(grants, dict):
        return {}
    return {int(k): v for k, v in grants.items() if str(k).isdigit() and isinstance(v, str)}


def is_facilitator(workshop: Workshop, grants: dict[int, str] | None = None) -> bool:
    """Whether this browser holds a facilitator grant for the workshop that is still valid."""
    grant = (facilitator_grants() if grants is None else grants).get(workshop.id)
    return grant is not None and hmac.compare_digest(grant, facilitator_fingerprint(workshop))


def grant_facilitator(workshop: Workshop) -> None:
    """Remember that this browser facilitates the workshop."""
    grants = {str(k): v for k, v in facilitator_grants().items()}
    grants[str(workshop.id)] = facilitator_fingerprint(workshop)
    session["facilitates"] = grants
    session.permanent = True
