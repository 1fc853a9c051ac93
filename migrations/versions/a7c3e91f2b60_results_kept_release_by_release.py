"""results kept release by release

Revision ID: a7c3e91f2b60
Revises: 95b52efa777b
Create Date: 2026-12-03 19:00:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91f2b60'
down_revision = '95b52efa777b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'round_release',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('taken_at', sa.DateTime(), nullable=False),
        sa.Column('final', sa.Boolean(), nullable=False),
        sa.Column('responses', sa.Integer(), nullable=False),
        sa.Column('grouping', sa.Text(), nullable=False),
        sa.Column('results', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_round_release_round_id_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_round_release')),
        sa.UniqueConstraint('round_id', 'seq', name=op.f('uq_round_release_round_id')),
    )
    with op.batch_alter_table('round_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_release_round_id'), ['round_id'], unique=False)
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_in', sa.Integer(), nullable=True))

    # What every round published so far, in its snapshots, becomes its first release: the earlier snapshots were
    # not kept with what they showed, so the history starts here. Its results are worked out when first read.
    connection = op.get_bind()
    rounds = connection.execute(sa.text(
        "SELECT round.id, round.jurisdiction_id, round.status, round.snapshot_at, count(response.id), "
        "max(response.published_at) FROM round JOIN response ON response.round_id = round.id "
        "WHERE response.published_at IS NOT NULL AND response.status = 'submitted' "
        "GROUP BY round.id, round.jurisdiction_id, round.status, round.snapshot_at")).all()
    for round_id, jurisdiction_id, status, snapshot_at, count, latest in rounds:
        agencies = connection.execute(sa.text(
            "SELECT slug, name, sector FROM agency WHERE jurisdiction_id = :j ORDER BY name"),
            {"j": jurisdiction_id}).all()
        grouping = json.dumps([{"slug": slug, "name": name, "sector": sector} for slug, name, sector in agencies])
        connection.execute(sa.text(
            "INSERT INTO round_release (round_id, seq, taken_at, final, responses, grouping) "
            "VALUES (:round, 1, :taken, :final, :count, :grouping)"),
            {"round": round_id, "taken": snapshot_at or latest, "final": status == "closed", "count": count,
             "grouping": grouping})
    op.execute("UPDATE response SET released_in = 1 WHERE published_at IS NOT NULL AND status = 'submitted'")

    # ALTER TABLE ... DROP COLUMN, never a copy of the table: SQLite (3.35 and later) drops a column in place, where
    # copying `round` would drop a table that other tables' foreign keys refer to.
    with op.batch_alter_table('response', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('published_at')
    with op.batch_alter_table('round', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('snapshot_at')


def downgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE response SET published_at = (SELECT max(r.taken_at) FROM round_release r "
               "WHERE r.round_id = response.round_id AND r.seq = response.released_in) "
               "WHERE released_in IS NOT NULL")
    op.execute("UPDATE round SET snapshot_at = (SELECT max(r.taken_at) FROM round_release r "
               "WHERE r.round_id = round.id)")
    with op.batch_alter_table('response', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('released_in')
    with op.batch_alter_table('round_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_release_round_id'))
    op.drop_table('round_release')
