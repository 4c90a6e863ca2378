"""The life of a correction after it is booked, on the demo history: what a later claim may still declare
against the partner's budget (the net certified figures), the demo's recovery settled by offset and the one
still open, and a partner whose whole share of a payment request is offset."""
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.models import (
    AuditEvent,
    CategoryKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    CorrectionKind,
    LineStatus,
    PaymentRequest,
    Recovery,
    RecoveryMeasure,
)
from app.money import percent_of
from app.services import claims, payments
from app.services.admin.versions import budget_in_force
from app.services.audit import verify_chain
from app.services.corrections import recoveries
from app.services.corrections.net import net_certified
from app.services.statements.produce import Spec, make
from tests.factories import actor, category, partner, period, project, submitted_claim, user
from tests.services.test_corrections import after, book, certify_new, finding, line_of, odisee_claim

pytestmark = pytest.mark.demo_history
FIN, ODISEE, HOWEST = "finance@example.org", "partner.odisee@example.org", "partner.howest@example.org"
D = Decimal


def claim_of(name, period_no):
    return db.session.scalar(select(Claim).where(Claim.partner_id == partner(name).id,
                                                 Claim.period_id == period(period_no).id))


def row(claim, kind):
    return next(r for r in claims.figures(claim).rows if r.kind is kind)


def test_net_certified_is_certified_less_corrections_per_category(app):
    odisee = partner("Odisee")
    staff, office, external = (category(k).id for k in (CategoryKind.STAFF, CategoryKind.OFFICE,
                                                         CategoryKind.EXTERNAL))
    before = net_certified(odisee.id)
    # period 1 (9,870.00 staff, 800.00 bus less the demo's 200.00) and period 2 (19,740.00 staff, 2,000.00 room
    # hire less the 2021 control's 200.00; the bus copy parked); office 15% of staff
    assert before[staff] == D("29610.00") and before[office] == D("4441.50") and before[external] == D("2400.00")
    c = book(finding(line_of(odisee_claim(), CategoryKind.STAFF)), kind=CorrectionKind.LINE, amount=D("1000.00"))
    after = net_certified(odisee.id)
    assert after[staff] == before[staff] - D("1000.00") and after[office] == before[office] - D("150.00")
    assert sum(after.values()) == sum(before.values()) + c.total
    # the figures a certifier saw stay as they were: corrections booked after a moment do not count before it
    assert net_certified(odisee.id, before=c.booked_at) == before


def test_a_correction_frees_budget_for_a_later_claim(app):
    """Odisee's equipment: a new claim that takes it 1.00 over its budget plus flexibility is refused; once a
    10% procurement correction takes 180.00 off the period-1 laptops, the same claim is certified."""
    odisee, equipment = partner("Odisee"), category(CategoryKind.EQUIPMENT)
    budget = budget_in_force(odisee, period(3))[0][equipment.id]
    limit = budget + percent_of(budget, project().flexibility_rate)
    used = net_certified(odisee.id)[equipment.id]
    assert used == D("1800.00")
    fin = user(FIN)
    new, _ = submitted_claim("Odisee", ODISEE, period_no=3, lines=[
        {"kind": CategoryKind.EQUIPMENT, "amount": str(limit - used + D("1.00")), "payment_date": date(2020, 11, 4)}])
    claims.start_verification(actor(fin), fin, new)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == new.id)):
        claims.verify_line(actor(fin), fin, new, line.id)
    with pytest.raises(DomainError, match="flexibiliteit"):
        claims.certify(actor(fin), fin, new)
    assert row(new, CategoryKind.EQUIPMENT).earlier == D("1800.00")
    book(finding(claim=odisee_claim()), kind=CorrectionKind.CATEGORY_RATE, rate=D("10.00"),
         category_id=equipment.id)
    assert row(new, CategoryKind.EQUIPMENT).earlier == D("1620.00")  # what the claim page shows, net
    claims.certify(actor(fin), fin, new)
    assert new.status is ClaimStatus.CERTIFIED
    # Odisee's period-2 claim, certified in January 2021, keeps the figures its certifier saw: the demo's
    # correction of November 2020 counted (the bus: 800.00 less 200.00), this one of today not
    p2 = claim_of("Odisee", 2)
    assert row(p2, CategoryKind.EQUIPMENT).earlier == D("1800.00")
    assert row(p2, CategoryKind.EXTERNAL).earlier == D("600.00")


