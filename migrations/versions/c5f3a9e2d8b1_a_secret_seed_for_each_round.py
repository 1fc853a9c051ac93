"""a secret seed for each round's random draws

Revision ID: c5f3a9e2d8b1
Revises: b4e2d8f1c7a3
Create Date: 2026-12-07 12:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5f3a9e2d8b1'
down_revision = 'b4e2d8f1c7a3'
branch_labels = None
depends_on = None


def upgrade():
    # Left nullable, as columns added to this table are: SQLite would copy a table others refer to to change that.
    with op.batch_alter_table('round', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('draws_seed', sa.BigInteger(), nullable=True))
    connection = op.get_bind()
    for (round_id,) in connection.execute(sa.text("SELECT id FROM round")).all():
        connection.execute(sa.text("UPDATE round SET draws_seed = :seed WHERE id = :id"),
                           {"seed": secrets.randbits(62), "id": round_id})


def downgrade():
    with op.batch_alter_table('round', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('draws_seed')
