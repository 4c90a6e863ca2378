"""indexes: what a big claim's page and the fund register look up (issue 10)

The four-eyes check on a claim of thousands of lines asks which of them the verifier registered
(``expenditure.created_by_id``) and which the verifier changed according to the audit trail (a project's
events of one object type by one user); without these indexes both read the whole table. The indexes on
``corrects_id`` and ``fund_action_id`` become partial (only the rows that have one): nearly every expenditure
has neither, and SQLite's statistics, counting the NULLs, judged them useless and scanned the table. Possible
double financing probes each line of a claim by its supplier-and-invoice key: a hash index on PostgreSQL.

Revision ID: 0013_indexes
Revises: 0012_ideas
Create Date: 2026-11-30 08:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_indexes"
down_revision = "0012_ideas"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_expenditure_created_by", "expenditure", ["created_by_id"]),
    ("ix_expenditure_dup_key_hash", "expenditure", ["dup_key"]),
    ("ix_audit_event_project_type_user", "audit_event", ["project_id", "object_type", "user_id"]),
]
PARTIAL = [("ix_expenditure_corrects_id", "corrects_id"), ("ix_expenditure_fund_action_id", "fund_action_id")]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, postgresql_using="hash" if name.endswith("_hash") else None)
    for name, column in PARTIAL:
        op.drop_index(name, table_name="expenditure")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "expenditure", [column], sqlite_where=where, postgresql_where=where)


def downgrade():
    for name, column in reversed(PARTIAL):
        op.drop_index(name, table_name="expenditure")
        op.create_index(name, "expenditure", [column])
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
