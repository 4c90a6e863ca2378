"""The scale bench's data set: N expenditures with claims and audit events, by bulk inserts into the real
tables (bench/bench_scale.py builds it after the demo and measures the pages on it)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

BIG_PARTNER, DRAFT_PARTNER = "Odisee", "Howest"
BIG_LINES = 5000


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
        per_partner: dict[int, dict[int, list[tuple[int, Decimal, int]]]] = {}
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
                per_partner.setdefault(p.id, {}).setdefault(period_no, []).append((next_id, amount, cat.id))
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
        # claims of periods 3-5, submitted, where the demo has none; the big partner's last free period gets 5,000
        # lines (borrowing the expenditures of its period without a bench claim), its first free one is certified
        big = next(p for p in partners if p.organisation.name == BIG_PARTNER)
        free = [n for n in (3, 4, 5) if (big.id, periods[n].id) not in taken]
        big_no, cert_no = free[-1], free[0]
        donor = next(n for n in (5, 4, 3) if n not in (big_no, cert_no))
        next_claim = (db.session.scalar(select(func.max(Claim.id))) or 0) + 1
        claim_ids = {}
        line_rows = []
        moment = datetime(2022, 6, 1, 9, tzinfo=UTC)
        for p in partners:
            for period_no in (3, 4, 5):
                if (p.id, periods[period_no].id) in taken:
                    continue
                exps = per_partner.get(p.id, {}).get(period_no, [])
                if p.id == big.id and period_no == big_no:
                    extra = per_partner[p.id][donor][: max(0, BIG_LINES - len(exps))]
                    per_partner[p.id][donor] = per_partner[p.id][donor][len(extra):]
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
                line_rows += [{"claim_id": cid, "expenditure_id": eid, "declared_amount": amount, "category_id": cat_id,
                               "status": LineStatus.PENDING, "deduction": Decimal(0)} for eid, amount, cat_id in exps]
                event("claim.created", "claim", cid, {"partner_id": p.id, "period": period_no}, moment)
                declared = sum((a for _e, a, _c in exps), Decimal(0))
                event("claim.lines_added", "claim", cid, {"expenditure_ids": [e for e, _a, _c in exps],
                                                          "declared": declared}, moment)
                event("claim.submitted", "claim", cid, {"status": "submitted", "lines": len(exps),
                                                        "declared": declared}, moment)
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
        # the big claim in verification; the big partner's other claim verified line by line and certified
        big_claim = db.session.get(Claim, claim_ids[(big.id, big_no)])
        start_verification(actor, fin, big_claim)
        db.session.commit()
        cert = db.session.get(Claim, claim_ids[(big.id, cert_no)])
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
