"""the language a user chose for the pages (NULL: not chosen, the browser's preference applies)

Revision ID: 0003_language
Revises: 0002
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0003_language"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.create_check_constraint(op.f("ck_user_account_language"), "language IS NULL OR language IN ('nl', 'en')")


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_language"), type_="check")
        batch_op.drop_column("language")
