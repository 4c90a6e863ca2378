"""The demo's audits and the whole life of a financial correction, made through the services on the demo clock:

- November 2020: the audit authority samples Odisee's certified period-1 bus invoice (AA-2020-LES-01): only one
  quotation was asked, so the finance officer books the Commission's 25% procurement correction (200.00, EFRO
  100.00), to be offset against Odisee's next transfer.
- Odisee's next claim (period 4, submitted October 2021) is certified and goes into payment request 3 in
  December 2021: the recovery is offset against it (the request shows it, the programme is asked for the rest),
  the programme pays in January 2022 and the lead partner passes the rest on: the recovery is settled.
- March 2022: first-level control on the spot at Odisee (FLC-2022-ODS-01) finds the period-4 room hire awarded
  on one quotation: a 10% correction (200.00, EFRO 100.00) whose recovery is still open, to be offset against
  Odisee's next transfer; Odisee's users see it under Corrections.
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
    CorrectionKind,
    ErrorType,
    FinancialCorrection,
    Organisation,
    Partner,
    Project,
    ReportingPeriod,
    User,
)
from .models.types import clock_at
from .money import to_money
from .services.audit import Actor

S, E = CategoryKind.STAFF, CategoryKind.EXTERNAL

# Odisee's period-4 expenditures (1 April - 30 September 2021), as in app/demo.py's _LINES
ODISEE_4 = [
    (S, "Odisee HR", "ODS-LON-21A", date(2021, 6, 30), "Loonkost lector 20% (jan-jun 2021)", "19740.00", "0.00"),
    (E, "Zaalverhuur Het Pand", "HP-2021-118", date(2021, 9, 14), "Zaalhuur workshop grensoverschrijdend ondernemen",
     "2420.00", "420.00"),
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
    from .demo import _at
    from .services import audits
    from .services.corrections import booking

    auditor, aud, finance, fin = _actors()
    with clock_at(_at(date(2020, 11, 16), 10)):
        record = audits.create_audit(aud, auditor, les, audits.AuditData(
            AuditBody.AUDIT_AUTHORITY, "AA-2020-LES-01", date(2020, 11, 16), status=AuditStatus.ONGOING,
            scope_note="Steekproef uit de gecertificeerde uitgaven van periode 1.", line_ids=[bus_line.id]))
        finding = audits.add_finding(
            aud, auditor, les, record, claim_line_id=bus_line.id, error_type=ErrorType.PROCUREMENT, irregularity=True,
            description="Busvervoer gegund na één offerte; de regels voor overheidsopdrachten vragen er drie.",
            files=_report("AA-2020-LES-01", date(2020, 11, 16), "Auditverslag: steekproef periode 1"))
    with clock_at(_at(date(2020, 11, 23), 11)):
        booking.book_correction(fin, finance, les, finding, kind=CorrectionKind.LINE,
                                amount=to_money(bus_line.certified_amount * Decimal("0.25")),
                                comment="Forfaitaire correctie overheidsopdrachten 25% (één offerte).")
        audits.set_status(aud, auditor, les, record, AuditStatus.CLOSED, date(2020, 11, 23))


def seed_offset_and_open_recovery(les: Project) -> None:
    """Odisee's next claim pays the 2020 recovery by offset; a control of 2022 opens another one. Skipped when
    the demo's correction is missing or Odisee's period-4 claim exists."""
    from .demo import _at, prepare_claim
    from .services import audits, claims, payments
    from .services.corrections import booking

    if not db.session.scalar(select(FinancialCorrection.id).where(FinancialCorrection.project_id == les.id)
                             .limit(1)) or db.session.scalar(
            select(Claim.id).join(ReportingPeriod, Claim.period_id == ReportingPeriod.id).join(Partner)
            .join(Organisation).where(Claim.project_id == les.id, ReportingPeriod.number == 4,
                                      Organisation.name == "Odisee")):
        return
    auditor, aud, finance, fin = _actors()
    with clock_at(_at(date(2021, 10, 12))):
        claim, who, user = prepare_claim(les, "Odisee", 4, ODISEE_4)
        claims.submit(who, user, claim)
    lines = db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.id)).all()
    with clock_at(_at(date(2021, 11, 8), 10)):
        claims.start_verification(fin, finance, claim)
        for line in lines:
            claims.verify_line(fin, finance, claim, line.id)
    with clock_at(_at(date(2021, 11, 15), 14)):
        claims.certify(fin, finance, claim)
    with clock_at(_at(date(2021, 12, 1))):  # the offset: the request shows it and asks the programme the rest
        request = payments.create_request(fin, finance, les, [claim.id])
    with clock_at(_at(date(2022, 1, 21))):
        payments.record_received(fin, finance, les, request, date(2022, 1, 20), request.amount_requested)
    with clock_at(_at(date(2022, 1, 26))):
        for share in payments.shares(request):
            payments.record_transfer(fin, finance, les, request, share.partner.id, date(2022, 1, 25), share.due)

    room = lines[1]
    with clock_at(_at(date(2022, 3, 7), 10)):
        record = audits.create_audit(aud, auditor, les, audits.AuditData(
            AuditBody.FLC_ON_THE_SPOT, "FLC-2022-ODS-01", date(2022, 3, 7), status=AuditStatus.ONGOING,
            scope_note="Controle ter plaatse bij Odisee: opdrachten van periode 4.", claim_ids=[claim.id],
            line_ids=[room.id]))
        finding = audits.add_finding(
            aud, auditor, les, record, claim_line_id=room.id, error_type=ErrorType.PROCUREMENT, irregularity=False,
            description="Zaalhuur gegund op één offerte; de prijs werd niet vergeleken.",
            files=_report("FLC-2022-ODS-01", date(2022, 3, 7), "Verslag controle ter plaatse"))
    with clock_at(_at(date(2022, 3, 14), 11)):
        booking.book_correction(fin, finance, les, finding, kind=CorrectionKind.LINE,
                                amount=to_money(room.certified_amount * Decimal("0.10")),
                                comment="Forfaitaire correctie overheidsopdrachten 10% (geen prijsvergelijking).")
        audits.set_status(aud, auditor, les, record, AuditStatus.CLOSED, date(2022, 3, 14))
