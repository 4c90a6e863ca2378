import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.errors import DomainError, PermissionDenied
from app.extensions import db
from app.models import (
    AuditEvent,
    CategoryKind,
    ClaimCategoryTotal,
    ClaimLine,
    ClaimStatus,
    ErrorType,
    ExpenditureStatus,
    LineStatus,
)
from app.services import claims as svc
from app.services import expenditures, payments
from app.services.audit import verify_chain
from tests.factories import actor, data, expenditure, partner, period, project, submitted_claim, user

FIN = "finance@example.org"


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def verify_all(claim, email=FIN, **kw):
    u = user(email)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)):
        svc.verify_line(actor(u), u, claim, line.id, **kw)


def test_full_lifecycle_with_deduction_park_and_payment(app):
    claim, exps = submitted_claim(lines=[{"amount": "1000.00"}, {"amount": "333.33"}, {"amount": "500.00"}])
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    lines = {ln.expenditure_id: ln
             for ln in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id))}
    svc.verify_line(actor(fin), fin, claim, lines[exps[0].id].id, deduction=Decimal("100.00"),
                    error_type=ErrorType.MISSING_EVIDENCE, comment="Geen betaalbewijs")
    svc.verify_line(actor(fin), fin, claim, lines[exps[1].id].id)
    svc.verify_line(actor(fin), fin, claim, lines[exps[2].id].id, park=True, comment="Offerte ontbreekt")
    svc.certify(actor(fin), fin, claim)
    db.session.commit()
    assert claim.status is ClaimStatus.CERTIFIED
    assert claim.certified_total == Decimal("1233.33")
    assert claim.efro_total == Decimal("616.66")  # 616.665 rounded down
    assert claim.contribution_total == Decimal("616.67")
    [total] = db.session.scalars(select(ClaimCategoryTotal).where(ClaimCategoryTotal.claim_id == claim.id)).all()
    assert total.declared == Decimal("1333.33") and total.certified == Decimal("1233.33")

    # the parked line can go into a later claim of the same partner
    howest, hu = partner("Howest"), user("partner.howest@example.org")
    later = svc.create_claim(actor(hu), hu, howest, period(2).id)
    assert exps[2].id in [e.id for e in svc.claimable_expenditures(later)]
    svc.add_lines(actor(hu), hu, later, [exps[2].id])

    request = payments.create_request(actor(fin), fin, project(), [claim.id])
    assert claim.status is ClaimStatus.INCLUDED_IN_PAYMENT and request.amount_requested == Decimal("616.66")
    from datetime import date
    payments.record_received(actor(fin), fin, project(), request, date(2021, 3, 1), Decimal("616.66"))
    payments.record_transfer(actor(fin), fin, project(), request, howest.id, date(2021, 3, 5), Decimal("600.00"))
    assert claim.status is ClaimStatus.INCLUDED_IN_PAYMENT
    payments.record_transfer(actor(fin), fin, project(), request, howest.id, date(2021, 3, 6), Decimal("16.66"))
    assert claim.status is ClaimStatus.PAID
    with pytest.raises(DomainError, match="tweede betaling"):
        payments.record_transfer(actor(fin), fin, project(), request, howest.id, date(2021, 3, 7), Decimal("1.00"))
    with pytest.raises(DomainError, match="al geboekt"):
        payments.record_received(actor(fin), fin, project(), request, date(2021, 3, 1), Decimal("616.66"))
    db.session.commit()
    for action in ("claim.created", "claim.lines_added", "claim.submitted", "claim.verification_started",
                   "claim.line_verified", "claim.line_parked", "claim.certified", "payment.requested",
                   "payment.received", "payment.transferred", "expenditure.created"):
        assert events(action), action
    assert verify_chain().ok


def test_submitting_an_empty_claim_is_refused(app):
    hu = user("partner.howest@example.org")
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    with pytest.raises(DomainError, match="lege declaratie"):
        svc.submit(actor(hu), hu, claim)


def test_one_claim_per_partner_per_period(app):
    hu = user("partner.howest@example.org")
    svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    with pytest.raises(DomainError, match="al een declaratie"):
        svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)


