"""Numbering the facts a workshop's screens are told, so that a screen notices one it missed."""

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Workshop


def next_seq(workshop: Workshop) -> int:
    """Number the next fact of the workshop, in the caller's transaction (call just before commit).

    The database hands out the numbers, so they stay in order across server processes.
    """
    seq = db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(seq=Workshop.seq + 1)
        .returning(Workshop.seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(workshop, "seq", seq)
    return seq
