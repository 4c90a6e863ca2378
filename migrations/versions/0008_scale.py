"""scale: the indexes that the paged lists' filters and orders need (issue 10)

Keyset pages read an index in the list's order from the filter's position: expenditures by project or
partner, status and payment date, amount or number; claim lines of a claim by status; a project's audit
events by sequence number, per action, per user and per object. The four-eyes check looks up the
corrections of a claim's lines by ``corrects_id``.

Revision ID: 0008_scale
Revises: 0007_auth
Create Date: 2026-11-30 05:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_scale"
down_revision = "0007_auth"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_expenditure_project_status_paid", "expenditure", ["project_id", "status", "payment_date", "id"]),
    ("ix_expenditure_project_status_amount", "expenditure", ["project_id", "status", "declared_amount", "id"]),
    ("ix_expenditure_project_status_id", "expenditure", ["project_id", "status", "id"]),
    ("ix_expenditure_partner_status_paid", "expenditure", ["partner_id", "status", "payment_date", "id"]),
    ("ix_expenditure_partner_status_amount", "expenditure", ["partner_id", "status", "declared_amount", "id"]),
    ("ix_expenditure_partner_status_id", "expenditure", ["partner_id", "status", "id"]),
    ("ix_expenditure_corrects_id", "expenditure", ["corrects_id"]),
    ("ix_claim_line_claim_status", "claim_line", ["claim_id", "status"]),
    ("ix_audit_event_project_seq", "audit_event", ["project_id", "seq"]),
    ("ix_audit_event_project_action_seq", "audit_event", ["project_id", "action", "seq"]),
    ("ix_audit_event_project_user_seq", "audit_event", ["project_id", "user_id", "seq"]),
    ("ix_audit_event_project_object_seq", "audit_event", ["project_id", "object_type", "object_id", "seq"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.drop_index("ix_audit_event_project_object", table_name="audit_event")


def downgrade():
    op.create_index("ix_audit_event_project_object", "audit_event", ["project_id", "object_type", "object_id"])
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
