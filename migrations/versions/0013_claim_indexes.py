"""claim indexes: what a big claim's page looks up (issue 10)

The four-eyes check on a claim of thousands of lines asks which of them the verifier registered
(``expenditure.created_by_id``) and which the verifier changed according to the audit trail (a project's
events of one object type by one user). Without these indexes both read the whole table.

Revision ID: 0013_claim_indexes
Revises: 0012_ideas
Create Date: 2026-11-30 08:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_claim_indexes"
down_revision = "0012_ideas"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_expenditure_created_by", "expenditure", ["created_by_id"]),
    ("ix_audit_event_project_type_user", "audit_event", ["project_id", "object_type", "user_id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
