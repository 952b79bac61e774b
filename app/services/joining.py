"""Joining a workshop: by the QR code's token or the typed short code, no account needed."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Membership, Participant, StakeholderGroup, Workshop
from app.services.errors import ServiceError
from app.services.tokens import normalise_short_code


def workshop_by_token(token: str) -> Workshop | None:
    """Return the workshop whose join link carries this token."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Workshop).filter_by(join_token=token))


def workshop_by_code(code: str) -> Workshop | None:
    """Return the workshop with this short code, forgiving case, spaces and look-alikes."""
    normalised = normalise_short_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Workshop).filter_by(short_code=normalised))


def group_labels(event_id: int, locale: str) -> dict[str, str]:
    """The event's stakeholder groups in their order, key to label in the given language.

    One query without loading the event and its groups as objects: every phone of a
    hall joining at once asks for this twice (join form, board page).
    """
    rows = db.session.execute(
        select(StakeholderGroup.key, StakeholderGroup.labels)
        .where(StakeholderGroup.event_id == event_id)
        .order_by(StakeholderGroup.position)
    )
    return {key: StakeholderGroup.pick_label(key, labels, locale) for key, labels in rows}


def _check_group(workshop: Workshop, group_key: str | None) -> str | None:
    if not group_key:
        return None
    known = db.session.scalar(
        select(StakeholderGroup.key).filter_by(event_id=workshop.event_id, key=group_key)
    )
    if known is None:
        raise ServiceError(_l("Diese Gruppe steht nicht zur Auswahl."))
    return known


def join(
    workshop: Workshop,
    participant: Participant | None,
    *,
    display_name: str = "",
    group_key: str | None = None,
) -> Participant:
    """Make the person a member of the workshop, creating their participant on first join.

    :param participant: the participant the phone's cookie names, if it names one of this event.
    :param display_name: optional; empty stays anonymous.
    """
    group_key = _check_group(workshop, group_key)
    new = participant is None or participant.event_id != workshop.event_id
    if new:
        participant = Participant(event_id=workshop.event_id)
        db.session.add(participant)
    participant.display_name = display_name.strip()
    participant.group_key = group_key
    db.session.flush()
    if new:
        # Nobody else can know a participant made just now: no membership to look for or race.
        db.session.add(Membership(participant_id=participant.id, workshop_id=workshop.id))
    else:
        _ensure_membership(workshop, participant)
    db.session.commit()
    return participant


def _ensure_membership(workshop: Workshop, participant: Participant) -> Membership:
    membership = db.session.scalar(
        select(Membership).filter_by(participant_id=participant.id, workshop_id=workshop.id)
    )
    if membership is None:
        membership = Membership(participant_id=participant.id, workshop_id=workshop.id)
        try:
            with db.session.begin_nested():
                db.session.add(membership)
        except IntegrityError:
            membership = db.session.scalar(
                select(Membership).filter_by(participant_id=participant.id, workshop_id=workshop.id)
            )
    return membership


def is_member(workshop: Workshop, participant: Participant) -> bool:
    """Whether the participant has joined the workshop."""
    return (
        db.session.scalar(
            select(Membership.id).filter_by(participant_id=participant.id, workshop_id=workshop.id)
        )
        is not None
    )
