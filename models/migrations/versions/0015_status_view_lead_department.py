"""campaign_unit_status: the lead department's first report decides received_at (on time, late), not
another addressed department's part (submission.department_part: the Sở Y tế's beside the Sở Nội
vụ's, Decree 45/2025/NĐ-CP); a unit with parts only is pending or missing, as models.status says

Revision ID: 0015
Revises: 0014
"""

import importlib.util
from pathlib import Path

from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

FIRST = "min(r.received_at) AS first_received_at"
LEAD_FIRST = "min(CASE WHEN s.department_part IS NULL THEN r.received_at END) AS first_received_at"


def upgrade() -> None:
    op.execute("DROP VIEW campaign_unit_status")
    op.execute(status_view(op.get_bind().dialect.name))


def downgrade() -> None:
    op.execute("DROP VIEW campaign_unit_status")
    op.execute(_revision_0011().status_view(op.get_bind().dialect.name))


def _revision_0011():
    """The migration that made the view this one amends (its file name is not an importable module name)."""
    path = Path(__file__).with_name("0011_status_view_unreadable.py")
    spec = importlib.util.spec_from_file_location("reportbox_migration_0011", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def status_view(dialect: str) -> str:
    """0011's view, its first receipt the lead department's (models.status, since 0015)."""
    view = _revision_0011().status_view(dialect)
    assert view.count(FIRST) == 1, "0011's view changed: amend this migration's anchor"
    return view.replace(FIRST, LEAD_FIRST)
