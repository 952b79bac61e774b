"""needs put to the vote

A need can stand on the closing meeting's board as a card of the new kind
``need``, which participants dot-vote on like any card; the need remembers it.

Revision ID: f3b8c1d2e4a5
Revises: e1f0a7b3c9d2
Create Date: 2026-11-25 04:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8c1d2e4a5'
down_revision = 'e1f0a7b3c9d2'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('problem', 'solution')
KINDS_AFTER = ('problem', 'solution', 'need')


def _without_sqlite_foreign_keys():
    """Let SQLite copy the card table without cascading (dropping it would delete votes)."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    bind.exec_driver_sql('PRAGMA foreign_keys=OFF')
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        rows = bind.execute(sa.text('SELECT count(*) FROM card')).scalar()
        if rows:
            raise RuntimeError(
                'SQLite foreign keys are still on inside the migration transaction; '
                'copying the card table would delete votes.'
            )
    bind.detach()


def _kinds(values):
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_card_card_kind'), type_='check')
        allowed = ', '.join(f"'{value}'" for value in values)
        batch_op.create_check_constraint(batch_op.f('ck_card_card_kind'), f'kind IN ({allowed})')


def upgrade():
    _without_sqlite_foreign_keys()
    _kinds(KINDS_AFTER)
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_need_card_id'), ['card_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_need_card_id_card'), 'card', ['card_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    _without_sqlite_foreign_keys()
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_need_card_id_card'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_need_card_id'))
        batch_op.drop_column('card_id')
    op.execute("DELETE FROM card WHERE kind = 'need'")
    _kinds(KINDS_BEFORE)
