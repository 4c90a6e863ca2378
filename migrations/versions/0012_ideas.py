"""ideas: project ideas with candidate partners (public registration with a private status link), and
project indicators with targets per period or year, assignments to partners, reported values with evidence

Revision ID: 0012_ideas
Revises: 0011_audits
Create Date: 2026-11-30 04:21:02.601387

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012_ideas'
down_revision = '0011_audits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('output', 'result', name='indicator_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('baseline', sa.BigInteger(), nullable=False),
    sa.Column('target', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.Enum('reported', 'fund_participants', name='indicator_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("code <> ''", name=op.f('ck_indicator_code_not_empty')),
    sa.CheckConstraint('target >= 0 AND baseline >= 0', name=op.f('ck_indicator_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_indicator_created_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_indicator_project_id_project'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('project_id', 'code', name=op.f('uq_indicator_project_id_code'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_project_id'), ['project_id'], unique=False)

    op.create_table('project_idea',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('challenge', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'converted', name='idea_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('converted_by_id', sa.Integer(), nullable=True),
    sa.Column('converted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'converted') = (project_id IS NOT NULL AND converted_at IS NOT NULL)", name=op.f('ck_project_idea_converted_has_project')),
    sa.CheckConstraint("title <> ''", name=op.f('ck_project_idea_title_not_empty')),
    sa.ForeignKeyConstraint(['converted_by_id'], ['user_account.id'], name=op.f('fk_project_idea_converted_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_project_idea_created_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_idea_project_id_project'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_idea')),
    sa.UniqueConstraint('project_id', name=op.f('uq_project_idea_project_id'))
    )
    op.create_table('idea_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'participant', name='candidate_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'declined', name='candidate_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('org_country', sa.String(length=2), nullable=False),
    sa.Column('org_city', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('consent_publish', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("org_country IN ('BE', 'NL')", name=op.f('ck_idea_candidate_country')),
    sa.CheckConstraint("partner_id IS NULL OR status = 'accepted'", name=op.f('ck_idea_candidate_partner_only_accepted')),
    sa.CheckConstraint("status = 'submitted' OR decided_at IS NOT NULL", name=op.f('ck_idea_candidate_decided')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_idea_candidate_decided_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['idea_id'], ['project_idea.id'], name=op.f('fk_idea_candidate_idea_id_project_idea'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_idea_candidate_partner_id_partner'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_candidate')),
    sa.UniqueConstraint('idea_id', 'number', name=op.f('uq_idea_candidate_idea_id_number')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_idea_candidate_token_hash'))
    )
    with op.batch_alter_table('idea_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_candidate_idea_id'), ['idea_id'], unique=False)

    op.create_table('indicator_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_assignment_indicator_id_indicator'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_indicator_assignment_partner_id_partner'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_assignment')),
    sa.UniqueConstraint('indicator_id', 'partner_id', name=op.f('uq_indicator_assignment_indicator_id_partner_id'))
    )
    with op.batch_alter_table('indicator_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_assignment_partner_id'), ['partner_id'], unique=False)

    op.create_table('indicator_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'returned', name='indicator_report_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.CheckConstraint("status <> 'returned' OR decision_note <> ''", name=op.f('ck_indicator_report_returned_has_reason')),
    sa.CheckConstraint("status = 'submitted' OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)", name=op.f('ck_indicator_report_decided')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_indicator_report_value')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_indicator_report_decided_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_report_indicator_id_indicator'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_indicator_report_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_indicator_report_period_id_reporting_period'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_indicator_report_project_id_project'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_indicator_report_submitted_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_report'))
    )
    with op.batch_alter_table('indicator_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_report_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_report_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('uq_indicator_report_open', ['indicator_id', 'partner_id', 'period_id'], unique=True, sqlite_where=sa.text("status <> 'returned'"), postgresql_where=sa.text("status <> 'returned'"))

    op.create_table('indicator_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('(period_id IS NULL) <> (year IS NULL)', name=op.f('ck_indicator_target_period_or_year')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_indicator_target_value')),
    sa.CheckConstraint('year IS NULL OR (year >= 2000 AND year <= 2100)', name=op.f('ck_indicator_target_year')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_target_indicator_id_indicator'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_indicator_target_period_id_reporting_period'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_target'))
    )
    with op.batch_alter_table('indicator_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_target_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index('uq_indicator_target_period', ['indicator_id', 'period_id'], unique=True, sqlite_where=sa.text('period_id IS NOT NULL'), postgresql_where=sa.text('period_id IS NOT NULL'))
        batch_op.create_index('uq_indicator_target_year', ['indicator_id', 'year'], unique=True, sqlite_where=sa.text('year IS NOT NULL'), postgresql_where=sa.text('year IS NOT NULL'))

    op.create_table('indicator_report_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_indicator_report_document_document_id_document'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['report_id'], ['indicator_report.id'], name=op.f('fk_indicator_report_document_report_id_indicator_report'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_report_document')),
    sa.UniqueConstraint('report_id', 'document_id', name=op.f('uq_indicator_report_document_report_id_document_id'))
    )
    with op.batch_alter_table('indicator_report_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_report_document_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('indicator_report_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_report_document_report_id'))

    op.drop_table('indicator_report_document')
    with op.batch_alter_table('indicator_target', schema=None) as batch_op:
        batch_op.drop_index('uq_indicator_target_year', sqlite_where=sa.text('year IS NOT NULL'), postgresql_where=sa.text('year IS NOT NULL'))
        batch_op.drop_index('uq_indicator_target_period', sqlite_where=sa.text('period_id IS NOT NULL'), postgresql_where=sa.text('period_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_indicator_target_indicator_id'))

    op.drop_table('indicator_target')
    with op.batch_alter_table('indicator_report', schema=None) as batch_op:
        batch_op.drop_index('uq_indicator_report_open', sqlite_where=sa.text("status <> 'returned'"), postgresql_where=sa.text("status <> 'returned'"))
        batch_op.drop_index(batch_op.f('ix_indicator_report_partner_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_report_indicator_id'))

    op.drop_table('indicator_report')
    with op.batch_alter_table('indicator_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_assignment_partner_id'))

    op.drop_table('indicator_assignment')
    with op.batch_alter_table('idea_candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_candidate_idea_id'))

    op.drop_table('idea_candidate')
    op.drop_table('project_idea')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_project_id'))

    op.drop_table('indicator')
