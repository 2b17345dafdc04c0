"""initial schema: mailboxes, raw and parsed messages, attachments, daemon lock

Revision ID: 0001
Revises: 
"""

import sqlalchemy as sa
from alembic import op

import models.schema

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('daemon_lock',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=255), nullable=False),
    sa.Column('acquired_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_daemon_lock'))
    )
    op.create_table('mailbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailbox')),
    sa.UniqueConstraint('name', name=op.f('uq_mailbox_name'))
    )
    op.create_table('raw_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=True),
    sa.Column('body_sha256', sa.String(length=64), nullable=True),
    sa.Column('received_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_source', sa.String(length=16), nullable=False),
    sa.Column('fetched_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('processed_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['raw_message.id'], name=op.f('fk_raw_message_duplicate_of_id_raw_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_message')),
    sa.UniqueConstraint('sha256', name=op.f('uq_raw_message_sha256'))
    )
    with op.batch_alter_table('raw_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_message_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_raw_message_state_id', ['state', 'id'], unique=False)

    op.create_table('folder_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox_id', sa.Integer(), nullable=False),
    sa.Column('folder', sa.String(length=255), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=True),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.Column('last_poll_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailbox.id'], name=op.f('fk_folder_state_mailbox_id_mailbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_folder_state')),
    sa.UniqueConstraint('mailbox_id', 'folder', name=op.f('uq_folder_state_mailbox_id_folder'))
    )
    op.create_table('message_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raw_message_id', sa.Integer(), nullable=False),
    sa.Column('mailbox_id', sa.Integer(), nullable=False),
    sa.Column('folder', sa.String(length=255), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=True),
    sa.Column('source_key', sa.String(length=512), nullable=False),
    sa.Column('internaldate', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('seen_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('marked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailbox.id'], name=op.f('fk_message_location_mailbox_id_mailbox')),
    sa.ForeignKeyConstraint(['raw_message_id'], ['raw_message.id'], name=op.f('fk_message_location_raw_message_id_raw_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_location')),
    sa.UniqueConstraint('mailbox_id', 'folder', 'uidvalidity', 'source_key', name=op.f('uq_message_location_mailbox_id_folder_uidvalidity_source_key'))
    )
    with op.batch_alter_table('message_location', schema=None) as batch_op:
        batch_op.create_index('ix_message_location_pending_mark', ['mailbox_id', 'folder', 'marked'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_location_raw_message_id'), ['raw_message_id'], unique=False)

    op.create_table('parsed_message',
    sa.Column('raw_message_id', sa.Integer(), nullable=False),
    sa.Column('from_address', sa.String(length=320), nullable=True),
    sa.Column('from_name', sa.String(length=998), nullable=True),
    sa.Column('to', sa.JSON(), nullable=False),
    sa.Column('cc', sa.JSON(), nullable=False),
    sa.Column('reply_to', sa.JSON(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('date_header', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('in_reply_to', sa.String(length=998), nullable=True),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.Column('auth_results', sa.JSON(), nullable=False),
    sa.Column('auto_submitted', sa.String(length=64), nullable=True),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_source', sa.String(length=16), nullable=False),
    sa.Column('defects', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['raw_message_id'], ['raw_message.id'], name=op.f('fk_parsed_message_raw_message_id_raw_message')),
    sa.PrimaryKeyConstraint('raw_message_id', name=op.f('pk_parsed_message'))
    )
    with op.batch_alter_table('parsed_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parsed_message_from_address'), ['from_address'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raw_message_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('original_filename', sa.Text(), nullable=True),
    sa.Column('declared_type', sa.String(length=255), nullable=True),
    sa.Column('sniffed_type', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('disposition', sa.String(length=16), nullable=True),
    sa.Column('forwarded_depth', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['raw_message_id'], ['parsed_message.raw_message_id'], name=op.f('fk_attachment_raw_message_id_parsed_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('raw_message_id', 'position', name=op.f('uq_attachment_raw_message_id_position'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))

    op.drop_table('attachment')
    with op.batch_alter_table('parsed_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parsed_message_from_address'))

    op.drop_table('parsed_message')
    with op.batch_alter_table('message_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_location_raw_message_id'))
        batch_op.drop_index('ix_message_location_pending_mark')

    op.drop_table('message_location')
    op.drop_table('folder_state')
    with op.batch_alter_table('raw_message', schema=None) as batch_op:
        batch_op.drop_index('ix_raw_message_state_id')
        batch_op.drop_index(batch_op.f('ix_raw_message_message_id'))

    op.drop_table('raw_message')
    op.drop_table('mailbox')
    op.drop_table('daemon_lock')
