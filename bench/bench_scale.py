"""Cofund at programme scale: every page at the demo size and at N expenditures, on SQLite and PostgreSQL.

    python bench/bench_scale.py                          # 100,000 expenditures, SQLite and PostgreSQL
    python bench/bench_scale.py --expenditures 10000 --db sqlite --requests 10
    python bench/bench_scale.py --db postgresql --events 1000000   # pad the chain for flask audit verify

For each database: migrate a fresh database, seed the demo through the services, measure every page (demo size),
then add the data set with bulk inserts through the real tables (expenditures of every LES partner, claims of
about 2,000 lines, one of 5,000 lines in verification, a certified one, a draft with free expenditures, and the
audit events the pages read, hash-chained after the demo's events and covered by a signed checkpoint), ANALYZE,
and measure again. Per page: p50/p95 of ``--requests`` requests to gunicorn (2 sync workers, 127.0.0.1), the
bytes of the page, the SQL statements of one request and their raw time (in process). Then a 5,000-line claim
reviewed page by page with one page's selection verified in one request, a soak of ``--soak`` requests to the
biggest pages (4 clients) after which every worker must still be the same process, the workers' memory, and
``flask audit verify`` (after the checkpoint, and --full).

Targets (issue 10): p95 < 100 ms at 100,000 expenditures on PostgreSQL, no page > 300 KB, a page of the
5,000-line claim verified in one request < 2 s, verify after the checkpoint < 1 s at 1,000,000 events and
--full < 20 s, worker memory < 200 MB.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scale_data import BIG_LINES, bulk_data, pad_events  # noqa: E402  (bench/ is on the path of this script)
from scale_http import DEMO_PASSWORD, Server, csrf, over_http, review_big_claim, soak, totp_code  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "cofund_bench_scale"


def environment(work: Path, url: str) -> dict:
    # the app runs from compiled bytecode, as a deployment does (a machine with PYTHONDONTWRITEBYTECODE set
    # would otherwise compile every module again at each start: 0.4 s more for every flask command)
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**environ, "DATABASE_URL": url, "SECRET_KEY": "bench-scale", "DOCUMENT_DIR": str(work / "docs"),
            "AUDIT_SIGNING_KEY_FILE": str(work / "audit.key"), "AUDIT_CHECKPOINT_LOG": str(work / "checkpoints.log"),
            "LOGIN_MAX_FAILURES": "1000", "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0",
            "PYTHONPATH": str(ROOT)}


def make_app(env: dict):
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    from app import create_app
    return create_app()


# --- measuring ------------------------------------------------------------------------------------------------

def pages(ids: dict | None) -> list[tuple[str, str, str]]:
    """(label, user, path) of the pages measured."""
    listed = [
        ("dashboard of the finance officer", "finance@example.org", "/"),
        ("dashboard of a partner", "partner.odisee@example.org", "/"),
        ("project page", "finance@example.org", "/projects/LES"),
        ("portfolio", "finance@example.org", "/portfolio"),
        ("expenditures, first page", "finance@example.org", "/projects/LES/expenditures"),
        ("expenditures, last page", "finance@example.org", "/projects/LES/expenditures?at=last"),
        ("expenditures of a partner, by amount", "partner.odisee@example.org",
         "/projects/LES/expenditures?sort=amount"),
        ("claims list", "finance@example.org", "/projects/LES/claims"),
        ("audit trail, first page", "auditor@example.org", "/projects/LES/audit"),
        ("audit trail, last page", "auditor@example.org", "/projects/LES/audit?at=last"),
        ("fund register", "finance@example.org", "/projects/LES/fund"),
        ("claim of the demo", "finance@example.org", "/projects/LES/claims/1"),
    ]
    if ids:
        listed += [
            (f"claim in verification, {ids['big_lines']:,} lines", "finance@example.org",
             f"/projects/LES/claims/{ids['big']}"),
            ("same, last page of lines", "finance@example.org", f"/projects/LES/claims/{ids['big']}?at=last"),
            ("same, filtered (declared > 5, to verify)", "finance@example.org",
             f"/projects/LES/claims/{ids['big']}?min=5&status=pending"),
            (f"certified claim, {ids['certified_lines']} lines", "auditor@example.org",
             f"/projects/LES/claims/{ids['certified']}"),
            ("draft claim, free expenditures", "finance@example.org", f"/projects/LES/claims/{ids['draft']}"),
        ]
    return listed


def in_process(app, page_list) -> dict:
    """Per page: the SQL statements of one request and their raw time (test client, warmed)."""
    from sqlalchemy import event

    from app.extensions import db
    results = {}
    clients = {}
    with app.app_context():
        engine = db.engine
    for label, user, path in page_list:
        client = clients.get(user)
        if client is None:
            client = clients[user] = app.test_client()
            page = client.get("/login")
            if page.status_code != 200:
                raise RuntimeError(f"/login answers {page.status_code}")
            r = client.post("/login", data={"email": user, "password": DEMO_PASSWORD,
                                            "csrf_token": csrf(page.get_data(as_text=True))})
            if r.status_code == 302 and r.headers["Location"].endswith("/login/second-factor"):
                form = client.get("/login/second-factor").get_data(as_text=True)
                client.post("/login/second-factor", data={"code": totp_code(user), "csrf_token": csrf(form)})
        client.get(path)
        timings: list[float] = []

        def before(conn, cursor, statement, params, context, many):
            conn.info["t0"] = time.perf_counter()

        def after(conn, cursor, statement, params, context, many, timings=timings):
            timings.append(time.perf_counter() - conn.info.pop("t0"))

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            response = client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        results[label] = {"statements": len(timings), "sql_ms": sum(timings) * 1000,
                          "status": response.status_code}
    return results



def release(app) -> None:
    """The bench process lets go of the database before gunicorn serves it."""
    from app.extensions import db
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def verify_times(env: dict) -> dict:
    """flask audit verify after the checkpoint (twice: the first run after new events also writes the mark)
    and --full, as commands (wall time, startup included); then what starting costs: the app alone, and a
    Python process that only imports Flask, Flask-SQLAlchemy and psycopg."""
    out = {}
    flask = str(ROOT / ".venv/bin/flask")
    for label, args in (("verify (first, whole chain)", []), ("verify after checkpoint", []),
                        ("verify --full", ["--full"])):
        t0 = time.perf_counter()
        r = subprocess.run([flask, "--app", "wsgi", "audit", "verify", *args], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        own = re.search(r"Verified in ([\d.]+) s", r.stdout)
        out[label] = (time.perf_counter() - t0, float(own.group(1)) if own else None, r.returncode,
                      r.stdout.strip().splitlines()[:1])
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True)
    out["(startup of the app alone)"] = (time.perf_counter() - t0, None, 0, [])
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import flask.cli, flask_sqlalchemy, psycopg"], env=env,
                   capture_output=True)
    out["(Python with Flask, Flask-SQLAlchemy and psycopg only)"] = (time.perf_counter() - t0, None, 0, [])
    return out


# --- one database ---------------------------------------------------------------------------------------------

def run(kind: str, args) -> None:
    work = Path(tempfile.mkdtemp(prefix=f"cofund-scale-{kind}-"))
    if kind == "postgresql":
        from sqlalchemy import create_engine, text
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
            c.execute(text(f"CREATE DATABASE {PG_DB}"))
        admin.dispose()
        url = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
    else:
        url = f"sqlite:///{work / 'cofund.sqlite3'}"
    env = environment(work, url)
    app = make_app(env)
    from flask_migrate import upgrade

    from app.demo import seed_demo
    from app.extensions import db
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_demo()
        db.session.commit()
    print(f"\n## {kind}: demo size", flush=True)
    demo_pages = pages(None)
    demo_sql = in_process(app, demo_pages)
    release(app)
    with Server(env, work / "gunicorn.log"):
        demo_http = over_http(demo_pages, args.requests)
    t0 = time.perf_counter()
    ids = bulk_data(app, args.expenditures)
    print(f"data set built in {time.perf_counter() - t0:.0f} s: {ids['counts']}", flush=True)
    big_pages = pages(ids)
    big_sql = in_process(app, big_pages)
    release(app)
    with Server(env, work / "gunicorn.log") as server:
        big_http = over_http(big_pages, args.requests)
        review = review_big_claim(ids["big"])
        biggest = sorted(big_pages, key=lambda p: -big_http[p[0]]["kb"])[:5]
        soaked = soak(biggest, args.soak, server)
    print(f"\n| page | demo p50 | demo p95 | demo KB | demo SQL | {args.expenditures:,} p50 | p95 | KB | SQL "
          f"statements | SQL ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, _u, _p in big_pages:
        d, ds = demo_http.get(label), demo_sql.get(label)
        b, bs = big_http[label], big_sql[label]
        demo = (f"{d['p50']:.0f} ms | {d['p95']:.0f} ms | {d['kb']:.0f} | {ds['statements']}" if d
                else "– | – | – | –")
        print(f"| {label} | {demo} | {b['p50']:.0f} ms | {b['p95']:.0f} ms | {b['kb']:.0f} | {bs['statements']} | "
              f"{bs['sql_ms']:.1f} |")
    print(f"\nreview of the {BIG_LINES}-line claim: {review['pages']} pages in {review['paging_s']:.2f} s; "
          f"{review['selected']} selected lines verified in one request in {review['verify_s']:.2f} s "
          f"({'confirmed' if review['verified'] else 'NOT confirmed'})")
    print(f"soak: {soaked['requests']} requests to the 5 biggest pages in {soaked['seconds']:.1f} s, "
          f"{len(soaked['errors'])} errors, workers alive and the same: {soaked['same_workers']}, worker RSS "
          f"{soaked['rss_mb']} MB")
    if soaked["errors"]:
        log = (work / "gunicorn.log").read_text(errors="replace")
        print("soak errors:", "; ".join(soaked["errors"]), "\ngunicorn's log, the end:\n" + log[-3000:])
    if args.events:
        t0 = time.perf_counter()
        pad_events(app, args.events)
        print(f"chain padded to {args.events:,} events in {time.perf_counter() - t0:.0f} s")
    for label, (seconds, own, code, first) in verify_times(env).items():
        verification = f", of which the verification {own:.2f} s" if own is not None else ""
        print(f"{label}: {seconds:.2f} s wall{verification} (exit {code}) {' '.join(first)[:100]}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--expenditures", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=40, help="requests per page for p50/p95")
    parser.add_argument("--soak", type=int, default=500)
    parser.add_argument("--events", type=int, default=0, help="pad the audit chain to this many events")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args()
    args.expenditures = max(100, min(args.expenditures, 1_000_000))
    args.requests = max(1, min(args.requests, 1000))
    args.soak = max(1, min(args.soak, 10_000))
    args.events = max(0, min(args.events, 5_000_000))
    for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        run(kind, args)


if __name__ == "__main__":
    main()
