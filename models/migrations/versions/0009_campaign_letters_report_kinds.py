"""campaigns read from their letters; which request a submission answers (kind, topic, title, date),
and the kind a review decision settled

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import models.schema


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_CAMPAIGN = (
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('issuer', sa.Text(), nullable=True),
    sa.Column('addressees', sa.Text(), nullable=True),
    sa.Column('mailbox', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=128), nullable=True),
    sa.Column('sections', sa.JSON(), nullable=False, server_default='[]'),
    sa.Column('match', sa.JSON(), nullable=False, server_default='{}'),
    sa.Column('source', sa.String(length=16), nullable=False, server_default='config'),
    sa.Column('evidence', sa.JSON(), nullable=False, server_default='{}'),
    sa.Column('applied_by', sa.String(length=255), nullable=True),
    sa.Column('applied_at', models.schema.UTCDateTime(timezone=True), nullable=True),
)
_SUBMISSION = (
    sa.Column('kind', sa.String(length=16), nullable=False, server_default='report'),
    sa.Column('topic', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('dated', sa.Date(), nullable=True),
)


def upgrade() -> None:
    # add_column outside a batch: SQLite adds columns in place, and a batch's table copy would trip
    # over the view campaign_unit_status.
    for column in _CAMPAIGN:
        op.add_column('campaign', column)
    for column in _SUBMISSION:
        op.add_column('submission', column)
    op.add_column('review_decision', sa.Column('kind', sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column('review_decision', 'kind')
    for column in reversed(_SUBMISSION):
        op.drop_column('submission', column.name)
    for column in reversed(_CAMPAIGN):
        op.drop_column('campaign', column.name)
