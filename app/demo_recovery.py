"""The demo's audits and the whole life of a financial correction, made through the services on the demo clock:

- November 2020: the audit authority samples Odisee's certified period-1 bus invoice (AA-2020-LES-01): only one
  quotation was asked, so the finance officer books the Commission's 25% procurement correction (200.00, EFRO
  100.00), to be offset against Odisee's next transfer.
- January 2021: Odisee submits its period-2 claim; the verifier parks the copy of the period-1 bus invoice and
  certifies the rest. Payment request 3 (February 2021) offsets the recovery against it: the request shows
  the offset and asks the programme for the rest, which is passed on in March 2021: the recovery is settled.
- March 2021: first-level control on the spot at Odisee (FLC-2021-ODS-01) finds the period-2 room hire awarded
  on one quotation: a 10% correction (200.00, EFRO 100.00) whose recovery is still open, to be offset against
  Odisee's next transfer; Odisee's users see it under Corrections.
- October 2021: Odisee's period-4 draft takes the parked bus invoice again (still flagged as possible double
  financing).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from reports.demo_invoice import Invoice, invoice_pdf

from .extensions import db
from .models import (
    AuditBody,
    AuditStatus,
    CategoryKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    CorrectionKind,
    ErrorType,
    FinancialCorrection,
    LineStatus,
    Organisation,
    Partner,
    Project,
    ReportingPeriod,
    User,
)
from .models.types import clock_at
from .money import to_money
from .services.audit import Actor

S = CategoryKind.STAFF

# Odisee's period-4 expenditures (1 April - 30 September 2021), as in app/demo.py's _LINES
ODISEE_4 = [
    (S, "Odisee HR", "ODS-LON-21B", date(2021, 9, 30), "Loonkost lector 20% (apr-sep 2021)", "19740.00", "0.00"),
]


def _actors() -> tuple[User, Actor, User, Actor]:
    auditor = db.session.scalar(select(User).where(User.email == "auditor@example.org"))
    finance = db.session.scalar(select(User).where(User.email == "finance@example.org"))
    return (auditor, Actor(auditor.id, auditor.email, "127.0.0.1"),
            finance, Actor(finance.id, finance.email, "127.0.0.1"))


def _report(reference: str, day: date, title: str) -> list[tuple[str, bytes]]:
    return [(f"auditverslag {reference}.pdf", invoice_pdf(Invoice(
        "Auditautoriteit Vlaanderen-Nederland" if reference.startswith("AA") else "Eerstelijnscontrole Interreg VL-NL",
        reference, day, day, "Odisee", title, Decimal("0.00"), Decimal("0.00"))))]


def seed_audit(les: Project, bus_line: ClaimLine) -> None:
    """The audit authority's audit of November 2020 with its 25% correction on Odisee's bus invoice."""
    from .services import audits

    _audit_with_correction(
        les, audits.AuditData(
            AuditBody.AUDIT_AUTHORITY, "AA-2020-LES-01", date(2020, 11, 16), status=AuditStatus.ONGOING,
            scope_note="Steekproef uit de gecertificeerde uitgaven van periode 1.", line_ids=[bus_line.id]),
        bus_line, True, "Busvervoer gegund na één offerte; de regels voor overheidsopdrachten vragen er drie.",
        "Auditverslag: steekproef periode 1", date(2020, 11, 23), Decimal("0.25"),
        "Forfaitaire correctie overheidsopdrachten 25% (één offerte).")


def _audit_with_correction(les: Project, data, line: ClaimLine, irregularity: bool, description: str,
                           report_title: str, booked_on: date, rate: Decimal, comment: str) -> None:
    """An audit (opened on ``data.started_on``) with one public-procurement finding on ``line``, the finance
    officer's correction of ``rate`` of its certified amount on ``booked_on``, and the audit closed."""
    from .demo import _at
    from .services import audits
    from .services.corrections import booking

    auditor, aud, finance, fin = _actors()
    with clock_at(_at(data.started_on, 10)):
        record = audits.create_audit(aud, auditor, les, data)
        finding = audits.add_finding(
            aud, auditor, les, record, claim_line_id=line.id, error_type=ErrorType.PROCUREMENT,
            irregularity=irregularity, description=description,
            files=_report(data.reference, data.started_on, report_title))
    with clock_at(_at(booked_on, 11)):
        booking.book_correction(fin, finance, les, finding, kind=CorrectionKind.LINE,
                                amount=to_money(line.certified_amount * rate), comment=comment)
        audits.set_status(aud, auditor, les, record, AuditStatus.CLOSED, booked_on)


