"""Benchmark: import 5,000 expenditure lines from an XLSX file, against inserting them one ORM object at a time.

Run from the repository root:

    .venv/bin/python bench/bench_import.py                      # a temporary SQLite database
    .venv/bin/python bench/bench_import.py postgresql://postgres@127.0.0.1:5432/test

With a PostgreSQL URL, a scratch database is created next to the one named (and dropped afterwards). The
database is built by the real migrations and loaded with the demo; the file is generated in memory.
Prints the rows, seconds and rows/s of each phase and the ratio of the ORM insert to the bulk insert.
"""
from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Expenditure, Organisation, Partner, Project, User  # noqa: E402
from app.services.audit import Actor  # noqa: E402
from app.services.expenditures import ProjectLookups  # noqa: E402
from app.services.imports import COLUMNS, check_file, expenditure_rows, import_expenditures  # noqa: E402

ROWS = 5_000


@contextmanager
def database(url: str | None, tmp: Path):
    """A fresh, empty database: SQLite in ``tmp``, or a scratch database on the named PostgreSQL server."""
    if not url:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    admin_url = make_url(normalise_database_url(url))
    name = f"cofund_bench_{os.getpid()}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def make_xlsx(rows: int) -> bytes:
    """A realistic file: numeric and date cells, Dutch text amounts, the categories a partner may claim,
    payments in 2021 reported in period 5 or 6 (a payment may be reported late, never early).
    Written in openpyxl's normal mode, which (like Excel) stores shared strings and the sheet's dimension;
    write-only mode writes inline strings, which take about twice as long to read back."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Uitgaven"
    ws.append([c.label for c in COLUMNS])
    kinds = ["external", "staff", "travel", "equipment"]
    for i in range(rows):
        gross = Decimal(100 + i % 9000) + Decimal(i % 100) / 100
        vat = (gross * Decimal("0.21") / Decimal("1.21")).quantize(Decimal("0.01"))
        ws.append([kinds[i % 4], 5 + i % 2, f"BOEK-{i:05d}", f"Leverancier {i % 400}", f"F-{i:06d}",
                   datetime(2020, 1 + i % 12, 1 + i % 28), datetime(2021, 1 + i % 12, 1 + i % 28),
                   f"Uitgave nummer {i}", gross, vat, "nee", f"{gross:.2f}".replace(".", ",")])
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.close()
    return buffer.getvalue()


def timed(label: str, rows: int, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<48} {rows:>6} rows  {seconds:8.3f} s  {rows / seconds:>10,.0f} rows/s")
    return result, seconds


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else None
    with tempfile.TemporaryDirectory() as tmp, database(url, Path(tmp)) as db_url:
        from flask_migrate import upgrade

        from app.demo import seed_demo

        app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "TESTING": True, "SECRET_KEY": "bench",
                          "DOCUMENT_DIR": str(Path(tmp) / "documents"), "AUDIT_SIGNING_KEY": None,
                          "AUDIT_SIGNING_KEY_FILE": str(Path(tmp) / "audit-signing-key.pem"),
                          "AUDIT_CHECKPOINT_LOG": str(Path(tmp) / "audit-checkpoints.log")})
        with app.app_context():
            start = time.perf_counter()
            upgrade()
            seed_demo()
            db.session.commit()
            print(f"database: {db.engine.dialect.name}; migrations + demo in {time.perf_counter() - start:.1f} s")

            user = db.session.scalar(select(User).where(User.email == "partner.howest@example.org"))
            project = db.session.scalar(select(Project).where(Project.code == "LES"))
            partner = db.session.scalar(select(Partner).join(Organisation).where(
                Partner.project_id == project.id, Organisation.name == "Howest"))
            actor = Actor(user.id, user.email, "127.0.0.1")
            data, _ = timed("generate the XLSX (not part of the import)", ROWS, lambda: make_xlsx(ROWS))
            print(f"file: {len(data) / 1024:.0f} KiB")

            lines, parse_s = timed("parse + validate (read-only openpyxl)", ROWS,
                                   lambda: check_file(partner, "bench.xlsx", data, ProjectLookups(project)))
            assert len(lines) == ROWS

            def full_import():
                result = import_expenditures(actor, user, partner, "bench.xlsx", data)
                db.session.commit()
                return result

            result, total_s = timed("import_expenditures (parse..insert, commit)", ROWS, full_import)
            assert result.count == ROWS

            rows = expenditure_rows(lines, partner, user.id, None)

            def bulk():
                db.session.execute(insert(Expenditure), rows)
                db.session.flush()

            def one_by_one():
                for values in rows:
                    db.session.add(Expenditure(**values))
                db.session.flush()

            _, bulk_s = timed("insert: one bulk execute(insert(Expenditure))", ROWS, bulk)
            db.session.rollback()
            _, orm_s = timed("insert: session.add, one ORM object at a time", ROWS, one_by_one)
            db.session.rollback()

            count = db.session.scalar(select(func.count()).select_from(Expenditure)
                                      .where(Expenditure.import_id == result.import_id))
            assert count == ROWS
            print(f"summary: {ROWS} rows imported in {total_s:.2f} s ({ROWS / total_s:,.0f} rows/s); "
                  f"parse + validate {parse_s:.2f} s; ORM one at a time / bulk insert = {orm_s / bulk_s:.1f}x")
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
