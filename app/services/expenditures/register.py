"""The expenditure register: create, edit while not in a submitted claim, withdraw, correct."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy import update as sa_update

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    Expenditure,
    ExpenditureStatus,
    LineStatus,
    Partner,
    User,
    duplicate_key,
)
from ...models.claim import FINAL_STATES
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import can_register_for, can_see_partner, require, role_label
from .. import audit
from ..audit import Actor
from ..fund import guards as fund_guards
from .rules import FIELDS, ExpenditureData, InvalidExpenditure, ProjectLookups, validate


def _values(data: ExpenditureData) -> dict:
    return {f: getattr(data, f) for f in FIELDS}


def _require_register(user: User, partner: Partner) -> None:
    if not can_see_partner(user, partner):
        raise NotFound(_("Partner not found."))
    require(can_register_for(user, partner), _("Only the partner itself or a finance officer registers expenditures."))


def create(actor: Actor, user: User, partner: Partner, data: ExpenditureData) -> Expenditure:
    _require_register(user, partner)
    errors = validate(data, partner, ProjectLookups(partner.project))
    if errors:
        raise InvalidExpenditure(errors)
    exp = Expenditure(project_id=partner.project_id, partner_id=partner.id, created_by_id=user.id,
                      dup_key=duplicate_key(data.supplier, data.invoice_number), **_values(data))
    db.session.add(exp)
    db.session.flush()
    audit.record(actor, "expenditure.created", role=role_label(user, partner.project), object_type="expenditure",
                 object_id=exp.id, project_id=partner.project_id, after={"partner_id": partner.id, **_values(data)})
    return exp


def locking_claim(exp: Expenditure) -> Claim | None:
    """The claim that freezes this expenditure: one it is in that is no longer editable, unless the line
    was parked and that claim is final (certified or later): only then may the line change and go into
    a later claim."""
    return db.session.scalar(
        select(Claim).join(ClaimLine, ClaimLine.claim_id == Claim.id)
        .where(ClaimLine.expenditure_id == exp.id,
               Claim.status.not_in([ClaimStatus.DRAFT, ClaimStatus.RETURNED]),
               ~((ClaimLine.status == LineStatus.PARKED) & Claim.status.in_(FINAL_STATES)))
        .limit(1))


def _require_changeable(user: User, exp: Expenditure) -> None:
    _require_register(user, exp.partner)
    audit.serialise(exp)
    if exp.status is ExpenditureStatus.WITHDRAWN:
        raise DomainError(_("This expenditure is withdrawn and can no longer be changed."))
    claim = locking_claim(exp)
    if claim is not None:
        raise DomainError(_("This expenditure is in a claim that is %(status)s and can no longer be changed. Enter "
                            "a correction line.", status=claim.status.label))


def update(actor: Actor, user: User, exp: Expenditure, data: ExpenditureData) -> Expenditure:
    _require_changeable(user, exp)
    if exp.corrects_id is not None:
        raise DomainError(_("A correction line is not changed; withdraw it and enter a new one."))
    errors = validate(data, exp.partner, ProjectLookups(exp.partner.project))
    if errors:
        raise InvalidExpenditure(errors)
    fund_guards.guard_update(exp, data.category_id, data.declared_amount)
    new = _values(data)
    before = {f: getattr(exp, f) for f in FIELDS if getattr(exp, f) != new[f]}
    if not before:
        return exp
    after = {f: new[f] for f in before}
    for field, value in after.items():
        setattr(exp, field, value)
    exp.dup_key = duplicate_key(exp.supplier, exp.invoice_number)
    exp.updated_at = utcnow()
    db.session.flush()
    # A line in a draft or returned claim follows the expenditure (submission fixes the amount); the
    # verification of an earlier round no longer applies to the changed line (the audit trail keeps it).
    db.session.execute(
        sa_update(ClaimLine).where(
            ClaimLine.expenditure_id == exp.id,
            ClaimLine.claim_id.in_(select(Claim.id).where(
                Claim.status.in_([ClaimStatus.DRAFT, ClaimStatus.RETURNED]))))
        .values(declared_amount=exp.declared_amount, category_id=exp.category_id, status=LineStatus.PENDING,
                deduction=ZERO, error_type=None, comment=None, verified_by_id=None, verified_at=None,
                duplicate_confirmed_by_id=None)
        .execution_options(synchronize_session="fetch"))
    audit.record(actor, "expenditure.updated", role=role_label(user, exp.partner.project),
                 object_type="expenditure", object_id=exp.id, project_id=exp.project_id,
                 before=before, after=after)
    return exp


def withdraw(actor: Actor, user: User, exp: Expenditure, reason: str) -> Expenditure:
    """Withdraw a line: it stays in the register and the history, but can no longer be claimed.
    A line in a draft or returned claim leaves that claim."""
    _require_changeable(user, exp)
    fund_guards.guard_withdrawal(exp)
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for withdrawing the expenditure."))
    corrections = db.session.scalars(select(Expenditure.id).where(
        Expenditure.corrects_id == exp.id, Expenditure.status == ExpenditureStatus.ACTIVE)).all()
    if corrections:
        raise DomainError(_("This expenditure has correction lines (%(ids)s); withdraw those first.",
                            ids=", ".join(f"#{i}" for i in corrections)))
    removed = []
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.expenditure_id == exp.id).join(Claim)
                                   .where(Claim.status.in_([ClaimStatus.DRAFT, ClaimStatus.RETURNED]))):
        removed.append({"claim_id": line.claim_id, "declared_amount": line.declared_amount,
                        "status": line.status, "deduction": line.deduction, "error_type": line.error_type,
                        "comment": line.comment})
        db.session.delete(line)
    exp.status = ExpenditureStatus.WITHDRAWN
    exp.withdrawn_at = utcnow()
    exp.withdrawn_by_id = user.id
    exp.withdraw_reason = reason.strip()
    db.session.flush()
    audit.record(actor, "expenditure.withdrawn", role=role_label(user, exp.partner.project),
                 object_type="expenditure", object_id=exp.id, project_id=exp.project_id,
                 before={"status": "active", "claim_lines": removed},
                 after={"status": "withdrawn", "reason": exp.withdraw_reason})
    return exp


def correct(actor: Actor, user: User, original: Expenditure, amount: Decimal, period_id: int,
            reason: str) -> Expenditure:
    """A correction line: a new record pointing at the line it corrects, with a signed declared amount
    (negative lowers it). The original and all its corrections together may not go below zero."""
    _require_register(user, original.partner)
    audit.serialise(original)
    if original.corrects_id is not None:
        raise DomainError(_("Correct the original expenditure, not a correction line."))
    if original.status is ExpenditureStatus.WITHDRAWN:
        raise DomainError(_("A withdrawn expenditure is not corrected."))
    if amount == 0:
        raise DomainError(_("A correction of zero changes nothing."))
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the correction."))
    fund_guards.guard_correction(original, amount)
    lookups = ProjectLookups(original.partner.project)
    if period_id not in lookups.periods:
        raise DomainError(_("Choose a reporting period of this project."))
    so_far = db.session.scalar(select(func.coalesce(func.sum(Expenditure.declared_amount), ZERO)).where(
        Expenditure.corrects_id == original.id, Expenditure.status == ExpenditureStatus.ACTIVE)) or ZERO
    net = original.declared_amount + so_far + amount
    if net < 0:
        raise DomainError(_("After this correction the expenditure would amount to %(net)s; less than zero is not "
                            "possible.", net=formatting.money(net)))
    if net > original.eligible_amount:
        raise DomainError(_("After this correction the declared amount (%(net)s) would be more than the eligible "
                            "amount of the invoice (%(eligible)s).", net=formatting.money(net),
                            eligible=formatting.money(original.eligible_amount)))
    exp = Expenditure(
        project_id=original.project_id, partner_id=original.partner_id, category_id=original.category_id,
        period_id=period_id, internal_ref=original.internal_ref, supplier=original.supplier,
        invoice_number=original.invoice_number, invoice_date=original.invoice_date,
        payment_date=original.payment_date, description=_("Correction: %(reason)s", reason=reason.strip()),
        gross_amount=amount, vat_amount=ZERO, vat_recoverable=False, declared_amount=amount,
        dup_key="", corrects_id=original.id, created_by_id=user.id)
    db.session.add(exp)
    db.session.flush()
    audit.record(actor, "expenditure.corrected", role=role_label(user, original.partner.project),
                 object_type="expenditure", object_id=exp.id, project_id=exp.project_id,
                 after={"corrects_id": original.id, "declared_amount": amount, "reason": reason.strip(),
                        "net_after_correction": net})
    return exp
