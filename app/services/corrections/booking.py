"""Booking a financial correction from an audit finding: an amount on one certified line, or a flat rate
(public procurement: 5, 10, 25 or 100%) on a claim or one of its cost categories. The certified records are
never changed: the correction is a new negative record with its amounts per category, the flat rates that
are computed on a corrected category following (office 15% of corrected staff costs goes down too), its EFRO
and contribution split on its total by the claim rule, and the EFRO to recover from the partner."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    AuditFinding,
    Claim,
    ClaimCategoryTotal,
    CorrectionAmount,
    CorrectionKind,
    CostCategory,
    ErrorType,
    FinancialCorrection,
    Project,
    RecoveryMeasure,
    User,
)
from ...models.claim import FINAL_STATES
from ...money import ZERO, percent_of
from ...permissions import can_book_corrections, require, role_label
from .. import audit
from ..audit import Actor
from ..audits.actions import certified_line
from ..claims.figures import flat_rate_amounts
from .recoveries import open_recovery
from .split import allocate_signed, split_signed

PROCUREMENT_RATES = (Decimal("5.00"), Decimal("10.00"), Decimal("25.00"), Decimal("100.00"))
MAX_COMMENT = 4000


def net_by_category(claim: Claim) -> dict[int, Decimal]:
    """The claim's certified amount per category after the corrections booked on it so far."""
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for cid, amount in db.session.execute(select(ClaimCategoryTotal.category_id, ClaimCategoryTotal.certified)
                                          .where(ClaimCategoryTotal.claim_id == claim.id)):
        net[cid] += amount
    for cid, amount in db.session.execute(
            select(CorrectionAmount.category_id, func.sum(CorrectionAmount.amount))
            .join(FinancialCorrection, CorrectionAmount.correction_id == FinancialCorrection.id)
            .where(FinancialCorrection.claim_id == claim.id).group_by(CorrectionAmount.category_id)):
        net[cid] += amount
    return net


def claim_efro_left(claim: Claim) -> Decimal:
    """The claim's EFRO after the corrections booked on it: more than this cannot be taken back."""
    corrected = db.session.scalar(select(func.coalesce(func.sum(FinancialCorrection.efro), ZERO))
                                  .where(FinancialCorrection.claim_id == claim.id)) or ZERO
    return (claim.efro_total or ZERO) + corrected


def line_corrected(line_id: int) -> Decimal:
    """What line corrections took off this line so far (positive)."""
    return -(db.session.scalar(
        select(func.coalesce(func.sum(CorrectionAmount.amount), ZERO))
        .join(FinancialCorrection, CorrectionAmount.correction_id == FinancialCorrection.id)
        .where(FinancialCorrection.claim_line_id == line_id, CorrectionAmount.flat_rate.is_(False))) or ZERO)


def _cuts(claim: Claim, kind: CorrectionKind, net: dict[int, Decimal], flat_ids: set[int], *, line=None,
          amount: Decimal | None = None, category_id: int | None = None, rate: Decimal | None = None
          ) -> dict[int, Decimal]:
    """What the correction takes off each real-cost category (positive amounts)."""
    if kind is CorrectionKind.LINE:
        if amount is None or amount <= 0:
            raise DomainError(_("The amount of the correction must be more than zero."))
        cid = line.category_id
        left = min(line.certified_amount - line_corrected(line.id), net[cid])
        if amount > left:
            raise DomainError(_("The correction (%(amount)s) is more than what is left of the line's certified "
                                "amount (%(left)s).", amount=formatting.money(amount), left=formatting.money(left)))
        return {cid: amount}
    if rate not in PROCUREMENT_RATES:
        raise DomainError(_("A flat-rate correction is 5, 10, 25 or 100%."))
    if kind is CorrectionKind.CATEGORY_RATE:
        if category_id in flat_ids:
            raise DomainError(_("This cost category is itself a flat rate: correct the category it is computed "
                                "on; the flat rate follows."))
        if net.get(category_id, ZERO) <= 0:
            raise DomainError(_("The claim has nothing certified in this cost category."))
        return {category_id: percent_of(net[category_id], rate)}
    return {cid: percent_of(value, rate) for cid, value in net.items() if cid not in flat_ids and value > 0}


def _text(value: str | None) -> str:
    value = (value or "").strip()
    if not value or "\x00" in value:
        raise DomainError(_("Explain the correction in a comment."))
    if len(value) > MAX_COMMENT:
        raise DomainError(_("The comment is too long (at most %(max)s characters).", max=MAX_COMMENT))
    return value


