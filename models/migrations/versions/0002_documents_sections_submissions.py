"""documents read from attachments, their outline sections, and submissions

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import models.schema


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raw_message_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('attachment_position', sa.Integer(), nullable=False),
    sa.Column('parent_position', sa.Integer(), nullable=True),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('ocr', sa.Boolean(), nullable=False),
    sa.Column('ocr_confidence', sa.Float(), nullable=True),
    sa.Column('legacy_encoding', sa.String(length=16), nullable=True),
    sa.Column('error', sa.String(length=32), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('letterhead', sa.JSON(), nullable=True),
    sa.Column('signatures', sa.JSON(), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('blocks', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['raw_message_id'], ['raw_message.id'], name=op.f('fk_document_raw_message_id_raw_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('raw_message_id', 'position', name=op.f('uq_document_raw_message_id_position'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_raw_message_id'), ['raw_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_sha256'), ['sha256'], unique=False)

    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raw_message_id', sa.Integer(), nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=True),
    sa.Column('unit_registry', sa.String(length=32), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('report_year', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('created_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['raw_message_id'], ['raw_message.id'], name=op.f('fk_submission_raw_message_id_raw_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('raw_message_id', name=op.f('uq_submission_raw_message_id'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_campaign'), ['campaign'], unique=False)

    op.create_table('section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('heading', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_section_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section')),
    sa.UniqueConstraint('document_id', 'position', name=op.f('uq_section_document_id_position'))
    )
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.create_index('ix_section_key', ['key'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.drop_index('ix_section_key')

    op.drop_table('section')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_campaign'))

    op.drop_table('submission')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_raw_message_id'))

    op.drop_table('document')
