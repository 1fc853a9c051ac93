"""the language a response is answered in

Revision ID: 5e0c2a7d9b41
Revises: 32bb59593a14
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0c2a7d9b41'
down_revision = '32bb59593a14'
branch_labels = None
depends_on = None


def upgrade():
    # Every response so far was answered in English, the only language there was.
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=35), server_default='en', nullable=False))


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('language')
