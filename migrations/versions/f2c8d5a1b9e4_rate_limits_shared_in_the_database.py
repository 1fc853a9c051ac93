"""rate limits counted in the database, shared by every worker and server

Revision ID: f2c8d5a1b9e4
Revises: e7b1c4d9a2f5
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2c8d5a1b9e4'
down_revision = 'e7b1c4d9a2f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rate_limit',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('ends_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit')),
    )
    op.create_index(op.f('ix_rate_limit_ends_at'), 'rate_limit', ['ends_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_rate_limit_ends_at'), table_name='rate_limit')
    op.drop_table('rate_limit')
