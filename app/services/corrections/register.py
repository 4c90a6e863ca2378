"""The data of the corrections and recoveries register (plain dataclasses for reports/), and per partner
the certified, corrected and net figures, in a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from reports.statements.data import Header
from reports.statements.register import CorrectionRow, CorrectionsRegister, PartnerNet, RecoveryRow

from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    AuditFinding,
    Claim,
    ClaimLine,
    CorrectionKind,
    FinancialCorrection,
    Partner,
    Project,
    Recovery,
    RecoveryMeasure,
)
from ...models.claim import FINAL_STATES
from ...money import ZERO
from ...permissions import scoped


def partner_nets(project: Project, user=None) -> list[PartnerNet]:
    """Per partner (a partner user: its own): certified total and EFRO, corrections, net."""
    certified = {pid: (t, e) for pid, t, e in db.session.execute(
        select(Claim.partner_id, func.sum(Claim.certified_total), func.sum(Claim.efro_total))
        .where(Claim.project_id == project.id, Claim.status.in_(FINAL_STATES)).group_by(Claim.partner_id))}
    corrected = {pid: (t, e) for pid, t, e in db.session.execute(
        select(FinancialCorrection.partner_id, func.sum(FinancialCorrection.total), func.sum(FinancialCorrection.efro))
        .where(FinancialCorrection.project_id == project.id).group_by(FinancialCorrection.partner_id))}
    query = select(Partner).where(Partner.project_id == project.id).order_by(Partner.number)
    if user is not None:
        query = scoped(query, Partner.id, user, project)
    rows = []
    for p in db.session.scalars(query):
        (ct, ce), (rt, re) = certified.get(p.id, (ZERO, ZERO)), corrected.get(p.id, (ZERO, ZERO))
        if ct or rt:
            rows.append(PartnerNet(p.number, p.name, ct, rt, ce, re))
    return rows


def _what(c: FinancialCorrection) -> str:
    if c.kind is CorrectionKind.LINE:
        exp = c.claim_line.expenditure
        return f"#{c.claim_line_id} {exp.supplier} {exp.invoice_number}"
    if c.kind is CorrectionKind.CATEGORY_RATE:
        return c.category.label
    return f"#{c.claim_id}"


def corrections_register(project: Project, header: Header, user=None) -> CorrectionsRegister:
    query = (select(FinancialCorrection).where(FinancialCorrection.project_id == project.id)
             .options(joinedload(FinancialCorrection.partner),
                      joinedload(FinancialCorrection.claim_line).joinedload(ClaimLine.expenditure),
                      joinedload(FinancialCorrection.category),
                      joinedload(FinancialCorrection.finding).joinedload(AuditFinding.audit))
             .order_by(FinancialCorrection.id))
    recoveries = (select(Recovery).where(Recovery.project_id == project.id)
                  .options(joinedload(Recovery.partner), selectinload(Recovery.settlements)).order_by(Recovery.id))
    if user is not None:
        query = scoped(query, FinancialCorrection.partner_id, user, project)
        recoveries = scoped(recoveries, Recovery.partner_id, user, project)
    corrections = [CorrectionRow(
        c.id, c.booked_at.date(), c.partner.number, c.partner.name, c.claim_id, _what(c), c.kind.value, c.rate,
        c.error_type.value, c.irregularity, f"{c.finding.audit.body.label} {c.finding.audit.reference}", c.total,
        c.efro, c.contribution) for c in db.session.scalars(query).unique()]
    rows = []
    for r in db.session.scalars(recoveries).unique():
        settled = defaultdict(lambda: ZERO)
        for s in r.settlements:
            settled[s.kind] += s.amount
        origin = (_("correction #%(id)s", id=r.correction_id) if r.correction_id
                  else _("claim #%(id)s", id=r.claim_id))
        rows.append(RecoveryRow(r.id, r.partner.number, r.partner.name, origin, r.measure.value, r.amount,
                                settled[RecoveryMeasure.OFFSET], settled[RecoveryMeasure.REPAYMENT],
                                settled[RecoveryMeasure.WRITE_OFF]))
    return CorrectionsRegister(header, partner_nets(project, user), corrections, rows)
