"""states: jurisdictions grouped by state, each sharing its published figures with its state only when it agrees;
state coordinators; each release's own jurisdiction-level summary for the state's page

Revision ID: e4a7c2b9d6f1
Revises: d9a5b7c3e1f4
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4a7c2b9d6f1'
down_revision = 'd9a5b7c3e1f4'
branch_labels = None
depends_on = None


def _roles(*roles):
    listed = ", ".join(f"'{r}'" for r in roles)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_user_role'), sa.text(f"role IN ({listed})"))


def upgrade():
    op.create_table(
        'state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_state')),
        sa.UniqueConstraint('name', name=op.f('uq_state_name')),
    )
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('share_with_state', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('show_by_name', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_jurisdiction_state_id'), ['state_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_jurisdiction_state_id_state'), 'state', ['state_id'], ['id'])
    op.create_table(
        'state_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('state_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['state_id'], ['state.id'], name=op.f('fk_state_grant_state_id_state')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_state_grant_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_state_grant')),
        sa.UniqueConstraint('user_id', 'state_id', name=op.f('uq_state_grant_user_id')),
    )
    op.create_index(op.f('ix_state_grant_state_id'), 'state_grant', ['state_id'], unique=False)
    op.create_index(op.f('ix_state_grant_user_id'), 'state_grant', ['user_id'], unique=False)
    with op.batch_alter_table('round_release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=True))
    _roles('admin', 'facilitator', 'viewer', 'state')


def downgrade():
    op.execute(sa.text("UPDATE \"user\" SET role = 'viewer', disabled_at = CURRENT_TIMESTAMP WHERE role = 'state'"))
    _roles('admin', 'facilitator', 'viewer')
    with op.batch_alter_table('round_release', schema=None) as batch_op:
        batch_op.drop_column('summary')
    op.drop_index(op.f('ix_state_grant_user_id'), table_name='state_grant')
    op.drop_index(op.f('ix_state_grant_state_id'), table_name='state_grant')
    op.drop_table('state_grant')
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_jurisdiction_state_id_state'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_jurisdiction_state_id'))
        batch_op.drop_column('show_by_name')
        batch_op.drop_column('share_with_state')
        batch_op.drop_column('state_id')
    op.drop_table('state')