def test_submitted_claim_is_frozen(app):
    claim, exps = submitted_claim()
    hu = user("partner.howest@example.org")
    with pytest.raises(DomainError, match="ligt vast"):
        svc.add_lines(actor(hu), hu, claim, [expenditure(period_no=1).id])
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id))
    with pytest.raises(DomainError, match="ligt vast"):
        svc.remove_line(actor(hu), hu, claim, line.id)
    with pytest.raises(DomainError, match="kan niet meer gewijzigd"):
        expenditures.update(actor(hu), hu, exps[0], data(amount="1.00"))
    with pytest.raises(DomainError, match="kan niet meer gewijzigd"):
        expenditures.withdraw(actor(hu), hu, exps[0], "vergissing")
    with pytest.raises(DomainError, match="kan niet ingediend"):
        svc.submit(actor(hu), hu, claim)


@pytest.mark.parametrize("email, fragment", [
    ("partner.howest@example.org", "Alleen een financieel medewerker"),
    ("auditor@example.org", "Alleen een financieel medewerker"),
])
def test_only_finance_officers_verify(app, email, fragment):
    claim, _ = submitted_claim()
    u = user(email)
    with pytest.raises(PermissionDenied, match=fragment):
        svc.start_verification(actor(u), u, claim)


def test_four_eyes_registered_a_line(app):
    """The finance officer who registered a line of the claim may not verify it."""
    fin = user(FIN)
    exp = expenditures.create(actor(fin), fin, partner("Howest"), data())
    hu = user("partner.howest@example.org")
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [exp.id])
    svc.submit(actor(hu), hu, claim)
    with pytest.raises(PermissionDenied, match="Vier-ogenprincipe"):
        svc.start_verification(actor(fin), fin, claim)
    assert claim.status is ClaimStatus.SUBMITTED


def test_reading_evidence_never_blocks_verification(app, tmp_path):
    """Defect: downloading a line's invoice counted as changing it. Only changes count, reading never."""
    from app.services import documents
    claim, exps = submitted_claim(lines=[{"amount": "100.00"}, {"amount": "200.00"}])
    hu, fin = user("partner.howest@example.org"), user(FIN)
    link, = documents.attach(actor(hu), hu, exps[0], [("factuur.pdf", b"%PDF-1.4 demo")])
    db.session.commit()
    documents.download(actor(fin), fin, project(), link.id)  # reading: a 'document.downloaded' event
    db.session.commit()
    assert svc.verifier_problem(fin, claim) is None
    svc.start_verification(actor(fin), fin, claim)
    verify_all(claim)
    svc.certify(actor(fin), fin, claim)
    assert claim.status is ClaimStatus.CERTIFIED


@pytest.mark.parametrize("few", [2000, 0], ids=["few changes", "many changes"])
@pytest.mark.parametrize("change", ["updated", "documented", "corrected"])
def test_four_eyes_names_the_lines_the_verifier_changed(app, change, few, monkeypatch):
    """A finance officer who changed, documented or corrected a line of the claim may not verify it; the
    refusal names those expenditures and says another finance officer must verify. The same whether the
    verifier's changes are few (the claim's lines looked up by them) or many (each line looked up in them)."""
    from app.permissions import claims as four_eyes
    from app.services import documents
    monkeypatch.setattr(four_eyes, "FEW_CHANGES", few)
    hu, fin = user("partner.howest@example.org"), user(FIN)
    exps = [expenditure(), expenditure(), expenditure()]
    db.session.commit()
    if change == "updated":
        changed = expenditures.update(actor(fin), fin, exps[1], data(amount="999.00"))
    elif change == "documented":
        documents.attach(actor(fin), fin, exps[1], [("bewijs.pdf", b"%PDF-1.4 x")])
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [e.id for e in exps])
    svc.submit(actor(hu), hu, claim)
    if change == "corrected":
        changed = expenditures.correct(actor(fin), fin, exps[1], Decimal("-10.00"), period(2).id, "rekenfout")
        assert changed.corrects_id == exps[1].id
    problem = svc.verifier_problem(fin, claim)
    assert problem and f"#{exps[1].id}" in problem and "een andere financieel medewerker" in problem
    assert f"#{exps[0].id}" not in problem and f"#{exps[2].id}" not in problem
    with pytest.raises(PermissionDenied, match=f"#{exps[1].id}"):
        svc.start_verification(actor(fin), fin, claim)


