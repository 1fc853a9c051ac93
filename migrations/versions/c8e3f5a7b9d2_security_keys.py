"""security keys (WebAuthn) as a second factor beside the authenticator app

Revision ID: c8e3f5a7b9d2
Revises: b7d2e4f6a8c1
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8e3f5a7b9d2'
down_revision = 'b7d2e4f6a8c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'security_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.LargeBinary(length=1024), nullable=False),
        sa.Column('public_key', sa.LargeBinary(length=2048), nullable=False),
        sa.Column('sign_count', sa.BigInteger(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_security_key_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_security_key')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_security_key_credential_id')),
    )
    op.create_index(op.f('ix_security_key_user_id'), 'security_key', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_security_key_user_id'), table_name='security_key')
    op.drop_table('security_key')
