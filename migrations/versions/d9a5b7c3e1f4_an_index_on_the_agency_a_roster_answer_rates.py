"""an index on the agency a roster answer rates: whether an agency is in use, and deleting one, no longer scan
every answer

Revision ID: d9a5b7c3e1f4
Revises: c8e3f5a7b9d2
Create Date: 2026-12-07 11:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd9a5b7c3e1f4'
down_revision = 'c8e3f5a7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_answer_target_agency_id'), 'answer', ['target_agency_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_answer_target_agency_id'), table_name='answer')