def test_a_partners_upload_during_verification_never_blocks_the_verifier(app):
    from app.services import documents
    claim, exps = submitted_claim()
    hu, fin = user("partner.howest@example.org"), user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    documents.attach(actor(hu), hu, exps[0], [("nagestuurd.pdf", b"%PDF-1.4 later")])
    assert events("document.attached")[-1].user_id == hu.id
    assert svc.verifier_problem(fin, claim) is None


def test_efro_is_split_on_the_claim_total_not_per_category(app):
    """Jems: the report total times the rate, rounded down; the contribution is the rest. Per category
    it gave 50.00 + 50.00 = 100.00 EFRO and 100.02 contribution."""
    claim, _ = submitted_claim(partner_name="Odisee", email="partner.odisee@example.org", lines=[
        {"kind": CategoryKind.EXTERNAL, "amount": "100.01"}, {"kind": CategoryKind.TRAVEL, "amount": "100.01"}])
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    verify_all(claim)
    svc.certify(actor(fin), fin, claim)
    assert (claim.certified_total, claim.efro_total, claim.contribution_total) == (
        Decimal("200.02"), Decimal("100.01"), Decimal("100.01"))
    totals = db.session.scalars(select(ClaimCategoryTotal).where(ClaimCategoryTotal.claim_id == claim.id)).all()
    assert sorted(t.efro for t in totals) == [Decimal("50.00"), Decimal("50.01")]
    assert all(t.efro + t.contribution == t.certified for t in totals)
    fig = svc.figures(claim)
    assert fig.efro == Decimal("100.01") and fig.contribution == Decimal("100.01")


def test_four_eyes_submitted_the_claim(app):
    fin = user(FIN)
    hu = user("partner.howest@example.org")
    exp = expenditures.create(actor(hu), hu, partner("Howest"), data())
    claim = svc.create_claim(actor(fin), fin, partner("Howest"), period(1).id)
    svc.add_lines(actor(fin), fin, claim, [exp.id])
    svc.submit(actor(fin), fin, claim)
    with pytest.raises(PermissionDenied, match="zelf ingediend"):
        svc.start_verification(actor(fin), fin, claim)


def test_deduction_needs_error_type_and_comment(app):
    claim, _ = submitted_claim()
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id))
    with pytest.raises(DomainError, match="fouttype en een toelichting"):
        svc.verify_line(actor(fin), fin, claim, line.id, deduction=Decimal("10.00"))
    with pytest.raises(DomainError, match="hoger dan het gedeclareerde"):
        svc.verify_line(actor(fin), fin, claim, line.id, deduction=Decimal("1000.01"),
                        error_type=ErrorType.OTHER, comment="x")
    with pytest.raises(DomainError, match="geen korting"):
        svc.verify_line(actor(fin), fin, claim, line.id, deduction=Decimal("1.00"), park=True,
                        error_type=ErrorType.OTHER, comment="x")
    assert line.status is LineStatus.PENDING


def test_certification_needs_every_line_verified(app):
    claim, _ = submitted_claim(lines=[{"amount": "10.00"}, {"amount": "20.00"}])
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id))
    svc.verify_line(actor(fin), fin, claim, line.id)
    with pytest.raises(DomainError, match="Nog 1 lijn"):
        svc.certify(actor(fin), fin, claim)


def test_return_and_resubmit(app):
    claim, exps = submitted_claim()
    fin, hu = user(FIN), user("partner.howest@example.org")
    with pytest.raises(DomainError, match="waarom"):
        svc.return_claim(actor(fin), fin, claim, "  ")
    svc.return_claim(actor(fin), fin, claim, "Factuur onleesbaar")
    assert claim.status is ClaimStatus.RETURNED and claim.return_reason == "Factuur onleesbaar"
    expenditures.update(actor(hu), hu, exps[0], data(amount="900.00", invoice=exps[0].invoice_number))
    svc.submit(actor(hu), hu, claim)
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id))
    assert claim.status is ClaimStatus.SUBMITTED and line.declared_amount == Decimal("900.00")
    assert len(events("claim.returned")) == 1 and len(events("claim.submitted")) == 2


