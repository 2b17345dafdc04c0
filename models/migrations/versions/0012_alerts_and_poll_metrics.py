"""alarms to ministry IT: the alert table (one active per condition and subject), alarm e-mails in the
outbox (no campaign; one per alarm step by a unique partial index); poll counts and durations per folder

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

import models.schema


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ALERT_ONLY = "kind = 'alert'"
ALERT_ACTIVE = "cleared_at IS NULL"
POLL_COLUMNS = ("polls", "poll_failures", "poll_seconds", "last_poll_seconds")


def upgrade() -> None:
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('condition', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('raised_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seen_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert'))
    )
    op.create_index('uq_alert_active', 'alert', ['condition', 'subject'], unique=True,
                    sqlite_where=sa.text(ALERT_ACTIVE), postgresql_where=sa.text(ALERT_ACTIVE))
    # Plain ADD COLUMN, not a batch: SQLite's table copy would trip over the status view.
    op.add_column('folder_state', sa.Column('polls', sa.BigInteger(), server_default='0', nullable=False))
    op.add_column('folder_state', sa.Column('poll_failures', sa.BigInteger(), server_default='0', nullable=False))
    op.add_column('folder_state', sa.Column('poll_seconds', sa.Float(), server_default='0', nullable=False))
    op.add_column('folder_state', sa.Column('last_poll_seconds', sa.Float(), nullable=True))
    _outbox_campaign(nullable=True)
    op.create_index('uq_outbox_alert_step', 'outbox', ['kind', 'step'], unique=True,
                    sqlite_where=sa.text(ALERT_ONLY), postgresql_where=sa.text(ALERT_ONLY))


def downgrade() -> None:
    op.drop_index('uq_outbox_alert_step', table_name='outbox')
    op.execute("UPDATE address_failure SET outbox_id = NULL"
               " WHERE outbox_id IN (SELECT id FROM outbox WHERE campaign IS NULL)")
    op.execute("DELETE FROM outbox WHERE campaign IS NULL")  # alarms: the older schema cannot hold them
    _outbox_campaign(nullable=False)
    for column in POLL_COLUMNS:
        op.drop_column('folder_state', column)
    op.drop_index('uq_alert_active', table_name='alert')
    op.drop_table('alert')


def _outbox_campaign(nullable: bool) -> None:
    """outbox.campaign NULL or not. SQLite copies the table to change it, and dropping the old copy
    (foreign keys on) would null address_failure.outbox_id through its ON DELETE SET NULL: the
    links are kept aside and put back, to the same ids."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.alter_column('outbox', 'campaign', existing_type=sa.String(length=32), nullable=nullable)
        return
    links = bind.execute(sa.text(
        "SELECT id, outbox_id FROM address_failure WHERE outbox_id IS NOT NULL")).all()
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('campaign', existing_type=sa.String(length=32), nullable=nullable)
    for failure_id, outbox_id in links:
        bind.execute(sa.text("UPDATE address_failure SET outbox_id = :outbox WHERE id = :id"),
                     {"outbox": outbox_id, "id": failure_id})