def test_the_demo_recovery_is_offset_against_the_next_transfer_and_one_stays_open(app):
    odisee = partner("Odisee")
    recs = db.session.scalars(select(Recovery).where(Recovery.partner_id == odisee.id).order_by(Recovery.id)).all()
    assert [(r.amount, r.outstanding, r.measure) for r in recs] == [
        (D("100.00"), D("0.00"), RecoveryMeasure.OFFSET), (D("100.00"), D("100.00"), RecoveryMeasure.OFFSET)]
    [settlement] = recs[0].settlements
    assert settlement.kind is RecoveryMeasure.OFFSET
    request = db.session.get(PaymentRequest, settlement.payment_request_id)
    [share] = payments.shares(request)
    assert share.partner.id == odisee.id and share.offset == D("100.00")
    assert share.due == share.efro - D("100.00") == share.transferred == request.amount_requested
    [claim] = request.claims
    assert claim.period.number == 2 and claim.status is ClaimStatus.PAID
    # the copy of the period-1 bus invoice was parked, and Odisee's period-4 draft takes it again
    parked = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id,
                                                       ClaimLine.status == LineStatus.PARKED))
    draft = claim_of("Odisee", 4)
    assert draft.status is ClaimStatus.DRAFT and parked.expenditure_id in {
        line.expenditure_id for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == draft.id))}
    assert request.received_amount == request.amount_requested
    # the open one: seen by Odisee's users and the finance officer, not by another partner
    assert recoveries.recoveries_of(user(ODISEE), project(), open_only=True) == [recs[1]]
    assert recs[1] in recoveries.recoveries_of(user(FIN), project(), open_only=True)
    assert recoveries.recoveries_of(user(HOWEST), project()) == []
    assert verify_chain().ok


def test_a_partner_whose_whole_share_is_offset_is_paid_nothing_and_its_claim_is_settled(app):
    """Odisee owes more than its new claim brings: its whole share goes to the recoveries, nothing is passed
    on to it, its claim is paid (settled by the offset) when the programme pays the request, and the payment
    request, its claim's certificate and the register say so."""
    fin = user(FIN)
    big = book(finding(line_of(claim_of("Odisee", 2), CategoryKind.STAFF)), kind=CorrectionKind.LINE,
               amount=D("2000.00"))  # staff 2,000.00 and office 300.00: EFRO 1,150.00 to recover
    big_recovery = db.session.scalar(select(Recovery).where(Recovery.correction_id == big.id))
    mine = certify_new("Odisee", ODISEE, "1000.00")  # EFRO 500.00
    other = certify_new("Howest", HOWEST, "1000.00")  # EFRO 500.00
    request = payments.create_request(actor(fin), fin, project(), [mine.id, other.id])
    shares = {s.partner.name: s for s in payments.shares(request)}
    assert (shares["Odisee"].efro, shares["Odisee"].offset, shares["Odisee"].due) == (
        D("500.00"), D("500.00"), D("0.00"))  # the demo's open 100.00, then 400.00 of the new one
    assert request.amount_requested == D("500.00")  # Howest's share: the programme is asked for the net
    assert big_recovery.outstanding == D("750.00")
    payments.record_received(actor(fin), fin, project(), request, date(2023, 1, 10), D("500.00"))
    assert mine.status is ClaimStatus.PAID and mine.paid_at is not None  # settled by the offset
    received = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.received")
                                  .order_by(AuditEvent.id.desc())).first()
    assert after(received)["claims_paid"] == [mine.id]
    assert other.status is ClaimStatus.INCLUDED_IN_PAYMENT  # waits for its transfer
    with pytest.raises(DomainError):  # nothing to pass on to Odisee
        payments.record_transfer(actor(fin), fin, project(), request, partner("Odisee").id, date(2023, 1, 11),
                                 D("0.01"))
    payments.record_transfer(actor(fin), fin, project(), request, partner("Howest").id, date(2023, 1, 11),
                             D("500.00"))
    assert other.status is ClaimStatus.PAID
    shares = {s.partner.name: s for s in payments.shares(request)}
    assert (shares["Odisee"].transferred, shares["Odisee"].outstanding) == (D("0.00"), D("0.00"))
    # Odisee's users see a share of nothing and nothing passed on, in the list as on the request's page
    from app.services.payments.queries import request_rows, request_view
    [listed] = [r for r in request_rows(user(ODISEE), project()) if r.id == request.id]
    assert (listed.requested, listed.transferred) == (D("0.00"), D("0.00"))
    view = request_view(user(ODISEE), project(), request)
    assert (view.requested, view.transferred, [s.partner.name for s in view.shares]) == (D("0.00"), D("0.00"),
                                                                                         ["Odisee"])
    db.session.commit()
    # the claim's certificate: the offset, nothing passed on
    content = make(None, project(), Spec.parse("certificate", "xlsx", "en", claim=mine.id), "test")[1]
    facts = {r[0].value: r[1].value for r in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows()
             if r[0].value}
    assert facts["Payment request"] == request.number
    assert D(str(facts["Recovery offset"])) == D("-500.00") and D(str(facts["Passed on"])) == D("0")
    # the register: the offsets settle the recoveries (the demo's 2021 one in full, the new one in part)
    register = make(None, project(), Spec.parse("corrections-register", "xlsx", "en"), "test")[1]
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(register)).worksheets[3].iter_rows()]
    header = next(r for r in rows if r and r[0] == "No.")
    by_id = {r[0]: dict(zip(header, r, strict=False)) for r in rows[1:] if isinstance(r[0], int)}
    new_row = by_id[big_recovery.id]
    assert D(str(new_row["Offset"])) == D("400.00") and D(str(new_row["Outstanding"])) == D("750.00")


