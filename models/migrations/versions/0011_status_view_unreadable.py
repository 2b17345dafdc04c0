"""campaign_unit_status: a report none of whose files could be read is received, not counted;
outbox indexes on (kind, step): any message answered, and one resend request per message

Revision ID: 0011
Revises: 0010
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

COUNTED = "WHERE s.state IN ('accepted', 'superseded')"
# As models.unreadable says: a report is not counted when a file of it could not be read for a reason
# its sender can fix (unsupported only for a file named like a report) and no document read plays the
# report's role (a report, or sections found; an archive counts by its members), unless a scan we
# did not OCR (needs_ocr) may be it.
READABLE = """WHERE s.state IN ('accepted', 'superseded')
      AND NOT (EXISTS (SELECT 1 FROM document d WHERE d.raw_message_id = r.id
                       AND (d.error IN ('encrypted', 'corrupt', 'ocr_failed', 'conversion_failed', 'timeout',
                                        'too_large')
                            OR (d.error = 'unsupported' AND d.role = 'report')))
               AND NOT EXISTS (SELECT 1 FROM document d WHERE d.raw_message_id = r.id
                       AND (d.error = 'needs_ocr'
                            OR (d.error IS NULL AND d.kind NOT IN ('zip', '7z', 'rar')
                                AND (d.role = 'report'
                                     OR EXISTS (SELECT 1 FROM section x WHERE x.document_id = d.id))))))"""


RESEND_ONLY = "kind = 'resend_request'"


def upgrade() -> None:
    op.execute("DROP VIEW campaign_unit_status")
    op.execute(status_view(op.get_bind().dialect.name))
    op.create_index("ix_outbox_kind_step", "outbox", ["kind", "step"])
    op.create_index("uq_outbox_resend_request_step", "outbox", ["kind", "step"], unique=True,
                    sqlite_where=sa.text(RESEND_ONLY), postgresql_where=sa.text(RESEND_ONLY))


def downgrade() -> None:
    op.drop_index("uq_outbox_resend_request_step", table_name="outbox")
    op.drop_index("ix_outbox_kind_step", table_name="outbox")
    op.execute("DROP VIEW campaign_unit_status")
    op.execute(_revision_0007().status_view(op.get_bind().dialect.name))


def _revision_0007():
    """The migration that made the view this one amends (its file name is not an importable module name)."""
    path = Path(__file__).with_name("0007_status_view_fixes.py")
    spec = importlib.util.spec_from_file_location("reportbox_migration_0007", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def status_view(dialect: str) -> str:
    """0007's view, counting only the reports that could be read (models.status, since 0011)."""
    view = _revision_0007().status_view(dialect)
    assert view.count(COUNTED) == 1, "0007's view changed: amend this migration's anchor"
    return view.replace(COUNTED, READABLE)
