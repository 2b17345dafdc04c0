"""outbox and address failures

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import models.schema


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('mail_from', sa.String(length=320), nullable=False),
    sa.Column('to', sa.JSON(), nullable=False),
    sa.Column('cc', sa.JSON(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('as_of', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=255), nullable=True),
    sa.Column('claimed_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('refused', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('bounced_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign'], ['campaign.id'], name=op.f('fk_outbox_campaign_campaign')),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_outbox_submission_id_submission'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('campaign', 'unit', 'kind', 'step', name=op.f('uq_outbox_campaign_unit_kind_step')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_state_next_attempt_at', ['state', 'next_attempt_at'], unique=False)

    op.create_table('address_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('bounce_message_id', sa.Integer(), nullable=True),
    sa.Column('permanent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('diagnostic', sa.Text(), nullable=True),
    sa.Column('at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cleared_by', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['bounce_message_id'], ['raw_message.id'], name=op.f('fk_address_failure_bounce_message_id_raw_message')),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_address_failure_outbox_id_outbox'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address_failure')),
    sa.UniqueConstraint('bounce_message_id', 'address', name=op.f('uq_address_failure_bounce_message_id_address'))
    )
    with op.batch_alter_table('address_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_failure_address'), ['address'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('address_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_failure_address'))

    op.drop_table('address_failure')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_next_attempt_at')

    op.drop_table('outbox')
