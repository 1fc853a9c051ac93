"""a state's report kept: the latest rendering of each state's report, by the hash of what it was made from

Revision ID: b6d2e8f4a1c3
Revises: f1b3d5a7c9e2
Create Date: 2026-12-07 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6d2e8f4a1c3'
down_revision = 'f1b3d5a7c9e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'state_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['state_id'], ['state.id'], name=op.f('fk_state_report_state_id_state')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_state_report')),
        sa.UniqueConstraint('key', name=op.f('uq_state_report_key')),
    )
    op.create_index(op.f('ix_state_report_state_id'), 'state_report', ['state_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_state_report_state_id'), table_name='state_report')
    op.drop_table('state_report')
