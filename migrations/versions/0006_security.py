"""security: on SQLite, INSERT OR REPLACE may not replace an audit event

SQLite resolves INSERT OR REPLACE (and REPLACE INTO) by deleting the conflicting row without firing DELETE
triggers, so an event could be replaced behind the append-only triggers of 0001. This INSERT trigger refuses
an insert whose id, seq, prev_hash or hash already exists, before the conflict is resolved. PostgreSQL has
no REPLACE; its INSERT ... ON CONFLICT DO UPDATE fires the UPDATE trigger of 0001, which refuses it.

Revision ID: 0006_security
Revises: 0005_statements
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_security"
down_revision = "0005_statements"
branch_labels = None
depends_on = None

NO_REPLACE_SQLITE = """CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_event
    WHEN EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id OR seq = NEW.seq OR prev_hash = NEW.prev_hash
                                                 OR hash = NEW.hash)
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: replacing an existing event refused'); END"""


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(NO_REPLACE_SQLITE)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_event_no_replace")
