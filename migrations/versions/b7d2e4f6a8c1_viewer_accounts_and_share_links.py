"""read-only viewers: a viewer role for accounts, and expiring, revocable share links to a round's results

Revision ID: b7d2e4f6a8c1
Revises: a3e9f7c2d6b8
Create Date: 2026-12-07 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = 'a3e9f7c2d6b8'
branch_labels = None
depends_on = None


def _roles(*roles):
    listed = ", ".join(f"'{r}'" for r in roles)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_user_role'), sa.text(f"role IN ({listed})"))


def upgrade():
    _roles('admin', 'facilitator', 'viewer')
    op.create_table(
        'share_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('views', sa.Integer(), server_default='0', nullable=False),
        sa.Column('last_viewed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_share_link_round_id_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_share_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_share_link_token_hash')),
    )
    op.create_index(op.f('ix_share_link_round_id'), 'share_link', ['round_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_share_link_round_id'), table_name='share_link')
    op.drop_table('share_link')
    op.execute(sa.text("UPDATE \"user\" SET role = 'facilitator', disabled_at = CURRENT_TIMESTAMP "
                       "WHERE role = 'viewer'"))
    _roles('admin', 'facilitator')
