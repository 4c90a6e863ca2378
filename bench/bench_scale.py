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
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PORT = int(os.environ.get("BENCH_PORT", "5013"))
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "cofund_bench_scale"
BIG_PARTNER, DRAFT_PARTNER = "Odisee", "Howest"
BIG_LINES = 5000
DEMO_PASSWORD = "cofund-demo-2026"  # nosec B105  # the published demo password (app/demo.py)


def environment(work: Path, url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-scale", "DOCUMENT_DIR": str(work / "docs"),
            "AUDIT_SIGNING_KEY_FILE": str(work / "audit.key"), "AUDIT_CHECKPOINT_LOG": str(work / "checkpoints.log"),
            "LOGIN_MAX_FAILURES": "1000", "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0",
            "PYTHONPATH": str(ROOT)}


def make_app(env: dict):
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    from app import create_app
    return create_app()


# --- the data set ---------------------------------------------------------------------------------------------

def bulk_data(app, n: int) -> dict:
    """N expenditures with claims and audit events, by bulk inserts into the real tables."""
    from sqlalchemy import func, insert, select, text

    from app.errors import DomainError
    from app.extensions import db
    from app.models import (
        AuditEvent,
        CategoryKind,
        Claim,
        ClaimLine,
        ClaimStatus,
        CostCategory,
        Expenditure,
        ExpenditureStatus,
        LineStatus,
        Partner,
        Project,
        ReportingPeriod,
        User,
        duplicate_key,
    )
    from app.services import checkpoints
    from app.services.audit import Actor, canonical_json
    from app.services.chain import row_hash
    from app.services.claims import certify, create_claim, start_verification
    with app.app_context():
        les = db.session.scalar(select(Project).where(Project.code == "LES"))
        partners = list(db.session.scalars(select(Partner).where(Partner.project_id == les.id)
                                           .order_by(Partner.number)))
        periods = {p.number: p for p in db.session.scalars(select(ReportingPeriod).where(
            ReportingPeriod.project_id == les.id))}
        cats = [c for c in db.session.scalars(select(CostCategory).where(CostCategory.project_id == les.id))
                if c.kind in (CategoryKind.STAFF, CategoryKind.EXTERNAL)]
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        fin = db.session.scalar(select(User).where(User.email == "finance@example.org"))
        taken = set(db.session.execute(select(Claim.partner_id, Claim.period_id)).tuples())
        seq, head = db.session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc())
                                       .limit(1)).one()
        events: list[dict] = []

        def analyze():
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    c.execute(text("VACUUM ANALYZE"))
            else:
                db.session.execute(text("ANALYZE"))
                db.session.commit()

        def event(action, object_type, object_id, after, moment, user_id=None):
            nonlocal seq, head
            seq += 1
            row = {"seq": seq, "occurred_at": moment, "user_id": user_id or admin.id, "actor": "bench@example.org",
                   "role": "admin", "action": action, "object_type": object_type, "object_id": str(object_id),
                   "project_id": les.id, "before": None, "after": canonical_json(after), "ip": "127.0.0.1",
                   "prev_hash": head}
            row["hash"] = head = row_hash(head, tuple(row[k] for k in (
                "seq", "occurred_at", "user_id", "actor", "role", "action", "object_type", "object_id", "project_id",
                "before", "after", "ip")) + (head, ""))
            events.append(row)
            if len(events) >= 5000:
                flush_events()

        def flush_events():
            if events:
                db.session.execute(insert(AuditEvent), events)
                events.clear()

        # expenditures: the big partner gets enough for its 5,000-line claim; 10% of each partner's in periods
        # 1-2 (free: the draft's claimable list), the rest in periods 3-5 (claimed)
        weights = {p.id: (3 if p.organisation.name == BIG_PARTNER else 1) for p in partners}
        total_w = sum(weights.values())
        next_id = (db.session.scalar(select(func.max(Expenditure.id))) or 0) + 1
        per_partner: dict[int, dict[int, list[tuple[int, Decimal]]]] = {}
        rows = []
        start = datetime(2021, 1, 1, 9, tzinfo=UTC)
        for p in partners:
            count = n * weights[p.id] // total_w
            for i in range(count):
                period_no = 1 + (i % 2) if i % 10 == 0 else 3 + (i % 3)
                per = periods[period_no]
                cat = cats[i % len(cats)]
                # small amounts, so that the certified claim stays within the partner's budget
                amount = Decimal(1 + (i * 37) % 4) + Decimal(i % 100) / 100
                supplier = f"Leverancier {i % 400}"
                invoice = f"F-{p.number}-{i // 100 if i % 97 == 0 else i}"  # about 1% share an invoice number
                pay = per.start_date + timedelta(days=i % 170)
                rows.append({"id": next_id, "project_id": les.id, "partner_id": p.id, "category_id": cat.id,
                             "period_id": per.id, "internal_ref": f"B-{i}", "supplier": supplier,
                             "invoice_number": invoice, "invoice_date": pay - timedelta(days=10), "payment_date": pay,
                             "description": "Bench expenditure", "gross_amount": amount, "vat_amount": Decimal(0),
                             "vat_recoverable": False, "declared_amount": amount,
                             "dup_key": duplicate_key(supplier, invoice), "status": ExpenditureStatus.ACTIVE,
                             "created_by_id": admin.id, "created_at": start})
                per_partner.setdefault(p.id, {}).setdefault(period_no, []).append((next_id, amount))
                event("expenditure.created", "expenditure", next_id, {
                    "supplier": supplier, "invoice_number": invoice, "invoice_date": pay - timedelta(days=10),
                    "payment_date": pay, "declared_amount": amount, "gross_amount": amount, "vat_amount": Decimal(0)},
                    start + timedelta(seconds=next_id))
                next_id += 1
                if len(rows) >= 5000:
                    db.session.execute(insert(Expenditure), rows)
                    rows.clear()
        if rows:
            db.session.execute(insert(Expenditure), rows)
        flush_events()
        # claims of periods 3-5, submitted; the big partner's period 4 claim gets 5,000 lines
        big = next(p for p in partners if p.organisation.name == BIG_PARTNER)
        next_claim = (db.session.scalar(select(func.max(Claim.id))) or 0) + 1
        claim_ids = {}
        line_rows = []
        moment = datetime(2022, 6, 1, 9, tzinfo=UTC)
        for p in partners:
            for period_no in (3, 4, 5):
                if (p.id, periods[period_no].id) in taken:
                    continue
                exps = per_partner.get(p.id, {}).get(period_no, [])
                if p.id == big.id and period_no == 4:
                    extra = per_partner[p.id][5][: max(0, BIG_LINES - len(exps))]
                    per_partner[p.id][5] = per_partner[p.id][5][len(extra):]
                    exps = exps + extra
                if not exps:
                    continue
                cid = next_claim
                next_claim += 1
                db.session.execute(insert(Claim), [{
                    "id": cid, "project_id": les.id, "partner_id": p.id, "period_id": periods[period_no].id,
                    "status": ClaimStatus.SUBMITTED, "created_by_id": admin.id, "created_at": moment,
                    "submitted_by_id": admin.id, "submitted_at": moment}])
                claim_ids[(p.id, period_no)] = cid
                line_rows += [{"claim_id": cid, "expenditure_id": eid, "declared_amount": amount,
                               "status": LineStatus.PENDING, "deduction": Decimal(0)} for eid, amount in exps]
                event("claim.created", "claim", cid, {"partner_id": p.id, "period": period_no}, moment)
                event("claim.lines_added", "claim", cid, {"expenditure_ids": [e for e, _a in exps][:2000],
                                                          "declared": sum((a for _e, a in exps), Decimal(0))}, moment)
                event("claim.submitted", "claim", cid, {"status": "submitted", "lines": len(exps),
                                                        "declared": sum((a for _e, a in exps), Decimal(0))}, moment)
                if len(line_rows) >= 5000:
                    db.session.execute(insert(ClaimLine), line_rows)
                    line_rows.clear()
        if line_rows:
            db.session.execute(insert(ClaimLine), line_rows)
        flush_events()
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("expenditure", "claim"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        analyze()  # as autovacuum would after a bulk load: the services below get plans for this size
        # the checkpoint of the bulk events, as the app writes one after each commit
        checkpoints.write_checkpoint(app, seq, head)
        actor = Actor(fin.id, fin.email, "127.0.0.1")
        # the big claim in verification; the big partner's period-3 claim verified line by line and certified
        big_claim = db.session.get(Claim, claim_ids[(big.id, 4)])
        start_verification(actor, fin, big_claim)
        db.session.commit()
        cert = db.session.get(Claim, claim_ids[(big.id, 3)])
        start_verification(actor, fin, cert)
        db.session.flush()
        seq, head = db.session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc())
                                       .limit(1)).one()
        for line_id, eid, amount in db.session.execute(select(ClaimLine.id, ClaimLine.expenditure_id,
                                                              ClaimLine.declared_amount)
                                                       .where(ClaimLine.claim_id == cert.id)):
            event("claim.line_verified", "claim", cert.id, {
                "line_id": line_id, "expenditure_id": eid, "status": "verified", "declared": amount,
                "deduction": Decimal(0), "certified": amount, "error_type": None, "comment": None,
                "duplicate_confirmed": True}, moment + timedelta(days=30), fin.id)
        flush_events()
        db.session.execute(ClaimLine.__table__.update().where(ClaimLine.claim_id == cert.id).values(
            status="verified", verified_by_id=fin.id, verified_at=moment + timedelta(days=30),
            duplicate_confirmed_by_id=fin.id))
        db.session.flush()
        try:
            certify(actor, fin, cert)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            print(f"the certified claim was not certified: {error}")
        draft_partner = next(p for p in partners if p.organisation.name == DRAFT_PARTNER)
        draft = create_claim(actor, fin, draft_partner, periods[6].id)
        db.session.commit()
        analyze()
        counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
            ("expenditures", Expenditure), ("claim lines", ClaimLine), ("audit events", AuditEvent))}
        return {"big": big_claim.id, "big_lines": db.session.scalar(select(func.count()).where(
            ClaimLine.claim_id == big_claim.id)), "certified": cert.id, "draft": draft.id, "counts": counts,
                "certified_lines": db.session.scalar(select(func.count()).where(ClaimLine.claim_id == cert.id))}


