"""The migrations build the schema from empty, match the models exactly, and go down and up again."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db

pytestmark = [pytest.mark.empty_db, pytest.mark.db_owner]  # migrations run as the owner


def test_schema_from_migrations_matches_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


def test_downgrade_to_empty_and_upgrade_again(app):
    downgrade(revision="base")
    db.engine.dispose()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    db.engine.dispose()
    assert "audit_event" in inspect(db.engine).get_table_names()