def seed_offset_and_open_recovery(les: Project) -> None:
    """Odisee's period-2 claim pays the 2020 recovery by offset; a control of 2021 opens another one. Skipped
    unless the demo's correction is booked and Odisee's period-2 claim is still a draft."""
    from .demo import _at
    from .services import audits, claims, payments

    claim = _claim_of(les, "Odisee", 2)
    if claim is None or claim.status is not ClaimStatus.DRAFT or not db.session.scalar(
            select(FinancialCorrection.id).where(FinancialCorrection.project_id == les.id).limit(1)):
        return
    auditor, aud, finance, fin = _actors()
    user = db.session.get(User, claim.created_by_id)
    with clock_at(_at(date(2021, 1, 11))):
        claims.submit(Actor(user.id, user.email, "127.0.0.1"), user, claim)
    staff, bus_copy, room = db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)
                                               .order_by(ClaimLine.id)).all()
    with clock_at(_at(date(2021, 1, 18), 10)):
        claims.start_verification(fin, finance, claim)
        claims.verify_line(fin, finance, claim, staff.id)
        claims.verify_line(fin, finance, claim, room.id)
        claims.verify_line(fin, finance, claim, bus_copy.id, park=True,
                           comment="Dezelfde factuur als in periode 1: eerst nagaan of het om een tweede rit gaat.")
    with clock_at(_at(date(2021, 1, 25), 14)):
        claims.certify(fin, finance, claim)
    with clock_at(_at(date(2021, 2, 1))):  # the offset: the request shows it and asks the programme the rest
        request = payments.create_request(fin, finance, les, [claim.id])
    with clock_at(_at(date(2021, 3, 3))):
        payments.record_received(fin, finance, les, request, date(2021, 3, 2), request.amount_requested)
    with clock_at(_at(date(2021, 3, 9))):
        for share in payments.shares(request):
            payments.record_transfer(fin, finance, les, request, share.partner.id, date(2021, 3, 8), share.due)

    _audit_with_correction(
        les, audits.AuditData(
            AuditBody.FLC_ON_THE_SPOT, "FLC-2021-ODS-01", date(2021, 3, 10), status=AuditStatus.ONGOING,
            scope_note="Controle ter plaatse bij Odisee: opdrachten van periode 2.", claim_ids=[claim.id],
            line_ids=[room.id]),
        room, False, "Zaalhuur gegund op één offerte; de prijs werd niet vergeleken.", "Verslag controle ter plaatse",
        date(2021, 3, 12), Decimal("0.10"), "Forfaitaire correctie overheidsopdrachten 10% (geen prijsvergelijking).")


def seed_next_draft(les: Project) -> None:
    """Odisee's period-4 draft (October 2021): new staff costs, and the bus invoice parked in period 2."""
    from .demo import _at, prepare_claim
    from .services import claims

    previous = _claim_of(les, "Odisee", 2)
    if previous is None or previous.status is ClaimStatus.DRAFT or _claim_of(les, "Odisee", 4) is not None:
        return
    parked = db.session.scalar(select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == previous.id,
                                                                      ClaimLine.status == LineStatus.PARKED))
    with clock_at(_at(date(2021, 10, 14))):
        claim, who, user = prepare_claim(les, "Odisee", 4, ODISEE_4)
        claims.add_lines(who, user, claim, [parked])


def _claim_of(les: Project, org_name: str, period_no: int) -> Claim | None:
    return db.session.scalar(
        select(Claim).join(ReportingPeriod, Claim.period_id == ReportingPeriod.id)
        .join(Partner, Claim.partner_id == Partner.id).join(Organisation)
        .where(Claim.project_id == les.id, ReportingPeriod.number == period_no, Organisation.name == org_name))
