"""dashboard accounts; the candidate units of each submission

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import models.schema


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sessions_after', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('candidates', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    # Not in a batch: SQLite's table copy would trip over the view campaign_unit_status.
    op.drop_column('submission', 'candidates')
    op.drop_table('web_user')
