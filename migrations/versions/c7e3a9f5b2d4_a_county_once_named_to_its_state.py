"""a county once named to its state: whether a jurisdiction has ever shown its name to its state's other
jurisdictions, which then count it among the counties they know for good

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
    # a county that shows its name now has shown it
    op.execute(sa.text("UPDATE jurisdiction SET named_once = show_by_name"))


def downgrade():
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.drop_column('named_once')
