"""event retention days

An event's data are kept for a number of days after its last workshop day;
`querschnitt purge-expired` deletes events past that. Existing events keep
theirs for the default of 365 days.

Revision ID: c7e2a9d41f05
Revises: 515b3bad7161
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7e2a9d41f05'
down_revision = '515b3bad7161'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('retention_days', sa.Integer(), server_default='365', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('retention_days')
