"""raw_message.raw_deleted_at: when retention ([storage] keep_raw_days) deleted the message's raw
bytes; the row stays, so Message-ID and UID deduplication still see it and nothing is fetched twice

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, not a batch: SQLite's table copy would trip over the status view.
    op.add_column('raw_message', sa.Column('raw_deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('raw_message', 'raw_deleted_at')
