"""Small helpers to build expenditures and claims in tests, through the real services."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import CategoryKind, CostCategory, Organisation, Partner, Project, ReportingPeriod, User
from app.services import claims as claim_service
from app.services import expenditures
from app.services.audit import Actor
from app.services.expenditures import ExpenditureData

_invoice = itertools.count(1)


def project(code="LES") -> Project:
    return db.session.scalar(select(Project).where(Project.code == code))


def partner(name, code="LES") -> Partner:
    return db.session.scalar(select(Partner).join(Organisation).where(
        Partner.project_id == project(code).id, Organisation.name == name))


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def actor(u: User) -> Actor:
    return Actor(u.id, u.email, "127.0.0.1")


def category(kind: CategoryKind, code="LES") -> CostCategory:
    return db.session.scalar(select(CostCategory).filter_by(project_id=project(code).id, kind=kind))


def period(number: int, code="LES") -> ReportingPeriod:
    return db.session.scalar(select(ReportingPeriod).filter_by(project_id=project(code).id, number=number))


def data(kind=CategoryKind.EXTERNAL, amount="1000.00", period_no=1, supplier=None, invoice=None,
         vat="0.00", vat_recoverable=False, gross=None, payment_date=date(2019, 11, 15), code="LES"):
    amount = Decimal(amount)
    return ExpenditureData(
        category_id=category(kind, code).id, period_id=period(period_no, code).id,
        supplier=supplier or "Drukkerij De Letter", invoice_number=invoice or f"F-{next(_invoice):05d}",
        invoice_date=payment_date, payment_date=payment_date, description="Drukwerk brochure",
        gross_amount=Decimal(gross) if gross else amount + Decimal(vat), vat_amount=Decimal(vat),
        vat_recoverable=vat_recoverable, declared_amount=amount, internal_ref="INT-1")


def expenditure(partner_name="Howest", email="partner.howest@example.org", **kw):
    u = user(email)
    return expenditures.create(actor(u), u, partner(partner_name), data(**kw))


def submitted_claim(partner_name="Howest", email="partner.howest@example.org", period_no=1, lines=None):
    """A claim with the given expenditures (list of data() kwargs), submitted by the partner user."""
    u, p = user(email), partner(partner_name)
    exps = [expenditure(partner_name, email, period_no=period_no, **kw)
            for kw in (lines or [{"amount": "1000.00"}])]
    claim = claim_service.create_claim(actor(u), u, p, period(period_no).id)
    claim_service.add_lines(actor(u), u, claim, [e.id for e in exps])
    claim_service.submit(actor(u), u, claim)
    db.session.commit()
    return claim, exps
