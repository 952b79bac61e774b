"""organizer accounts

The coordination office logs in with its own account to set up the week,
watch every workshop and take the results home.

Revision ID: e1f0a7b3c9d2
Revises: 484af5df13aa
Create Date: 2026-11-25 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f0a7b3c9d2'
down_revision = '484af5df13aa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organizer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizer')),
    sa.UniqueConstraint('login', name=op.f('uq_organizer_login'))
    )


def downgrade():
    op.drop_table('organizer')
