"""The migrations build the schema from empty, match the models exactly, and go down and up again."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db

pytestmark = pytest.mark.db_owner  # migrations run as the owner


@pytest.mark.empty_db
def test_schema_from_migrations_matches_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


@pytest.mark.empty_db
def test_downgrade_to_empty_and_upgrade_again(app):
    downgrade(revision="base")
    db.engine.dispose()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    db.engine.dispose()
    assert "audit_event" in inspect(db.engine).get_table_names()


@pytest.mark.demo_history
def test_a_database_with_data_goes_down_and_up_a_migration_that_rebuilds_a_table(app):
    """0015 rebuilds claim_line on SQLite (a new table, the rows copied, the old one dropped), which other rows
    refer to (audit scope items, findings, corrections): with foreign keys enforced the drop failed, so an
    existing database could not be upgraded. Every line takes its expenditure's category, every foreign key
    still holds, and the app's connections have foreign keys on again."""
    from sqlalchemy import text
    lines = db.session.execute(text("SELECT id, expenditure_id FROM claim_line ORDER BY id")).all()
    assert lines and db.session.scalar(text("SELECT count(*) FROM audit_scope_item")) > 0
    db.session.commit()
    downgrade(revision="0014_ideas2")
    db.engine.dispose()
    assert "category_id" not in {c["name"] for c in inspect(db.engine).get_columns("claim_line")}
    upgrade()
    db.engine.dispose()
    rows = db.session.execute(text(
        "SELECT claim_line.id, claim_line.expenditure_id, claim_line.category_id = expenditure.category_id "
        "FROM claim_line JOIN expenditure ON expenditure.id = claim_line.expenditure_id ORDER BY claim_line.id")).all()
    assert [(r[0], r[1]) for r in rows] == [tuple(r) for r in lines] and all(r[2] for r in rows)
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
