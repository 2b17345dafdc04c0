"""campaign_unit_status: a paper report counts only once received, and is the latest when newest

Revision ID: 0007
Revises: 0006
"""

import importlib.util
from pathlib import Path

from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP VIEW campaign_unit_status")
    op.execute(status_view(op.get_bind().dialect.name))


def downgrade() -> None:
    op.execute("DROP VIEW campaign_unit_status")
    op.execute(_revision_0005().status_view(op.get_bind().dialect.name))


def _revision_0005():
    """The migration that made the view first (its file name is not an importable module name)."""
    path = Path(__file__).with_name("0005_adjustments_units_status_view.py")
    spec = importlib.util.spec_from_file_location("reportbox_migration_0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def status_view(dialect: str) -> str:
    """Every unit of every campaign's registry with its status now (models.status, less two things:
    submissions identified in the other registry are not mapped, and sections are not read, so
    there is no `complete`). Since 0005: a report received offline counts only from its time on
    (as models.status does as of now), and `latest_received_at` is its time when it is the newest
    receipt, as models.status's `latest_at` is."""
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
           CASE WHEN off.at IS NULL THEN k.latest_received_at
                WHEN k.latest_received_at IS NULL OR off.at >= k.latest_received_at THEN off.at
                ELSE k.latest_received_at END AS latest_received_at,
           coalesce(k.versions, 0) AS versions,
           ({exempt} OR exm.unit IS NOT NULL) AS exempt
    FROM campaign c
    JOIN unit u ON u.unit_registry = c.unit_registry
    LEFT JOIN counted k ON k.campaign = c.id AND k.unit_registry = u.unit_registry AND k.unit = u.code
    LEFT JOIN {latest.format(kind="extension")} ext ON ext.campaign = c.id AND ext.unit = u.code
    LEFT JOIN {latest.format(kind="offline")} off ON off.campaign = c.id AND off.unit = u.code AND off.at <= {now}
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
