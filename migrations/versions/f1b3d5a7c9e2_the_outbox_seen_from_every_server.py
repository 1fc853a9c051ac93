"""the outbox seen from every server: what a round's Messages tab shows of each message the outbox wrote (its
recipient, subject, and text without personal links), kept in the database

Revision ID: f1b3d5a7c9e2
Revises: e4a7c2b9d6f1
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1b3d5a7c9e2'
down_revision = 'e4a7c2b9d6f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('written_at', sa.DateTime(), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_outbox_message_round_id_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
        sa.UniqueConstraint('name', name=op.f('uq_outbox_message_name')),
    )
    op.create_index(op.f('ix_outbox_message_round_id'), 'outbox_message', ['round_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_outbox_message_round_id'), table_name='outbox_message')
    op.drop_table('outbox_message')
