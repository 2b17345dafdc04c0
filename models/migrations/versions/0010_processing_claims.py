"""who holds a message in processing: a claim names its processor, so a crash is charged only
to the message that caused it

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, not a batch: SQLite's table copy would trip over the status view.
    op.add_column('raw_message', sa.Column('claimed_by', sa.String(length=255), nullable=True))
    # Before, a claim charged an attempt at once; now only a run alone is charged, and the messages
    # in flight at the upgrade will run alone: their attempt from the claim is given back.
    op.execute("UPDATE raw_message SET attempts = attempts - 1"
               " WHERE state = 'fetched' AND claimed_at IS NOT NULL AND attempts > 0")


def downgrade() -> None:
    op.drop_column('raw_message', 'claimed_by')