@pytest.mark.parametrize("action", ["certify", "return", "start_verification"])
def test_transitions_refused_from_draft(app, action):
    hu, fin = user("partner.howest@example.org"), user(FIN)
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [expenditure().id])
    with pytest.raises(DomainError, match="concept is, kan niet"):
        if action == "return":
            svc.return_claim(actor(fin), fin, claim, "x")
        else:
            getattr(svc, action)(actor(fin), fin, claim)
    assert claim.status is ClaimStatus.DRAFT


def test_transition_table_matches_the_workflow():
    S = ClaimStatus
    reachable = {(frm, to) for froms, to in svc.TRANSITIONS.values() for frm in froms}
    assert reachable == {(S.DRAFT, S.SUBMITTED), (S.RETURNED, S.SUBMITTED), (S.SUBMITTED, S.IN_VERIFICATION),
                         (S.SUBMITTED, S.RETURNED), (S.IN_VERIFICATION, S.RETURNED),
                         (S.IN_VERIFICATION, S.CERTIFIED), (S.CERTIFIED, S.INCLUDED_IN_PAYMENT),
                         (S.INCLUDED_IN_PAYMENT, S.PAID)}


def test_flat_rate_computed_on_category_totals_and_rounded_down(app):
    """Howest claims office and administration at 15% of staff costs: on the total, not per line."""
    claim, _ = submitted_claim(lines=[{"kind": CategoryKind.STAFF, "amount": "100.03"},
                                      {"kind": CategoryKind.STAFF, "amount": "100.03"}])
    fig = svc.figures(claim)
    office = next(r for r in fig.rows if r.kind is CategoryKind.OFFICE)
    assert office.flat_rate == "15% van de personeelskosten"
    assert office.declared == Decimal("30.00")  # 15% of 200.06 = 30.009 -> 30.00 (per line: 15.00 + 15.00)
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    verify_all(claim)
    svc.certify(actor(fin), fin, claim)
    totals = {t.category.kind: t for t in db.session.scalars(
        select(ClaimCategoryTotal).where(ClaimCategoryTotal.claim_id == claim.id))}
    assert totals[CategoryKind.OFFICE].flat_rate and totals[CategoryKind.OFFICE].certified == Decimal("30.00")
    assert claim.certified_total == Decimal("230.06")
    assert claim.efro_total == sum(t.efro for t in totals.values())


def test_no_expenditure_lines_in_a_flat_rate_category(app):
    with pytest.raises(DomainError, match="forfaitair"):
        expenditure(kind=CategoryKind.OFFICE)


def test_staff_as_flat_rate_of_other_direct_costs(app):
    """Dethon claims staff costs as 20% of its other direct costs."""
    claim, _ = submitted_claim("Dethon", FIN, lines=[{"kind": CategoryKind.EXTERNAL, "amount": "1000.00"},
                                                     {"kind": CategoryKind.EQUIPMENT, "amount": "234.57"}])
    staff = next(r for r in svc.figures(claim).rows if r.kind is CategoryKind.STAFF)
    assert staff.declared == Decimal("246.91")  # 20% of 1234.57 = 246.914


def test_flexibility_warning_and_refusal(app):
    """Howest equipment budget is 9,925.00; 10% flexibility allows up to 10,917.50."""
    claim, _ = submitted_claim(lines=[{"kind": CategoryKind.EQUIPMENT, "amount": "10500.00"}])
    warnings, refusals = svc.figures(claim).warnings("declared")
    assert warnings and not refusals and "binnen de flexibiliteit" in warnings[0]
    claim2, _ = submitted_claim(period_no=2, lines=[{"kind": CategoryKind.EQUIPMENT, "amount": "10917.51"}])
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim2)
    verify_all(claim2)
    with pytest.raises(DomainError, match="Certificering geweigerd.*flexibiliteit"):
        svc.certify(actor(fin), fin, claim2)
    assert claim2.status is ClaimStatus.IN_VERIFICATION


