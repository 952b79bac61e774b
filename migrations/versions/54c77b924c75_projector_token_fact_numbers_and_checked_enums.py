"""projector token, fact numbers and enums the database checks

Workshops get the secret of their projector link (existing workshops get a new
one each) and the number of the last fact sent to their screens; the kind and
status of cards and the phase of workshops are refused by the database unless
they are one of the known values.

Revision ID: 54c77b924c75
Revises: 4292a764b453
Create Date: 2026-11-25 10:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '54c77b924c75'
down_revision = '4292a764b453'
branch_labels = None
depends_on = None

# Table -> (constraint name, column, allowed values), as sa.Enum(create_constraint=True)
# names and writes them under the naming convention ck_%(table_name)s_%(constraint_name)s.
CHECKS = {
    'card': [
        ('ck_card_card_kind', 'kind', ('problem', 'solution')),
        ('ck_card_card_status', 'status', ('visible', 'withdrawn')),
    ],
    'workshop': [
        ('ck_workshop_workshop_phase', 'phase',
         ('collect', 'discuss', 'vote', 'results', 'closed')),
    ],
}


def _without_sqlite_foreign_keys():
    """Let SQLite copy tables without cascading: dropping the old card table
    would otherwise delete every vote, dropping the old workshop table every card.

    The pragma only takes effect outside a transaction, so a data-carrying
    database is refused rather than emptied if one is already open. The
    connection is detached so that it never goes back to the pool with foreign
    keys off.
    """
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    bind.exec_driver_sql('PRAGMA foreign_keys=OFF')
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        rows = bind.execute(sa.text(
            'SELECT (SELECT count(*) FROM workshop) + (SELECT count(*) FROM card)'
        )).scalar()
        if rows:
            raise RuntimeError(
                'SQLite foreign keys are still on inside the migration transaction; '
                'copying the tables would delete cards and votes. '
                'Upgrade to revision 4292a764b453 first, then to this one.'
            )
    bind.detach()


def _sqlite_foreign_key_check():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        broken = bind.exec_driver_sql('PRAGMA foreign_key_check').all()
        if broken:
            raise RuntimeError(f'foreign keys broken by the migration: {broken[:5]}')


def upgrade():
    _without_sqlite_foreign_keys()
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('projector_token', sa.String(length=64), nullable=True))

    workshop = sa.table('workshop', sa.column('id', sa.Integer),
                        sa.column('projector_token', sa.String))
    bind = op.get_bind()
    for workshop_id in bind.execute(sa.select(workshop.c.id)).scalars().all():
        bind.execute(
            workshop.update()
            .where(workshop.c.id == workshop_id)
            .values(projector_token=secrets.token_urlsafe(32))
        )

    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.alter_column('projector_token', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_workshop_projector_token'),
                                          ['projector_token'])
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, values in checks:
                allowed = ', '.join(f"'{value}'" for value in values)
                batch_op.create_check_constraint(batch_op.f(name), f'{column} IN ({allowed})')
    _sqlite_foreign_key_check()


def downgrade():
    _without_sqlite_foreign_keys()
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _column, _values in checks:
                batch_op.drop_constraint(batch_op.f(name), type_='check')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_workshop_projector_token'), type_='unique')
        batch_op.drop_column('projector_token')
        batch_op.drop_column('seq')
    _sqlite_foreign_key_check()