def book_correction(actor: Actor, user: User, project: Project, finding: AuditFinding, *, kind: CorrectionKind,
                    comment: str, claim_line_id: int | None = None, amount: Decimal | None = None,
                    category_id: int | None = None, rate: Decimal | None = None, error_type: ErrorType | None = None,
                    irregularity: bool | None = None, measure: RecoveryMeasure = RecoveryMeasure.OFFSET
                    ) -> FinancialCorrection:
    require(can_book_corrections(user, project), _("Only a finance officer books financial corrections."))
    if finding.audit.project_id != project.id:
        raise NotFound(_("Finding not found."))
    comment = _text(comment)
    line = None
    if kind is CorrectionKind.LINE:
        line = certified_line(project, claim_line_id or finding.claim_line_id or 0)
        claim = line.claim
    else:
        claim = finding.claim
        if claim is None:
            raise DomainError(_("This finding is not about a claim: a flat-rate correction needs one."))
    audit.serialise(claim)
    if claim.status not in FINAL_STATES or claim.project_id != project.id:
        raise DomainError(_("Only a certified claim can be corrected."))
    if claim.partner_id != finding.partner_id or (finding.claim_id and finding.claim_id != claim.id):
        raise DomainError(_("The correction must concern the claim of the finding."))
    if (claim.certified_total or ZERO) <= 0:
        raise DomainError(_("A claim certified with a negative total is recovered as a whole, not corrected."))
    if kind is CorrectionKind.CATEGORY_RATE:
        category = db.session.get(CostCategory, category_id or 0)
        if category is None or category.project_id != project.id:
            raise DomainError(_("Choose a cost category of this project."))
    partner = claim.partner
    flat_ids = {fr.category_id for fr in partner.flat_rates}
    net = net_by_category(claim)
    cuts = _cuts(claim, kind, net, flat_ids, line=line, amount=amount, category_id=category_id, rate=rate)
    kinds = dict(db.session.execute(select(CostCategory.id, CostCategory.kind)
                                    .where(CostCategory.project_id == project.id)).all())
    real_after = {cid: value - cuts.get(cid, ZERO) for cid, value in net.items() if cid not in flat_ids}
    follow = {cid: net.get(cid, ZERO) - value
              for cid, value in flat_rate_amounts(partner, real_after, kinds).items()}
    rows = [(cid, False, value) for cid, value in cuts.items() if value > 0]
    rows += [(cid, True, value) for cid, value in follow.items() if value > 0]
    if not rows:
        raise DomainError(_("This correction comes to nothing."))
    total = -sum((value for _c, _f, value in rows), ZERO)
    efro, contribution = split_signed(total, project.cofinancing_rate)
    efro = max(efro, -claim_efro_left(claim))  # never more EFRO back than the claim still holds
    contribution = total - efro
    correction = FinancialCorrection(
        project_id=project.id, partner_id=partner.id, claim_id=claim.id, finding_id=finding.id, kind=kind,
        claim_line_id=line.id if line else None, category_id=category_id if kind is CorrectionKind.CATEGORY_RATE
        else None, rate=None if kind is CorrectionKind.LINE else rate,
        error_type=error_type or finding.error_type,
        irregularity=finding.irregularity if irregularity is None else bool(irregularity), comment=comment,
        total=total, efro=efro, contribution=contribution, booked_by_id=user.id)
    db.session.add(correction)
    db.session.flush()
    amounts = []
    for (cid, flat, value), part in zip(rows, allocate_signed(efro, [-v for _c, _f, v in rows]), strict=True):
        amounts.append(CorrectionAmount(correction_id=correction.id, category_id=cid, flat_rate=flat, amount=-value,
                                        efro=part, contribution=-value - part))
    db.session.add_all(amounts)
    db.session.flush()
    role = role_label(user, project)
    audit.record(actor, "correction.booked", role=role, object_type="financial_correction",
                 object_id=correction.id, project_id=project.id, after={
                     "finding_id": finding.id, "claim_id": claim.id, "partner_id": partner.id, "kind": kind,
                     "claim_line_id": correction.claim_line_id, "category_id": correction.category_id,
                     "rate": correction.rate, "amount": amount, "error_type": correction.error_type,
                     "irregularity": correction.irregularity, "comment": comment, "total": total, "efro": efro,
                     "contribution": contribution,
                     "categories": {a.category_id: {"amount": a.amount, "efro": a.efro, "flat_rate": a.flat_rate}
                                    for a in amounts}})
    if efro < 0:
        open_recovery(actor, user, project, partner.id, -efro, measure, correction_id=correction.id)
    return correction