def pad_events(app, total: int) -> None:
    """Add events (bulk, chained) until the chain holds ``total``, and sign a checkpoint of the head."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.models import AuditEvent
    from app.services import checkpoints
    from app.services.audit import canonical_json
    from app.services.chain import row_hash
    with app.app_context():
        seq, head = db.session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc())
                                       .limit(1)).one()
        moment = datetime(2023, 1, 1, tzinfo=UTC)
        while seq < total:
            rows = []
            for _ in range(min(10000, total - seq)):
                seq += 1
                after = canonical_json({"statement": "claim", "format": "pdf", "lang": "nl", "sha256": head})
                key = (seq, moment, None, "bench", "system", "statement.downloaded", None, None, None, None, after,
                       None)
                head_new = row_hash(head, key + (head, ""))
                rows.append({"seq": seq, "occurred_at": moment, "user_id": None, "actor": "bench", "role": "system",
                             "action": "statement.downloaded", "object_type": None, "object_id": None,
                             "project_id": None, "before": None, "after": after, "ip": None, "prev_hash": head,
                             "hash": head_new})
                head = head_new
            db.session.execute(insert(AuditEvent), rows)
            db.session.commit()
        checkpoints.write_checkpoint(app, seq, head)


# --- measuring ------------------------------------------------------------------------------------------------

def pages(ids: dict | None) -> list[tuple[str, str, str]]:
    """(label, user, path) of the pages measured."""
    listed = [
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


class Server:
    """gunicorn, 2 sync workers, on 127.0.0.1."""

    def __init__(self, env: dict):
        self.env = env

    def __enter__(self):
        import socket
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                raise RuntimeError(f"port {PORT} is taken (BENCH_PORT chooses another)")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT}", "--timeout", "120", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        import requests
        for _ in range(200):
            try:
                requests.get(f"http://127.0.0.1:{PORT}/login", timeout=30)
                return self
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    @staticmethod
    def rss_mb(pid: int) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def csrf(html: str) -> str:
    return (re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
            or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)).group(1)


_USED_STEPS: dict[str, int] = {}


def totp_code(user: str) -> str:
    """A code of the demo's second factor for a 30-second step this user has not used yet (the server refuses a
    step twice); waits for the next step when both the current and the next are used."""
    from app.demo import DEMO_TOTP_SECRET
    from app.services.two_factor import totp
    while True:
        now = time.time()
        for step in (int(now // 30), int(now // 30) + 1):
            if step > _USED_STEPS.get(user, -1):
                _USED_STEPS[user] = step
                return totp(DEMO_TOTP_SECRET).at(step * 30)
        time.sleep(30 - now % 30 + 0.05)


def session_for(user: str):
    """Sign in over HTTP as a browser would: the password, then the second factor where the user has one."""
    import requests
    s = requests.Session()
    base = f"http://127.0.0.1:{PORT}"
    r = s.post(f"{base}/login", data={"email": user, "password": DEMO_PASSWORD,
                                      "csrf_token": csrf(s.get(f"{base}/login").text)}, allow_redirects=False)
    if r.status_code == 302 and r.headers["Location"].endswith("/login/second-factor"):
        r = s.post(f"{base}/login/second-factor", allow_redirects=False, data={
            "code": totp_code(user), "csrf_token": csrf(s.get(f"{base}/login/second-factor").text)})
    assert r.status_code == 302, (user, r.status_code)
    return s


def release(app) -> None:
    """The bench process lets go of the database before gunicorn serves it."""
    from app.extensions import db
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def over_http(page_list, requests_per_page: int) -> dict:
    sessions, results = {}, {}
    for label, user, path in page_list:
        s = sessions.get(user) or sessions.setdefault(user, session_for(user))
        s.get(f"http://127.0.0.1:{PORT}{path}")  # warm both workers' caches a little
        times, size = [], 0
        for _ in range(requests_per_page):
            t0 = time.perf_counter()
            r = s.get(f"http://127.0.0.1:{PORT}{path}")
            times.append((time.perf_counter() - t0) * 1000)
            size = len(r.content)
            assert r.status_code == 200, (label, path, r.status_code, r.text[-800:])
        times.sort()
        results[label] = {"p50": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)],
                          "kb": size / 1024}
    return results


def review_big_claim(claim_id: int) -> dict:
    """A finance officer pages through the 5,000-line claim and verifies one page's selection in one request."""
    s = session_for("finance@example.org")
    base = f"http://127.0.0.1:{PORT}/projects/LES/claims/{claim_id}"
    t0 = time.perf_counter()
    url, pages_seen, html = base, 0, ""
    while url and pages_seen < 200:
        html = s.get(url).text
        pages_seen += 1
        nxt = re.search(r'<a href="([^"]+)"[^>]*rel="next"', html)
        url = f"http://127.0.0.1:{PORT}" + nxt.group(1).replace("&amp;", "&") if nxt else None
    paging = time.perf_counter() - t0
    html = s.get(base + "?status=pending").text
    ids = re.findall(r'name="line_ids" value="(\d+)"', html)
    token = csrf(html)
    t0 = time.perf_counter()
    r = s.post(base + "/lines/verify", data={"csrf_token": token, "line_ids": ids, "status": "pending"},
               allow_redirects=False)
    verify = time.perf_counter() - t0
    assert r.status_code == 302
    flash = s.get(r.headers["Location"] if r.headers["Location"].startswith("http")
                  else f"http://127.0.0.1:{PORT}{r.headers['Location']}").text
    ok = "zonder aftrek" in flash or "without deduction" in flash
    return {"pages": pages_seen, "paging_s": paging, "selected": len(ids), "verify_s": verify, "verified": ok}


