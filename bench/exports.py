"""Speed and memory of the statements, side by side with bare baselines on the same rows.

    python bench/exports.py            # 100,000 lines (takes several minutes on 2 cores)
    python bench/exports.py --lines 20000

Each measurement runs in its own process (time and peak resident memory of that process):
- ours-xlsx:   the claim statement as XLSX (reports.statements), N lines
- bare-xlsx:   openpyxl write-only, the same cell values appended, no styles
- ours-pdf:    the claim statement as PDF/A (paged tables, fonts, header and footer, pikepdf finish)
- bare-pdf:    reportlab, the same cell texts in Tables of 500 rows (header repeated), same font, no finish
- extract-xlsx / extract-pdf: an audit-trail extract of N events (the long table of words and hashes)
- claim-1000:  a claim of 1,000 lines made through the app (database, services, both formats), end to end

Targets: XLSX within 1.25x bare, PDF within 1.5x bare, peak memory for N = 100,000 under 150 MB,
the 1,000-line claim statement under 2 s.
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SUPPLIERS = ["Drukkerij Vanden Broele", "Kortrijk Xpo", "NMBS", "Hotel Zeeuwse Stromen", "Studio Beeldwerk"]


def claim_data(n: int):
    from reports.statements import (
        Anchor,
        Category,
        CategoryTotal,
        CheckpointInfo,
        ClaimInfo,
        ClaimLineRow,
        ClaimStatement,
        EvidenceRow,
        Header,
    )
    anchor = Anchor(n, "a" * 64, CheckpointInfo(n, "a" * 64, "2026-11-30T10:00:00.000000Z", "0" * 16, "c2ln" * 22))
    header = Header("Interreg V Vlaanderen-Nederland 2014-2020", "LES", "Lerende Euregio Scheldemond", NOW,
                    "bench", anchor)
    cats = [Category("staff"), Category("travel"), Category("external")]
    lines = (ClaimLineRow(i, f"HOW-1-{i:06d}", SUPPLIERS[i % 5], f"F-{i:06d}", date(2020, 1, 1) + timedelta(i % 300),
                          date(2020, 1, 20) + timedelta(i % 300), cats[i % 3], "Drukwerk brochure LES",
                          Decimal(1000 + i % 997) + Decimal("0.45"), Decimal("25.00") if i % 11 == 0 else Decimal(0),
                          "verified", "ineligible" if i % 11 == 0 else None,
                          "Niet subsidiabel volgens de programmaregels." if i % 11 == 0 else "") for i in range(n))
    info = ClaimInfo(1, 3, "Howest", 1, date(2019, 10, 1), date(2020, 3, 31), "certified", NOW, NOW, "Hanne",
                     "Fien", NOW, "Fien", Decimal("50.00"), True, Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    totals = [CategoryTotal(c, Decimal("100000.00"), Decimal(0), Decimal(0), Decimal(0), Decimal(0)) for c in cats]
    # streamed, as the app streams a claim's lines from the database
    return ClaimStatement(header, info, lines, totals, (EvidenceRow(i, f"factuur {i}.pdf", f"{i:064x}", 1234)
                                                        for i in range(0, n, 10)))


def extract_data(n: int):
    from reports.statements import AuditExtract, AuditScope, EventRow
    header = claim_data(0).header
    events = (EventRow(i + 1, NOW - timedelta(seconds=n - i), "Fien Financiën", "finance@example.org",
                       "finance_officer", "line verified", f"Expenditure #{i}: declared € 1.000,45, certified "
                       f"€ 975,45. Deduction € 25,00, Niet-subsidiabele kost: “Drinks”.", "claim", str(i % 400),
                       f"{i:064x}") for i in range(n))
    return AuditExtract(header, AuditScope(), n, 1, n, None, events)


def line_cells(line) -> list:
    """The cells of one line as the statement shows them (the baselines write the same values)."""
    return [line.expenditure_id, line.internal_ref, line.supplier, line.invoice_number, line.invoice_date,
            line.payment_date, line.category.kind, line.description, line.declared, line.deduction, line.certified,
            line.error_type or "", line.comment, "nee", "geverifieerd"]


def bare_xlsx(data) -> bytes:
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Lines")
    ws.append([f"c{i}" for i in range(15)])
    for line in data.lines:
        ws.append(line_cells(line))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def bare_pdf(data) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from reports import formatting
    from reports.statements.pdf_doc import register_fonts
    register_fonts()
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), "Cofund-Cond"), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                        ("LEADING", (0, 0), (-1, -1), 9), ("GRID", (0, 0), (-1, -1), 0.25, "#999999")])
    widths = [28, 54, 94, 60, 42, 42, 85, 54, 48, 54, 150, 51]
    head = ["Exp.", "Ref", "Supplier", "Invoice", "Date", "Paid", "Category", "Declared", "Deducted", "Certified",
            "Error", "Status"]
    rows = [[str(line.expenditure_id), line.internal_ref, line.supplier, line.invoice_number,
             formatting.day(line.invoice_date, "nl"), formatting.day(line.payment_date, "nl"), line.category.kind,
             formatting.money(line.declared, "nl", sign=False), formatting.money(line.deduction, "nl", sign=False),
             formatting.money(line.certified, "nl", sign=False), line.comment, line.status] for line in data.lines]
    story = [Table([head] + rows[i:i + 500], colWidths=widths, repeatRows=1, style=style)
             for i in range(0, len(rows), 500)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=40, rightMargin=40).build(story)
    return buffer.getvalue()


def claim_end_to_end(n: int = 1000) -> dict:
    """A claim of n lines through the app's services on a fresh SQLite database; time to make each format."""
    import tempfile

    from app import create_app
    from app.demo import seed_demo
    from app.extensions import db
    tmp = Path(tempfile.mkdtemp(prefix="cofund-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'db.sqlite3'}", "SECRET_KEY": "bench",
                      "AUDIT_SIGNING_KEY_FILE": str(tmp / "key.pem"), "AUDIT_CHECKPOINT_LOG": str(tmp / "cp.log"),
                      "DOCUMENT_DIR": str(tmp / "docs"), "EXPORT_DIR": str(tmp / "exports")})
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import select

        from app.models import CategoryKind, CostCategory, Organisation, Partner, ReportingPeriod, User
        from app.services import claims, expenditures
        from app.services.audit import Actor
        from app.services.expenditures import ExpenditureData
        from app.services.statements.produce import Spec, make
        upgrade()
        seed_demo(history=False)
        db.session.commit()
        user = db.session.scalar(select(User).where(User.email == "partner.howest@example.org"))
        actor = Actor(user.id, user.email, "127.0.0.1")
        partner = db.session.scalar(select(Partner).join(Organisation).where(Organisation.name == "Howest",
                                                                             Partner.number == 3))
        period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.project_id == partner.project_id,
                                                                 ReportingPeriod.number == 1))
        category = db.session.scalar(select(CostCategory).where(CostCategory.project_id == partner.project_id,
                                                                CostCategory.kind == CategoryKind.EXTERNAL))
        ids = [expenditures.create(actor, user, partner, ExpenditureData(
            category_id=category.id, period_id=period.id, supplier=SUPPLIERS[i % 5], invoice_number=f"B-{i:05d}",
            invoice_date=date(2019, 11, 1), payment_date=date(2019, 11, 15), description="Bench",
            gross_amount=Decimal("100.00"), vat_amount=Decimal("0.00"), vat_recoverable=False,
            declared_amount=Decimal("100.00"), internal_ref=f"B{i}")).id for i in range(n)]
        claim = claims.create_claim(actor, user, partner, period.id)
        claims.add_lines(actor, user, claim, ids)
        db.session.commit()
        result = {}
        user_id, project_id, claim_id = user.id, partner.project_id, claim.id
        from app.models import Project
        for fmt in ("xlsx", "pdf"):
            db.session.expunge_all()  # as a new request: nothing loaded yet
            start = time.perf_counter()
            make(db.session.get(User, user_id), db.session.get(Project, project_id),
                 Spec.parse("claim-statement", fmt, "nl", claim=claim_id), "bench")
            result[fmt] = time.perf_counter() - start
        return result


