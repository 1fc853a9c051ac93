"""each jurisdiction's time zone and remembered contacts mapping, and a round's scheduled invitations

Revision ID: e7b1c4d9a2f5
Revises: d6a4b0f3e9c2
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b1c4d9a2f5'
down_revision = 'd6a4b0f3e9c2'
branch_labels = None
depends_on = None


def upgrade():
    # Rounds so far closed at the start of their closing date in UTC, which the console wrote as a date: UTC keeps
    # what they meant until a facilitator sets the jurisdiction's zone.
    with op.batch_alter_table('jurisdiction', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='UTC', nullable=False))
        batch_op.add_column(sa.Column('contacts_mapping', sa.Text(), nullable=True))
    with op.batch_alter_table('round', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('invite_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('round', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('invite_at')
    with op.batch_alter_table('jurisdiction', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('contacts_mapping')
        batch_op.drop_column('time_zone')
