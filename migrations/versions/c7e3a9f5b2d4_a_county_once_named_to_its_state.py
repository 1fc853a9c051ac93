"""a county once named or unnamed to its state: whether a jurisdiction has ever shown its name to its state's
other jurisdictions (they then know it for good), and whether it has ever shared without it (it has then been
among the others they see together, and can no longer show its name)

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


def downgrade():
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.drop_column('unnamed_once')
        batch_op.drop_column('named_once')
