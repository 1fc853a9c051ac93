"""open answers reviewed, and the paper each jurisdiction prints on

Revision ID: d6a4b0f3e9c2
Revises: c5f3a9e2d8b1
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6a4b0f3e9c2'
down_revision = 'c5f3a9e2d8b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'open_answer_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('answer_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('published', 'withheld', name='reviewstatus', native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('reviewed_by', sa.String(length=254), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_open_answer_review_answer_id_answer'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_open_answer_review')),
        sa.UniqueConstraint('answer_id', name=op.f('uq_open_answer_review_answer_id')),
    )
    # Added in place, so without its CHECK (SQLite cannot add one to a table others refer to without copying it;
    # the app checks the value); Letter, as US agencies print on it.
    with op.batch_alter_table('jurisdiction', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('paper_size', sa.String(length=32), server_default='Letter', nullable=False))


def downgrade():
    with op.batch_alter_table('jurisdiction', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('paper_size')
    op.drop_table('open_answer_review')
