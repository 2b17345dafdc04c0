"""submission.department_part: the key of another department the campaign's letter addressed whose
part of the unit's answer a submission is (the Sở Y tế's beside the Sở Nội vụ's report, Decree
45/2025/NĐ-CP), a stable code in place of a prefix of the `continuation` text

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, not a batch: SQLite's table copy would trip over the status view.
    op.add_column('submission', sa.Column('department_part', sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column('submission', 'department_part')
