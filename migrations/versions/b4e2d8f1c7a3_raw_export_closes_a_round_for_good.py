"""raw export closes a round for good

Revision ID: b4e2d8f1c7a3
Revises: a7c3e91f2b60
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4e2d8f1c7a3'
down_revision = 'a7c3e91f2b60'
branch_labels = None
depends_on = None

RAW = ("responses-long.", "responses-wide.", "open-answers.")


def upgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw_exported_at', sa.DateTime(), nullable=True))
    # A round whose raw responses the audit log shows exported keeps that date: it may not be reopened either.
    connection = op.get_bind()
    first: dict[int, object] = {}
    for at, target, detail in connection.execute(sa.text(
            "SELECT at, target, detail FROM audit_event WHERE action = 'export' ORDER BY at")):
        if target and target.startswith("round ") and (detail or "").startswith(RAW):
            round_id = int(target.split()[1])
            first.setdefault(round_id, at)
    for round_id, at in first.items():
        connection.execute(sa.text("UPDATE round SET raw_exported_at = :at WHERE id = :id"),
                           {"at": at, "id": round_id})


def downgrade():
    with op.batch_alter_table('round', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('raw_exported_at')