def test_duplicate_invoice_must_be_confirmed(app):
    expenditure("Odisee", "partner.odisee@example.org", supplier="Bus Travel NV", invoice="2020/17")
    claim, exps = submitted_claim(lines=[{"supplier": "BUS travel nv", "invoice": "2020-17"}])
    from app.services.claims.lines import duplicates_in
    assert list(duplicates_in(claim)) == [exps[0].id]
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    verify_all(claim)
    with pytest.raises(DomainError, match="dubbele financiering"):
        svc.certify(actor(fin), fin, claim)
    verify_all(claim, confirm_duplicate=True)
    svc.certify(actor(fin), fin, claim)
    assert claim.status is ClaimStatus.CERTIFIED


def test_withdrawn_line_stays_in_history_and_leaves_draft_claim(app):
    hu = user("partner.howest@example.org")
    exp = expenditure()
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [exp.id])
    expenditures.withdraw(actor(hu), hu, exp, "Dubbel ingevoerd")
    db.session.commit()
    assert exp.status is ExpenditureStatus.WITHDRAWN and exp.withdraw_reason == "Dubbel ingevoerd"
    assert db.session.scalar(select(func.count()).select_from(ClaimLine)) == 0
    assert svc.claimable_expenditures(claim) == []


def test_corrections_point_at_the_corrected_line(app):
    claim, exps = submitted_claim()
    hu = user("partner.howest@example.org")
    corr = expenditures.correct(actor(hu), hu, exps[0], Decimal("-200.00"), period(2).id, "Creditnota")
    assert corr.corrects_id == exps[0].id and corr.declared_amount == Decimal("-200.00")
    with pytest.raises(DomainError, match="minder dan nul"):
        expenditures.correct(actor(hu), hu, exps[0], Decimal("-800.01"), period(2).id, "te veel")


def test_certification_never_exceeds_partner_total_budget(app):
    """Odisee's total budget is 176,000.00: a claim that would take it over is refused."""
    big = [{"kind": CategoryKind.EXTERNAL, "amount": "36960.00"},
           {"kind": CategoryKind.STAFF, "amount": "109120.00"}, {"kind": CategoryKind.TRAVEL, "amount": "8800.00"},
           {"kind": CategoryKind.EQUIPMENT, "amount": "5280.00"}]
    claim, _ = submitted_claim("Odisee", "partner.odisee@example.org", lines=big)
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    verify_all(claim)
    # real costs are exactly the budget of their categories, but the 15% office flat rate comes on top:
    # 160,160.00 + 16,368.00 = 176,528.00 > 176,000.00 (each category stays within its flexibility)
    with pytest.raises(DomainError, match="meer dan het partnerbudget €\xa0176.000,00"):
        svc.certify(actor(fin), fin, claim)
    assert claim.status is ClaimStatus.IN_VERIFICATION


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000.00"), places=2),
                        min_size=1, max_size=6),
       deductions=st.lists(st.integers(min_value=0, max_value=100), min_size=6, max_size=6))
