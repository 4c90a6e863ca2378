"""Audits, financial corrections, recoveries, the EFRO ceiling and short receipts: the rules, on the demo
history (Odisee's period-1 claim certified and paid: staff 9,870.00, bus 800.00, laptops 1,800.00, office
15% of staff 1,480.50; its 2020 recovery of 100.00 offset against its period-2 claim, and a recovery of
100.00 from the 2021 control still open, to be offset)."""
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import DomainError, PermissionDenied
from app.extensions import db
from app.models import (
    AuditBody,
    AuditEvent,
    CategoryKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    CorrectionKind,
    ErrorType,
    Expenditure,
    FinancialCorrection,
    Recovery,
    RecoveryMeasure,
)
from app.money import split_fund
from app.services import audits, claims, payments
from app.services.audit import verify_chain
from app.services.corrections import booking, recoveries
from tests.factories import actor, category, partner, period, project, submitted_claim, user

pytestmark = pytest.mark.demo_history
FIN, AUD = "finance@example.org", "auditor@example.org"
D = Decimal


def odisee_claim():
    return db.session.scalar(select(Claim).where(Claim.partner_id == partner("Odisee").id,
                                                 Claim.period_id == period(1).id))


def line_of(claim, kind):
    return db.session.scalar(select(ClaimLine).join(Expenditure).where(
        ClaimLine.claim_id == claim.id, Expenditure.category_id == category(kind).id))


def finding(line=None, claim=None, error=ErrorType.PROCUREMENT):
    aud = user(AUD)
    record = audits.create_audit(actor(aud), aud, project(), audits.AuditData(
        AuditBody.AUDIT_AUTHORITY, "AA-2021-07", date(2021, 3, 1), line_ids=[line.id] if line else [],
        claim_ids=[claim.id] if claim else []))
    return audits.add_finding(actor(aud), aud, project(), record, description="Geen offertes", error_type=error,
                              claim_line_id=line.id if line else None, claim_id=claim.id if claim else None,
                              irregularity=True, files=[("rapport.pdf", b"%PDF-1.4\n%%EOF\n")])


def book(f, **kw):
    fin = user(FIN)
    return booking.book_correction(actor(fin), fin, project(), f, comment="Aanbesteding niet gevolgd", **kw)


def after(event) -> dict:
    return json.loads(event.after) if isinstance(event.after, str) else event.after


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_auditor_records_audit_and_finding_but_books_no_correction(app):
    claim = odisee_claim()
    line = line_of(claim, CategoryKind.EXTERNAL)
    f = finding(line)
    assert f.partner_id == partner("Odisee").id and len(f.documents) == 1
    # the bus invoice: sampled by the demo's audit authority too
    assert [a.reference for a in audits.audits_by_line(user(AUD), claim)[line.id]] == ["AA-2020-LES-01", "AA-2021-07"]
    assert audits.audits_by_line(user("partner.odisee@example.org"), claim) == {}
    assert events("audit.recorded") and events("audit.finding_added")
    aud = user(AUD)
    with pytest.raises(PermissionDenied):
        booking.book_correction(actor(aud), aud, project(), f, kind=CorrectionKind.LINE, amount=D("10.00"),
                                comment="x")
    fin = user(FIN)
    with pytest.raises(PermissionDenied):
        audits.create_audit(actor(fin), fin, project(), audits.AuditData(AuditBody.COMMISSION, "EC", date(2021, 1, 1),
                                                                         scope_note="alles"))


def test_line_correction_25_percent_is_a_new_negative_record_split_by_the_claim_rule(app):
    claim = odisee_claim()
    before = (claim.certified_total, claim.efro_total)
    line = line_of(claim, CategoryKind.EXTERNAL)
    c = book(finding(line), kind=CorrectionKind.LINE, amount=D("200.00"))
    assert c.total == D("-200.00")
    assert (c.efro, c.contribution) == (D("-100.00"), D("-100.00"))
    assert (claim.certified_total, claim.efro_total) == before  # the certified record is untouched
    rec = db.session.scalar(select(Recovery).where(Recovery.correction_id == c.id))
    assert rec.amount == D("100.00") and rec.measure is RecoveryMeasure.OFFSET and rec.outstanding == D("100.00")
    assert events("correction.booked") and events("recovery.opened")
    with pytest.raises(DomainError):  # not more than what is left of the line
        book(c.finding, kind=CorrectionKind.LINE, amount=D("600.01"))


