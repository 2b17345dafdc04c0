"""campaign adjustments, the units of each registry, and the campaign_unit_status view

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import models.schema


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit',
    sa.Column('unit_registry', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_registry', 'code', name=op.f('pk_unit'))
    )
    op.create_table('campaign_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', models.schema.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=255), nullable=False),
    sa.Column('decided_at', models.schema.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign'], ['campaign.id'], name=op.f('fk_campaign_adjustment_campaign_campaign')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_adjustment'))
    )
    with op.batch_alter_table('campaign_adjustment', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_adjustment_campaign_unit', ['campaign', 'unit'], unique=False)
    op.execute(status_view(op.get_bind().dialect.name))


def downgrade() -> None:
    op.execute("DROP VIEW campaign_unit_status")
    with op.batch_alter_table('campaign_adjustment', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_adjustment_campaign_unit')

    op.drop_table('campaign_adjustment')
    op.drop_table('unit')


def status_view(dialect: str) -> str:
    """Every unit of every campaign's registry with its status now (models.status, less two things:
    submissions identified in the other registry are not mapped, and sections are not read)."""
    now = "now()" if dialect == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    exempt = ("(c.exempt::jsonb ? u.code)" if dialect == "postgresql"
              else "EXISTS (SELECT 1 FROM json_each(c.exempt) WHERE json_each.value = u.code)")
    latest = """(SELECT a.campaign, a.unit, a.at FROM campaign_adjustment a
                 WHERE a.kind = '{kind}' AND NOT a.cancelled AND a.id = (
                     SELECT max(b.id) FROM campaign_adjustment b
                     WHERE b.campaign = a.campaign AND b.unit = a.unit AND b.kind = a.kind))"""
    return f"""
CREATE VIEW campaign_unit_status AS
WITH counted AS (
    SELECT s.campaign, s.unit_registry, s.unit, min(r.received_at) AS first_received_at,
           max(r.received_at) AS latest_received_at,
           sum(CASE WHEN s.joined_to IS NULL THEN 1 ELSE 0 END) AS versions
    FROM submission s JOIN raw_message r ON r.id = s.raw_message_id
    WHERE s.state IN ('accepted', 'superseded')
    GROUP BY s.campaign, s.unit_registry, s.unit
), units AS (
    SELECT c.id AS campaign, u.unit_registry, u.code AS unit, u.name, u.position,
           CASE WHEN ext.at > c.deadline THEN ext.at ELSE c.deadline END AS deadline,
           CASE WHEN k.first_received_at IS NULL THEN off.at
                WHEN off.at IS NULL OR k.first_received_at <= off.at THEN k.first_received_at
                ELSE off.at END AS received_at,
           k.latest_received_at, coalesce(k.versions, 0) AS versions,
           ({exempt} OR exm.unit IS NOT NULL) AS exempt
    FROM campaign c
    JOIN unit u ON u.unit_registry = c.unit_registry
    LEFT JOIN counted k ON k.campaign = c.id AND k.unit_registry = u.unit_registry AND k.unit = u.code
    LEFT JOIN {latest.format(kind="extension")} ext ON ext.campaign = c.id AND ext.unit = u.code
    LEFT JOIN {latest.format(kind="offline")} off ON off.campaign = c.id AND off.unit = u.code
    LEFT JOIN {latest.format(kind="exemption")} exm ON exm.campaign = c.id AND exm.unit = u.code
)
SELECT campaign, unit_registry, unit, name, position,
       CASE WHEN exempt THEN 'exempt'
            WHEN received_at IS NOT NULL AND received_at <= deadline THEN 'on_time'
            WHEN received_at IS NOT NULL THEN 'late'
            WHEN {now} > deadline THEN 'missing'
            ELSE 'pending' END AS status,
       deadline, received_at, latest_received_at, versions
FROM units
"""