def test_certified_efro_plus_contribution_is_the_certified_total(app, amounts, deductions):
    """Never a cent lost: the claim's EFRO is its certified total times 50%, rounded down to the cent (as
    Jems computes a report's fund share); the categories' EFRO is an allocation that adds up to it exactly,
    each within a cent of its proportional share; per category and per claim EFRO + contribution =
    certified."""
    db.session.rollback()  # every example starts from the demo: nothing below is committed
    hu, fin = user("partner.howest@example.org"), user(FIN)
    kinds = [CategoryKind.STAFF, CategoryKind.EXTERNAL, CategoryKind.TRAVEL]
    exps = [expenditures.create(actor(hu), hu, partner("Howest"), data(kind=kinds[i % 3], amount=str(a)))
            for i, a in enumerate(amounts)]
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [e.id for e in exps])
    svc.submit(actor(hu), hu, claim)
    svc.start_verification(actor(fin), fin, claim)
    for line, pct in zip(db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)).all(),
                         deductions, strict=False):
        cut = (line.declared_amount * pct // 100).quantize(Decimal("0.01"))
        svc.verify_line(actor(fin), fin, claim, line.id, deduction=cut,
                        error_type=ErrorType.CALCULATION if cut else None, comment="test" if cut else "")
    try:
        svc.certify(actor(fin), fin, claim)
    except DomainError as e:
        assert "niets te certificeren" in str(e)
        db.session.rollback()
        return
    totals = db.session.scalars(select(ClaimCategoryTotal).where(ClaimCategoryTotal.claim_id == claim.id)).all()
    assert claim.efro_total <= claim.certified_total * Decimal("0.5") < claim.efro_total + Decimal("0.01")
    assert claim.efro_total + claim.contribution_total == claim.certified_total
    assert claim.certified_total == sum(t.certified for t in totals)
    assert claim.efro_total == sum(t.efro for t in totals)
    for t in totals:
        assert t.efro + t.contribution == t.certified
        assert abs(t.efro - t.certified * claim.efro_total / claim.certified_total) < Decimal("0.01")
    db.session.rollback()


def test_every_expenditure_and_claim_action_writes_its_event(app):
    hu = user("partner.howest@example.org")
    exp = expenditure()
    expenditures.update(actor(hu), hu, exp, data(amount="900.00", invoice=exp.invoice_number))
    other = expenditure()
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [exp.id, other.id])
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.expenditure_id == other.id))
    svc.remove_line(actor(hu), hu, claim, line.id)
    expenditures.withdraw(actor(hu), hu, other, "Vergissing")
    expenditures.correct(actor(hu), hu, exp, Decimal("-100.00"), period(1).id, "Creditnota")
    svc.submit(actor(hu), hu, claim)
    fin = user(FIN)
    svc.return_claim(actor(fin), fin, claim, "Bewijs ontbreekt")
    db.session.commit()
    expected = {"expenditure.created": 2, "expenditure.updated": 1, "expenditure.withdrawn": 1,
                "expenditure.corrected": 1, "claim.created": 1, "claim.lines_added": 1, "claim.line_removed": 1,
                "claim.submitted": 1, "claim.returned": 1}
    for action, count in expected.items():
        assert len(events(action)) == count, action
    updated = events("expenditure.updated")[0]
    assert '"declared_amount":"1000.00"' in updated.before and '"declared_amount":"900.00"' in updated.after
    assert all(e.project_id == project().id and e.role == "partner" for e in events("claim.created"))
    assert verify_chain().ok


def test_a_line_keeps_its_expenditures_category_as_submitted(app):
    """A claim line holds its expenditure's cost category like its amount: it follows a change while the claim
    is a draft, and the claim's figures per category read it."""
    hu = user("partner.howest@example.org")
    exp = expenditure(kind=CategoryKind.EXTERNAL, amount="250.00")
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [exp.id])
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id))
    assert line.category_id == exp.category_id
    expenditures.update(actor(hu), hu, exp, data(kind=CategoryKind.TRAVEL, amount="250.00"))
    db.session.refresh(line)
    travel = exp.category_id
    assert line.category_id == travel and exp.category.kind is CategoryKind.TRAVEL
    svc.submit(actor(hu), hu, claim)
    fig = svc.figures(claim)
    declared = {row.category_id: row.declared for row in fig.rows if row.declared}
    assert declared == {travel: Decimal("250.00")}
    with pytest.raises(DomainError):  # submitted: the expenditure, and so the line, no longer changes
        expenditures.update(actor(hu), hu, exp, data(kind=CategoryKind.EXTERNAL, amount="250.00"))


def test_the_history_names_the_first_lines_added_and_counts_the_rest(app):
    """Adding thousands of lines is one event that keeps every id; its sentence on the claim's page names the
    first 20 and counts the others."""
    from app.services import history
    hu = user("partner.howest@example.org")
    exps = [expenditure(amount="10.00") for _ in range(23)]
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [e.id for e in exps])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.lines_added")
                               .order_by(AuditEvent.seq.desc())).first()
    assert len(json.loads(event.after)["expenditure_ids"]) == 23
    [entry] = history.entries([event])
    assert f"#{exps[19].id} en nog 3" in entry.sentence and f"#{exps[20].id}" not in entry.sentence
    assert "23 uitgaven" in entry.sentence and "230,00" in entry.sentence
