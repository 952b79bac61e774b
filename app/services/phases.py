"""Moving a workshop through its phases."""

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Phase, Workshop
from app.models._types import utcnow
from app.services.errors import ServiceError
from app.services.facts import next_seq


def set_phase(workshop: Workshop, phase: str) -> Workshop:
    """Switch the workshop to a phase; facilitators may go back as well as forward."""
    try:
        target = Phase(phase)
    except ValueError:
        raise ServiceError(_l("Diese Phase gibt es nicht."), "invalid") from None
    if target != workshop.current_phase:
        workshop.phase = target.value
        workshop.phase_changed_at = utcnow()
        db.session.flush()
        next_seq(workshop)
        db.session.commit()
    return workshop