def soak(page_list, total: int, server: Server) -> dict:
    before = server.workers()
    users = {u for _l, u, _p in page_list}
    sessions = {u: session_for(u) for u in users}
    errors, done = [], [0]
    lock = threading.Lock()

    def client(k):
        for i in range(k, total, 4):
            label, user, path = page_list[i % len(page_list)]
            r = sessions[user].get(f"http://127.0.0.1:{PORT}{path}", timeout=60)
            with lock:
                done[0] += 1
                if r.status_code != 200:
                    errors.append((label, r.status_code))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = server.workers()
    return {"requests": done[0], "errors": len(errors), "seconds": time.perf_counter() - t0,
            "same_workers": before == after and len(after) == 2,
            "rss_mb": [round(server.rss_mb(p), 1) for p in after]}


def verify_times(env: dict) -> dict:
    """flask audit verify after the checkpoint (twice: the first run after new events also writes the mark)
    and --full, as commands (wall time, startup included)."""
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
    with Server(env):
        demo_http = over_http(demo_pages, args.requests)
    t0 = time.perf_counter()
    ids = bulk_data(app, args.expenditures)
    print(f"data set built in {time.perf_counter() - t0:.0f} s: {ids['counts']}", flush=True)
    big_pages = pages(ids)
    big_sql = in_process(app, big_pages)
    release(app)
    with Server(env) as server:
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
          f"{soaked['errors']} errors, workers alive and the same: {soaked['same_workers']}, worker RSS "
          f"{soaked['rss_mb']} MB")
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
