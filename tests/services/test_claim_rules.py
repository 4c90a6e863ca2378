"""Rules around claims that a review found ways around; each test failed before its fix."""
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import DomainError, PermissionDenied
from app.extensions import db
from app.models import Claim, ClaimLine, ClaimStatus, ErrorType, LineStatus, PartnerTransfer, PaymentRequest
from app.services import claims as svc
from app.services import expenditures, payments
from tests.factories import actor, data, expenditure, partner, period, project, submitted_claim, user

FIN = "finance@example.org"


def lines(claim):
    return db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.id)).all()


def test_a_parked_line_stays_frozen_until_its_claim_is_certified(app):
    claim, exps = submitted_claim(lines=[{"amount": "1000.00"}, {"amount": "500.00"}])
    fin, hu = user(FIN), user("partner.howest@example.org")
    svc.start_verification(actor(fin), fin, claim)
    parked = lines(claim)[1]
    svc.verify_line(actor(fin), fin, claim, parked.id, park=True, comment="Offerte ontbreekt")
    with pytest.raises(DomainError, match="kan niet meer gewijzigd"):
        expenditures.update(actor(hu), hu, exps[1], data(amount="450.00", invoice=exps[1].invoice_number))
    with pytest.raises(DomainError, match="kan niet meer gewijzigd"):
        expenditures.withdraw(actor(hu), hu, exps[1], "weg ermee")
    svc.verify_line(actor(fin), fin, claim, lines(claim)[0].id)
    svc.certify(actor(fin), fin, claim)
    # once the claim is certified, the parked line is free again
    expenditures.update(actor(hu), hu, exps[1], data(amount="450.00", invoice=exps[1].invoice_number))
    assert exps[1].declared_amount == Decimal("450.00")


def test_four_eyes_covers_a_finance_officer_who_changed_a_partners_line(app):
    fin, hu = user(FIN), user("partner.howest@example.org")
    exp = expenditure()
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [exp.id])
    expenditures.update(actor(fin), fin, exp, data(amount="5000.00", invoice=exp.invoice_number))
    svc.submit(actor(hu), hu, claim)
    assert "gewijzigd" in svc.verifier_problem(fin, claim)
    with pytest.raises(PermissionDenied, match="Vier-ogenprincipe"):
        svc.start_verification(actor(fin), fin, claim)


def test_editing_a_line_of_a_returned_claim_resets_its_old_verification(app):
    claim, exps = submitted_claim()
    fin, hu = user(FIN), user("partner.howest@example.org")
    svc.start_verification(actor(fin), fin, claim)
    svc.verify_line(actor(fin), fin, claim, lines(claim)[0].id, deduction=Decimal("400.00"),
                    error_type=ErrorType.CALCULATION, comment="Rekenfout")
    svc.return_claim(actor(fin), fin, claim, "Herbekijk de factuur")
    expenditures.update(actor(hu), hu, exps[0], data(amount="300.00", invoice=exps[0].invoice_number))
    db.session.commit()
    [line] = lines(claim)
    assert (line.declared_amount, line.deduction, line.status) == (Decimal("300.00"), Decimal("0.00"),
                                                                   LineStatus.PENDING)


def test_submission_checks_the_lines_again(app):
    """A line moved to a later period after it was added cannot be submitted in this period's claim."""
    hu = user("partner.howest@example.org")
    exp = expenditure()
    claim = svc.create_claim(actor(hu), hu, partner("Howest"), period(1).id)
    svc.add_lines(actor(hu), hu, claim, [exp.id])
    expenditures.update(actor(hu), hu, exp, data(amount="1000.00", invoice=exp.invoice_number, period_no=4,
                                                 payment_date=date(2021, 6, 1)))
    with pytest.raises(DomainError, match="hoort nu bij Periode 4"):
        svc.submit(actor(hu), hu, claim)


def test_an_error_type_without_a_deduction_is_refused(app):
    claim, _ = submitted_claim()
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    with pytest.raises(DomainError, match="fouttype hoort bij een korting"):
        svc.verify_line(actor(fin), fin, claim, lines(claim)[0].id, error_type=ErrorType.CALCULATION)


def test_a_short_receipt_needs_the_difference_attributed(app):
    claim, _ = submitted_claim()
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    svc.verify_line(actor(fin), fin, claim, lines(claim)[0].id)
    svc.certify(actor(fin), fin, claim)
    request = payments.create_request(actor(fin), fin, project(), [claim.id])
    with pytest.raises(DomainError, match="verschil van"):
        payments.record_received(actor(fin), fin, project(), request, date(2021, 1, 5), Decimal("499.99"))
    assert request.received_date is None


def test_two_finance_officers_paying_at_once_pay_once(app):
    """Two transfers of the full share race; the lock lets exactly one through (PostgreSQL and SQLite)."""
    claim, _ = submitted_claim()
    fin = user(FIN)
    svc.start_verification(actor(fin), fin, claim)
    svc.verify_line(actor(fin), fin, claim, lines(claim)[0].id)
    svc.certify(actor(fin), fin, claim)
    request = payments.create_request(actor(fin), fin, project(), [claim.id])
    payments.record_received(actor(fin), fin, project(), request, date(2021, 1, 5), Decimal("500.00"))
    db.session.commit()
    request_id, partner_id, fin_id, claim_id = request.id, partner("Howest").id, fin.id, claim.id
    db.session.remove()
    barrier, outcomes = threading.Barrier(2), []

    def pay():
        with app.app_context():
            try:
                barrier.wait(timeout=30)  # both start together (SQLite then queues at BEGIN IMMEDIATE)
                u = db.session.get(type(fin), fin_id)
                pr = db.session.get(PaymentRequest, request_id)
                les = db.session.get(type(project()), pr.project_id)
                payments.record_transfer(actor(u), u, les, pr, partner_id, date(2021, 1, 6), Decimal("500.00"))
                db.session.commit()
                outcomes.append("paid")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("paid") == 1, outcomes
    assert db.session.scalar(select(func.sum(PartnerTransfer.amount))) == Decimal("500.00")
    assert db.session.get(Claim, claim_id).status is ClaimStatus.PAID


def test_four_eyes_covers_a_finance_officer_who_put_lines_in_the_claim(app):
    fin, hu = user(FIN), user("partner.howest@example.org")
    exp = expenditure()
    claim = svc.create_claim(actor(fin), fin, partner("Howest"), period(1).id)
    svc.add_lines(actor(fin), fin, claim, [exp.id])
    svc.submit(actor(hu), hu, claim)
    with pytest.raises(PermissionDenied, match="zelf uitgaven in deze declaratie gezet"):
        svc.start_verification(actor(fin), fin, claim)
