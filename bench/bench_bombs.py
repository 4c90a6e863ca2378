"""Benchmark: the spreadsheet bombs of issue 9, each uploaded once by a partner user, as the probe did.

Run from the repository root:

    .venv/bin/python bench/bench_bombs.py                 # all of them
    .venv/bin/python bench/bench_bombs.py "column XFD"    # some, by name

Builds the bombs (tests/bombs.py), a demo database (SQLite, by the real migrations and the demo seed), and
then uploads each bomb in a process of its own, through the import page with the HTTP test client, logged
in as partner.howest@example.org. Prints per bomb: the file size, the seconds the upload took, how much the
process's peak memory (max RSS) grew during it, the HTTP status and the message shown. Before the checks
the probe measured 40 s and +3.2 GB (shared string), 37 s and +2.5 GB (column XFD), 115 s of CPU (blank
rows); the goal is under a second each, with memory that stays flat.
"""
from __future__ import annotations

import html
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOMBS = {  # name: (builder in tests/bombs.py, what the probe built)
    "shared string": ("shared_string_bomb", "one 300 MB shared string in a 300 KB file"),
    "column XFD": ("wide_row_bomb", "20,000 rows that each touch column XFD, 100 KB"),
    "blank rows": ("blank_row_bomb", "3 million blank rows, 15 MB"),
    "far row": ("far_row_bomb", "one cell in row 1,048,576, 5 KB"),
}


def _app(database: Path, tmp: Path):
    from app import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench",
                       "DOCUMENT_DIR": str(tmp / "documents"), "AUDIT_SIGNING_KEY_FILE": str(tmp / "key.pem"),
                       "AUDIT_CHECKPOINT_LOG": str(tmp / "checkpoints.log"), "WTF_CSRF_ENABLED": False})


def _prepare(tmp: Path) -> Path:
    from flask_migrate import upgrade

    from app.demo import seed_demo
    from app.extensions import db
    database = tmp / "demo.sqlite3"
    app = _app(database, tmp)
    with app.app_context():
        upgrade()
        seed_demo(history=False)
        db.session.commit()
        db.engine.dispose()
    return database


def _upload_one(bomb_file: str, database: str) -> None:
    """In a process of its own: log in, upload the file once, print the figures as one line."""
    import logging
    logging.disable(logging.CRITICAL)
    tmp = Path(tempfile.mkdtemp(prefix="cofund-bomb-"))
    try:
        copy = tmp / "db.sqlite3"
        shutil.copyfile(database, copy)
        app = _app(copy, tmp)
        client = app.test_client()
        client.post("/login", data={"email": "partner.howest@example.org", "password": "cofund-demo-2026"})
        with app.app_context():
            from sqlalchemy import select

            from app.extensions import db
            from app.models import Organisation, Partner
            howest = db.session.scalar(select(Partner.id).join(Organisation).where(Organisation.name == "Howest"))
        data = Path(bomb_file).read_bytes()
        url = f"/projects/LES/partners/{howest}/expenditures/import"
        import io
        before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start, cpu = time.perf_counter(), time.process_time()
        response = client.post(url, data={"file": (io.BytesIO(data), "uitgaven.xlsx")},
                               content_type="multipart/form-data")
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_rss) / 1024
        page = response.get_data(as_text=True)
        found = re.search(r'id="import-rejected">(.*?)</p>', page, re.S) or re.search(r'class="error">(.*?)</p>', page)
        message = html.unescape(found.group(1)).strip() if found else "(no message)"
        print(f"{seconds:.2f}\t{cpu_seconds:.2f}\t{grown:.0f}\t{response.status_code}\t{message}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(names: list[str]) -> None:
    from tests import bombs
    tmp = Path(tempfile.mkdtemp(prefix="cofund-bench-"))
    try:
        database = _prepare(tmp)
        print(f"{'bomb':<14} {'file':>10} {'seconds':>8} {'cpu s':>6} {'+max RSS':>9} {'HTTP':>5}  message")
        for name, (builder, what) in BOMBS.items():
            if names and name not in names:
                continue
            path = tmp / f"{builder}.xlsx"
            path.write_bytes(getattr(bombs, builder)())
            size = path.stat().st_size
            result = subprocess.run([sys.executable, __file__, "--one", str(path), str(database)],
                                    capture_output=True, text=True, timeout=600, cwd=ROOT)
            if result.returncode != 0:
                print(f"{name:<14} failed:\n{result.stderr[-2000:]}")
                continue
            seconds, cpu, grown, status, message = result.stdout.strip().splitlines()[-1].split("\t", 4)
            print(f"{name:<14} {size / 1024:>8.0f}kB {float(seconds):>8.2f} {float(cpu):>6.2f} "
                  f"{grown:>6} MiB {status:>5}  {message[:110]}")
            print(f"{'':<14} ({what})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        _upload_one(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1:])