def test_staff_correction_takes_the_office_flat_rate_down_too(app):
    claim = odisee_claim()
    staff = line_of(claim, CategoryKind.STAFF)
    c = book(finding(staff, error=ErrorType.STAFF_COSTS), kind=CorrectionKind.LINE, amount=D("1000.00"))
    amounts = {(a.category.kind, a.flat_rate): a.amount for a in c.amounts}
    # office 15% of staff: 15% of 9,870.00 = 1,480.50; of 8,870.00 = 1,330.50: 150.00 follows
    assert amounts == {(CategoryKind.STAFF, False): D("-1000.00"), (CategoryKind.OFFICE, True): D("-150.00")}
    assert c.total == D("-1150.00")
    assert c.efro == -split_fund(D("1150.00"), project().cofinancing_rate)[0]
    assert sum(a.efro for a in c.amounts) == c.efro


def test_flat_rate_corrections_on_category_and_claim(app):
    claim = odisee_claim()
    f = finding(claim=claim)
    with pytest.raises(DomainError):
        book(f, kind=CorrectionKind.CLAIM_RATE, rate=D("20.00"))
    with pytest.raises(DomainError):  # office is itself a flat rate
        book(f, kind=CorrectionKind.CATEGORY_RATE, rate=D("25.00"), category_id=category(CategoryKind.OFFICE).id)
    c = book(f, kind=CorrectionKind.CATEGORY_RATE, rate=D("10.00"), category_id=category(CategoryKind.EQUIPMENT).id)
    assert c.total == D("-180.00")
    whole = book(f, kind=CorrectionKind.CLAIM_RATE, rate=D("100.00"))
    # 100% of what is left (after the demo's correction too): net certified zero, its EFRO fully taken back
    corrections = db.session.scalars(select(FinancialCorrection).where(FinancialCorrection.claim_id == claim.id)).all()
    assert len(corrections) == 3 and whole in corrections
    assert claim.certified_total + sum(x.total for x in corrections) == 0
    assert claim.efro_total + sum(x.efro for x in corrections) == 0
    with pytest.raises(DomainError):
        book(f, kind=CorrectionKind.CLAIM_RATE, rate=D("5.00"))


def test_offset_against_the_next_payment_request_and_repayment_and_write_off(app):
    claim = odisee_claim()
    c = book(finding(line_of(claim, CategoryKind.EXTERNAL)), kind=CorrectionKind.LINE, amount=D("200.00"))
    rec = db.session.scalar(select(Recovery).where(Recovery.correction_id == c.id))
    # Odisee's period-2 claim: verified and certified by the finance officer, then requested
    new, _ = submitted_claim("Odisee", "partner.odisee@example.org", period_no=3,
                             lines=[{"amount": "1000.00", "payment_date": date(2020, 11, 4)}])
    fin = user(FIN)
    claims.start_verification(actor(fin), fin, new)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == new.id)):
        claims.verify_line(actor(fin), fin, new, line.id)
    claims.certify(actor(fin), fin, new)
    request = payments.create_request(actor(fin), fin, project(), [new.id])
    share = payments.shares(request)[0]
    # the demo's open recovery (100.00) and this one (100.00), oldest first
    assert (share.efro, share.offset, share.due) == (new.efro_total, D("200.00"), new.efro_total - D("200.00"))
    assert request.amount_requested == new.efro_total - D("200.00")
    assert rec.outstanding == 0
    # repayment and write-off of other recoveries
    c2 = book(c.finding, kind=CorrectionKind.LINE, amount=D("100.00"))
    r2 = db.session.scalar(select(Recovery).where(Recovery.correction_id == c2.id))
    with pytest.raises(DomainError):
        recoveries.book_repayment(actor(fin), fin, project(), r2, D("50.01"), date(2021, 1, 1))
    recoveries.book_repayment(actor(fin), fin, project(), r2, D("20.00"), date(2021, 1, 1))
    recoveries.write_off(actor(fin), fin, project(), r2, "Partner failliet")
    assert r2.outstanding == 0 and len(r2.settlements) == 2
    # the demo's offset of 2021, then this test's
    assert [after(e)["kind"] for e in events("recovery.settled")] == ["offset", "offset", "offset", "repayment",
                                                                       "write_off"]
    odisee = user("partner.odisee@example.org")
    assert {rec.id, r2.id} < {r.id for r in recoveries.recoveries_of(odisee, project())}  # with the demo's
    assert recoveries.recoveries_of(user("partner.howest@example.org"), project()) == []
    assert verify_chain().ok


