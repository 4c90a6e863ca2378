"""admin: project modifications (budget versions), removed roles kept (membership.revoked_at), partner contact

Revision ID: 0009_admin
Revises: 0008_scale
Create Date: 2026-11-30 04:20:49.354903

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009_admin'
down_revision = '0008_scale'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('budget_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('budget_total', sa.BigInteger(), nullable=False),
    sa.Column('efro_total', sa.BigInteger(), nullable=False),
    sa.Column('efro_ceiling', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_budget_version_reason_not_empty')),
    sa.CheckConstraint('budget_total >= 0 AND efro_total >= 0', name=op.f('ck_budget_version_totals')),
    sa.CheckConstraint('number > 0', name=op.f('ck_budget_version_number')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_budget_version_project_id_project'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_budget_version_recorded_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_version')),
    sa.UniqueConstraint('project_id', 'number', name=op.f('uq_budget_version_project_id_number'))
    )
    with op.batch_alter_table('budget_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_version_project_id'), ['project_id'], unique=False)

    op.create_table('budget_version_funding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('efro', sa.BigInteger(), nullable=False),
    sa.Column('other_public', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('efro >= 0 AND other_public >= 0', name=op.f('ck_budget_version_funding_amounts')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_budget_version_funding_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['budget_version.id'], name=op.f('fk_budget_version_funding_version_id_budget_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_version_funding')),
    sa.UniqueConstraint('version_id', 'partner_id', name=op.f('uq_budget_version_funding_version_id_partner_id'))
    )
    op.create_table('budget_version_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_budget_version_line_amount_not_negative')),
    sa.ForeignKeyConstraint(['category_id'], ['cost_category.id'], name=op.f('fk_budget_version_line_category_id_cost_category'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_budget_version_line_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_budget_version_line_period_id_reporting_period'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['budget_version.id'], name=op.f('fk_budget_version_line_version_id_budget_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_version_line')),
    sa.UniqueConstraint('version_id', 'partner_id', 'category_id', 'period_id', name=op.f('uq_budget_version_line_version_id_partner_id_category_id_period_id'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_membership_revoked_by_id_user_account'), 'user_account', ['revoked_by_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint('revoked_by', '(revoked_at IS NULL) = (revoked_by_id IS NULL)')
        # A role removed and given again: only the roles held now are unique.
        batch_op.drop_index('uq_membership_user_project_role_partner')
        batch_op.drop_index('uq_membership_user_project_role')
        batch_op.create_index('uq_membership_user_project_role_partner', ['user_id', 'project_id', 'role', 'partner_id'],
                              unique=True, sqlite_where=sa.text('revoked_at IS NULL'),
                              postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.create_index('uq_membership_user_project_role', ['user_id', 'project_id', 'role'], unique=True,
                              sqlite_where=sa.text('partner_id IS NULL AND revoked_at IS NULL'),
                              postgresql_where=sa.text('partner_id IS NULL AND revoked_at IS NULL'))

    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))



def downgrade():
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_name')
        batch_op.drop_column('org_type')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index('uq_membership_user_project_role')
        batch_op.drop_index('uq_membership_user_project_role_partner')
        batch_op.create_index('uq_membership_user_project_role_partner', ['user_id', 'project_id', 'role', 'partner_id'],
                              unique=True)
        batch_op.create_index('uq_membership_user_project_role', ['user_id', 'project_id', 'role'], unique=True,
                              sqlite_where=sa.text('partner_id IS NULL'), postgresql_where=sa.text('partner_id IS NULL'))
        batch_op.drop_constraint(op.f('ck_membership_revoked_by'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_membership_revoked_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revoked_at')

    op.drop_table('budget_version_line')
    op.drop_table('budget_version_funding')
    with op.batch_alter_table('budget_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_version_project_id'))

    op.drop_table('budget_version')
