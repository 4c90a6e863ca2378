"""ideas2: a candidate withdraws its consent to publish or its candidacy through its private status link; the
row stays, with when each was withdrawn

Revision ID: 0014_ideas2
Revises: 0013_indexes
Create Date: 2026-11-30 08:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014_ideas2'
down_revision = '0013_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idea_candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint('withdrawn_not_partner', 'withdrawn_at IS NULL OR partner_id IS NULL')
        batch_op.create_check_constraint('consent_withdrawn', 'consent_withdrawn_at IS NULL OR NOT consent_publish')


def downgrade():
    with op.batch_alter_table('idea_candidate', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_idea_candidate_consent_withdrawn'), type_='check')
        batch_op.drop_constraint(op.f('ck_idea_candidate_withdrawn_not_partner'), type_='check')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('consent_withdrawn_at')