def test_procurement_rates_5_and_25_with_the_flat_rate_following(app):
    """A 25% correction on Odisee's period-1 staff costs takes the office flat rate (15% of staff) down with
    it; a 5% correction on the whole claim then takes 5% of every real-cost category that is left."""
    claim = odisee_claim()
    f = finding(claim=claim)
    staff = book(f, kind=CorrectionKind.CATEGORY_RATE, rate=D("25.00"), category_id=category(CategoryKind.STAFF).id)
    amounts = {(a.category.kind, a.flat_rate): a.amount for a in staff.amounts}
    # 25% of 9,870.00 = 2,467.50; office: 15% of 7,402.50 = 1,110.37 (rounded down) instead of 1,480.50
    assert amounts == {(CategoryKind.STAFF, False): D("-2467.50"), (CategoryKind.OFFICE, True): D("-370.13")}
    assert (staff.total, staff.efro, staff.contribution) == (D("-2837.63"), D("-1418.81"), D("-1418.82"))
    whole = book(f, kind=CorrectionKind.CLAIM_RATE, rate=D("5.00"))
    amounts = {(a.category.kind, a.flat_rate): a.amount for a in whole.amounts}
    # what is left: staff 7,402.50, bus 600.00 (after the demo's 25%), laptops 1,800.00; office follows:
    # 5% of 7,402.50 = 370.13 (half up); 15% of 7,032.37 = 1,054.85 (rounded down) instead of 1,110.37
    assert amounts == {(CategoryKind.STAFF, False): D("-370.13"), (CategoryKind.EXTERNAL, False): D("-30.00"),
                       (CategoryKind.EQUIPMENT, False): D("-90.00"), (CategoryKind.OFFICE, True): D("-55.52")}
    assert whole.total == D("-545.65") and sum(a.efro for a in whole.amounts) == whole.efro
    assert whole.rate == D("5.00") and staff.rate == D("25.00")


def test_remaining_budget_and_absorption_are_net_of_corrections(app):
    from datetime import UTC, datetime

    from app.services.funding.portfolio import portfolio
    from app.services.statements.project import financial_report
    from reports.statements import Anchor, Header
    from reports.statements.data import absorption
    today = date.today()
    les = next(r for r in portfolio(user(FIN), today) if r.code == "LES")
    assert les.corrected == D("-400.00")  # the demo's two corrections of 200.00
    assert les.absorption == absorption(les.certified - D("400.00"), les.budget)
    header = Header("P", "X", "X", datetime(2026, 1, 1, tzinfo=UTC), "test", Anchor(0, "0" * 64))
    report = financial_report(project(), today, header)
    odisee = next(r for r in report.partners if r.partner_name == "Odisee")
    assert odisee.corrected == D("-400.00")
    assert odisee.remaining == odisee.budget - odisee.certified + D("400.00")
    assert odisee.absorption == absorption(odisee.certified - D("400.00"), odisee.budget)
