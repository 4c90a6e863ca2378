"""a project's own funding sources with their rates, and each certified claim's share of every source

Revision ID: 0010_portfolio
Revises: 0009_admin
Create Date: 2026-11-30 05:00:00.000000

Every existing project gets one source: EFRO at its co-financing rate with its approved EFRO amount as the
ceiling; every certified claim gets its EFRO as that source's share. Figures do not change.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010_portfolio'
down_revision = '0009_admin'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('project_funding_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('efro', 'other_public', name='funding_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('rate', sa.Integer(), nullable=False),
    sa.Column('ceiling', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("name <> ''", name=op.f('ck_project_funding_source_name_not_empty')),
    sa.CheckConstraint('ceiling >= 0', name=op.f('ck_project_funding_source_ceiling')),
    sa.CheckConstraint('rate > 0 AND rate <= 10000', name=op.f('ck_project_funding_source_rate')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_funding_source_project_id_project'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_funding_source')),
    sa.UniqueConstraint('project_id', 'name', name=op.f('uq_project_funding_source_project_id_name')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_project_funding_source_project_id_position'))
    )
    with op.batch_alter_table('project_funding_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_funding_source_project_id'), ['project_id'], unique=False)

    op.create_table('claim_funding_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_claim_funding_share_claim_id_claim'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['source_id'], ['project_funding_source.id'], name=op.f('fk_claim_funding_share_source_id_project_funding_source'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_funding_share')),
    sa.UniqueConstraint('claim_id', 'source_id', name=op.f('uq_claim_funding_share_claim_id_source_id'))
    )
    with op.batch_alter_table('claim_funding_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_funding_share_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_funding_share_source_id'), ['source_id'], unique=False)

    # The projects so far are EFRO projects: one source at the co-financing rate, the approved EFRO as ceiling.
    op.execute("INSERT INTO project_funding_source (project_id, position, kind, name, rate, ceiling) "
               "SELECT id, 1, 'efro', 'EFRO', cofinancing_rate, efro_ceiling FROM project")
    op.execute("INSERT INTO claim_funding_share (claim_id, source_id, amount) "
               "SELECT claim.id, project_funding_source.id, claim.efro_total FROM claim "
               "JOIN project_funding_source ON project_funding_source.project_id = claim.project_id "
               "WHERE claim.efro_total IS NOT NULL")


def downgrade():
    with op.batch_alter_table('claim_funding_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_funding_share_source_id'))
        batch_op.drop_index(batch_op.f('ix_claim_funding_share_claim_id'))
    op.drop_table('claim_funding_share')
    with op.batch_alter_table('project_funding_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_funding_source_project_id'))
    op.drop_table('project_funding_source')