def one(kind: str, n: int) -> dict:
    """Run one measurement in this process; returns seconds, peak RSS (MiB) and output size."""
    from reports.statements import build
    if kind == "claim-1000":
        times = claim_end_to_end(1000)
        return {"seconds": max(times.values()), "detail": times, "peak_mib": _peak()}
    data = extract_data(n) if kind.startswith("extract") else claim_data(n)
    start = time.perf_counter()
    if kind == "ours-xlsx":
        out = build("claim-statement", "xlsx", data, "nl")
    elif kind == "ours-pdf":
        out = build("claim-statement", "pdf", data, "nl")
    elif kind == "bare-xlsx":
        out = bare_xlsx(data)
    elif kind == "bare-pdf":
        out = bare_pdf(data)
    elif kind == "extract-xlsx":
        out = build("audit-extract", "xlsx", data, "nl")
    else:
        out = build("audit-extract", "pdf", data, "nl")
    return {"seconds": time.perf_counter() - start, "peak_mib": _peak(), "bytes": len(out)}


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--one")
    parser.add_argument("--reps", type=int, default=2, help="runs of each pair; the fastest counts")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.lines)))
        return
    def measure(kind: str) -> dict:
        run = subprocess.run([sys.executable, __file__, "--one", kind, "--lines", str(args.lines)],
                             capture_output=True, text=True, check=True)
        return json.loads(run.stdout.strip().splitlines()[-1])

    # The pairs run interleaved, each pair --reps times; the fastest run of each counts (the machine is shared,
    # so the slower runs measure the neighbours), and the highest peak memory.
    results: dict[str, dict] = {}
    pairs = [("bare-xlsx", "ours-xlsx"), ("bare-pdf", "ours-pdf"), ("extract-xlsx",), ("extract-pdf",),
             ("claim-1000",)]
    for pair in pairs:
        for _ in range(args.reps if len(pair) == 2 else 1):
            for kind in pair:
                r = measure(kind)
                best = results.setdefault(kind, r)
                if r["seconds"] < best["seconds"]:
                    results[kind] = {**r, "peak_mib": max(r["peak_mib"], best["peak_mib"])}
                else:
                    best["peak_mib"] = max(r["peak_mib"], best["peak_mib"])
        for kind in pair:
            r = results[kind]
            print(f"{kind:13s} {r['seconds']:8.2f} s  peak {r['peak_mib']:7.1f} MiB"
                  + (f"  {r['bytes'] / 1e6:7.1f} MB" if "bytes" in r else f"  {r.get('detail')}"), flush=True)
    xlsx = results["ours-xlsx"]["seconds"] / results["bare-xlsx"]["seconds"]
    pdf = results["ours-pdf"]["seconds"] / results["bare-pdf"]["seconds"]
    peak = max(results[k]["peak_mib"] for k in ("ours-xlsx", "ours-pdf", "extract-xlsx", "extract-pdf"))
    print(f"\n{args.lines:,} lines")
    print(f"XLSX ours / bare write-only: {xlsx:.2f}x (target <= 1.25x) {'OK' if xlsx <= 1.25 else 'MISSED'}")
    print(f"PDF ours / bare 500-row tables: {pdf:.2f}x (target <= 1.5x) {'OK' if pdf <= 1.5 else 'MISSED'}")
    limit = 150e6 / 2**20  # 150 MB = 143 MiB
    print(f"peak memory of our statements: {peak:.0f} MiB = {peak * 2**20 / 1e6:.0f} MB (target < 150 MB for "
          f"100,000 lines) {'OK' if peak < limit else 'MISSED'}")
    claim = results["claim-1000"]["seconds"]
    print(f"claim statement of 1,000 lines through the app, slowest format: {claim:.2f} s (target < 2 s) "
          f"{'OK' if claim < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
