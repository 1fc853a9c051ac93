"""a county once named or unnamed to its state: whether a jurisdiction has ever shown its name to its state's
other jurisdictions (they then know it for good), and whether it has ever shared without it (it has then been
among the others they see together, and can no longer show its name); and the jurisdictions each account has ever
held (what it may have read, which a county's view of its state never counts among the counties it cannot know)

Revision ID: c7e3a9f5b2d4
Revises: b6d2e8f4a1c3
Create Date: 2026-12-07 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7e3a9f5b2d4'
down_revision = 'b6d2e8f4a1c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('named_once', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('unnamed_once', sa.Boolean(), server_default=sa.false(), nullable=False))
    # what a county shares now, it has shared
    op.execute(sa.text("UPDATE jurisdiction SET named_once = show_by_name, "
                       "unnamed_once = (share_with_state AND NOT show_by_name)"))
    op.create_table(
        'held_once',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], name=op.f('fk_held_once_jurisdiction_id_jurisdiction')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_held_once_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_held_once')),
        sa.UniqueConstraint('user_id', 'jurisdiction_id', name=op.f('uq_held_once_user_id')),
    )
    op.create_index(op.f('ix_held_once_user_id'), 'held_once', ['user_id'], unique=False)
    # the grants held now have been held
    op.execute(sa.text("INSERT INTO held_once (user_id, jurisdiction_id) SELECT user_id, jurisdiction_id FROM \"grant\""))


def downgrade():
    op.drop_index(op.f('ix_held_once_user_id'), table_name='held_once')
    op.drop_table('held_once')
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.drop_column('unnamed_once')
        batch_op.drop_column('named_once')
