"""campaigns, submission versions and sender checks, learned senders

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import models.schema


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('letter', sa.String(length=128), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('report_year', sa.Integer(), nullable=False),
    sa.Column('plan_year', sa.Integer(), nullable=False),
    sa.Column('issued', sa.Date(), nullable=False),
    sa.Column('deadline', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('unit_registry', sa.String(length=32), nullable=False),
    sa.Column('outline', sa.JSON(), nullable=False),
    sa.Column('exempt', sa.JSON(), nullable=False),
    sa.Column('message_ids', sa.JSON(), nullable=False),
    sa.Column('in_config', sa.Boolean(), nullable=False),
    sa.Column('synced_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    op.create_table('known_sender',
    sa.Column('raw_message_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('unit_registry', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('learned_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['raw_message_id'], ['raw_message.id'], name=op.f('fk_known_sender_raw_message_id_raw_message')),
    sa.PrimaryKeyConstraint('raw_message_id', name=op.f('pk_known_sender'))
    )
    with op.batch_alter_table('known_sender', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_sender_address'), ['address'], unique=False)

    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign', sa.String(length=32), nullable=True))

    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('sender_check', sa.String(length=16), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('continuation', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('joined_to', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('superseded_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', models.schema.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_index(batch_op.f('ix_submission_campaign'))
        batch_op.create_index('ix_submission_campaign_unit', ['campaign', 'unit_registry', 'unit'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_sender'), ['sender'], unique=False)

    # Earlier rows: the sender from the parsed message, its check from the evidence identification wrote.
    op.execute("""
        UPDATE submission SET
            updated_at = created_at,
            sender = (SELECT lower(from_address) FROM parsed_message p WHERE p.raw_message_id = submission.raw_message_id),
            sender_check = CASE WHEN unit IS NULL THEN 'none'
                                WHEN CAST(evidence AS TEXT) LIKE '%unverified sender%' THEN 'unknown'
                                ELSE 'known' END
    """)
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=models.schema.UTCDateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_sender'))
        batch_op.drop_index('ix_submission_campaign_unit')
        batch_op.create_index(batch_op.f('ix_submission_campaign'), ['campaign'], unique=False)
        batch_op.drop_column('updated_at')
        batch_op.drop_column('superseded_by')
        batch_op.drop_column('joined_to')
        batch_op.drop_column('continuation')
        batch_op.drop_column('sender_check')
        batch_op.drop_column('sender')

    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.drop_column('campaign')

    with op.batch_alter_table('known_sender', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_sender_address'))

    op.drop_table('known_sender')
    op.drop_table('campaign')
