"""needs, card vectors and the synthesis log

The synthesis board: cross-cutting needs made of cards of any workshop, the
stored embeddings of cards, dismissed suggestions, and the log that undoes steps.

Revision ID: 484af5df13aa
Revises: c7e2a9d41f05
Create Date: 2026-11-25 02:59:21.570854

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '484af5df13aa'
down_revision = 'c7e2a9d41f05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dismissed_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_dismissed_suggestion_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dismissed_suggestion')),
    sa.UniqueConstraint('event_id', 'key', name=op.f('uq_dismissed_suggestion_event_id'))
    )
    op.create_table('need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('actors', sa.Text(), nullable=False),
    sa.Column('first_steps', sa.Text(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_need_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_event_id'), ['event_id'], unique=False)

    op.create_table('synthesis_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_synthesis_entry_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_synthesis_entry'))
    )
    with op.batch_alter_table('synthesis_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_synthesis_entry_event_id'), ['event_id'], unique=False)

    op.create_table('card_vector',
    sa.Column('card_id', sa.String(length=36), nullable=False),
    sa.Column('encoder', sa.String(length=40), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['card.id'], name=op.f('fk_card_vector_card_id_card'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('card_id', name=op.f('pk_card_vector'))
    )
    op.create_table('need_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.String(length=36), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['card.id'], name=op.f('fk_need_card_card_id_card'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_card_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_card')),
    sa.UniqueConstraint('need_id', 'card_id', name=op.f('uq_need_card_need_id'))
    )
    with op.batch_alter_table('need_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_card_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_card_need_id'), ['need_id'], unique=False)



def downgrade():
    with op.batch_alter_table('need_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_card_need_id'))
        batch_op.drop_index(batch_op.f('ix_need_card_card_id'))

    op.drop_table('need_card')
    op.drop_table('card_vector')
    with op.batch_alter_table('synthesis_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_synthesis_entry_event_id'))

    op.drop_table('synthesis_entry')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_event_id'))

    op.drop_table('need')
    op.drop_table('dismissed_suggestion')