def test_short_receipt_is_attributed_and_not_passed_on(app):
    fin = user(FIN)
    new, _ = submitted_claim("Odisee", "partner.odisee@example.org", period_no=3,
                             lines=[{"amount": "1000.00", "payment_date": date(2020, 11, 4)}])
    claims.start_verification(actor(fin), fin, new)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == new.id)):
        claims.verify_line(actor(fin), fin, new, line.id)
    claims.certify(actor(fin), fin, new)
    request = payments.create_request(actor(fin), fin, project(), [new.id])
    assert request.amount_requested == D("400.00")  # 500.00 less the demo's recovery offset
    with pytest.raises(DomainError):  # a difference without attribution
        payments.record_received(actor(fin), fin, project(), request, date(2020, 11, 1), D("300.00"))
    with pytest.raises(DomainError):  # attributed, but not the whole difference
        payments.record_received(actor(fin), fin, project(), request, date(2020, 11, 1), D("300.00"),
                                 [(new.id, D("99.99"), "Ingehouden")])
    payments.record_received(actor(fin), fin, project(), request, date(2020, 11, 1), D("300.00"),
                             [(new.id, D("100.00"), "Programma hield een ineligibel bedrag in")])
    share = payments.shares(request)[0]
    assert (share.offset, share.not_received, share.due) == (D("100.00"), D("100.00"), D("300.00"))
    with pytest.raises(DomainError):
        payments.record_transfer(actor(fin), fin, project(), request, share.partner.id, date(2020, 11, 2),
                                 D("300.01"))
    payments.record_transfer(actor(fin), fin, project(), request, share.partner.id, date(2020, 11, 2), D("300.00"))
    assert after(events("payment.received")[-1])["shortfalls"][0]["amount"] == "100.00"
    assert new.status is ClaimStatus.PAID


def certify_new(name, email, amount, period_no=3, pay=date(2020, 11, 4)):
    fin = user(FIN)
    new, _ = submitted_claim(name, email, period_no=period_no, lines=[{"amount": amount, "payment_date": pay}])
    claims.start_verification(actor(fin), fin, new)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == new.id)):
        claims.verify_line(actor(fin), fin, new, line.id)
    return claims.certify(actor(fin), fin, new)


def test_efro_ceiling_caps_instead_of_refusing(app):
    p = project()
    from app.services.corrections.ceiling import net_efro
    p.efro_ceiling = net_efro(p) + D("300.00")
    claim = certify_new("Odisee", "partner.odisee@example.org", "1000.00")
    assert claim.status is ClaimStatus.CERTIFIED
    assert (claim.certified_total, claim.efro_total, claim.contribution_total, claim.efro_capped) == (
        D("1000.00"), D("300.00"), D("700.00"), D("200.00"))
    assert net_efro(p) == p.efro_ceiling


def test_efro_per_partner_ceiling(app):
    p = project()
    p.efro_per_partner = True
    from app.models import FundingKind, FundingSource
    from app.services.corrections.ceiling import net_efro
    source = db.session.scalar(select(FundingSource).where(FundingSource.partner_id == partner("Odisee").id,
                                                           FundingSource.kind == FundingKind.EFRO))
    source.amount = net_efro(p, partner("Odisee").id) + D("100.00")
    claim = certify_new("Odisee", "partner.odisee@example.org", "1000.00")
    assert (claim.efro_total, claim.efro_capped) == (D("100.00"), D("400.00"))


def test_negative_claim_is_certified_and_becomes_a_recovery(app):
    from app.services import expenditures
    odisee = user("partner.odisee@example.org")
    exp = db.session.scalar(select(Expenditure).join(ClaimLine).where(ClaimLine.claim_id == odisee_claim().id)
                            .order_by(Expenditure.id))
    fix = expenditures.correct(actor(odisee), odisee, exp, D("-500.00"), period(3).id, "Loon te hoog aangegeven")
    claim = claims.create_claim(actor(odisee), odisee, partner("Odisee"), period(3).id)
    claims.add_lines(actor(odisee), odisee, claim, [fix.id])
    claims.submit(actor(odisee), odisee, claim)
    fin = user(FIN)
    claims.start_verification(actor(fin), fin, claim)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)):
        claims.verify_line(actor(fin), fin, claim, line.id)
    claims.certify(actor(fin), fin, claim)
    assert claim.status is ClaimStatus.CERTIFIED and claim.certified_total < 0
    rec = db.session.scalar(select(Recovery).where(Recovery.claim_id == claim.id))
    assert rec.amount == -claim.efro_total
    assert claim not in payments.certified_unrequested(project())
