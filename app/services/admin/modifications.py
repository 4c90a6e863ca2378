"""Project modifications: after the project's start a budget change is a numbered version with a reason and
a date of approval. The first modification first records the budget the project started with as version 1.
A modification may not change what a certified claim was checked against: its date of approval lies after
the end of every period with a certified claim."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, literal, select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    BudgetLine,
    BudgetVersion,
    BudgetVersionFunding,
    BudgetVersionLine,
    Claim,
    FundingKind,
    FundingSource,
    Partner,
    Project,
    ReportingPeriod,
    User,
)
from ...models.claim import FINAL_STATES
from ...money import ZERO
from ..audit import Actor
from ..budget import apply_line, decreases_first, has_started, today_in
from .common import record, require_admin

MAX_REASON = 2000


@dataclass(frozen=True)
class CellChange:
    partner: Partner
    category_id: int
    period_id: int
    amount: Decimal


def _totals(project: Project) -> tuple[Decimal, Decimal]:
    in_project = Partner.project_id == project.id
    total = db.session.scalar(select(func.coalesce(func.sum(BudgetLine.amount), ZERO))
                              .join(Partner, BudgetLine.partner_id == Partner.id).where(in_project)) or ZERO
    efro = db.session.scalar(select(func.coalesce(func.sum(FundingSource.amount), ZERO))
                             .join(Partner, FundingSource.partner_id == Partner.id)
                             .where(in_project, FundingSource.kind == FundingKind.EFRO)) or ZERO
    return total, efro


def _snapshot(project: Project, number: int, reason: str, approved_on: date, user_id: int | None) -> BudgetVersion:
    """The live budget, copied into a new version (two INSERT ... SELECT, whatever the size)."""
    total, efro = _totals(project)
    version = BudgetVersion(project_id=project.id, number=number, reason=reason, approved_on=approved_on,
                            recorded_by_id=user_id, budget_total=total, efro_total=efro,
                            efro_ceiling=project.efro_ceiling)
    db.session.add(version)
    db.session.flush()
    db.session.execute(insert(BudgetVersionLine).from_select(
        ["version_id", "partner_id", "category_id", "period_id", "amount"],
        select(literal(version.id), BudgetLine.partner_id, BudgetLine.category_id, BudgetLine.period_id,
               BudgetLine.amount).join(Partner, BudgetLine.partner_id == Partner.id)
        .where(Partner.project_id == project.id)))
    efro_of = {p: a for p, a in db.session.execute(
        select(FundingSource.partner_id, FundingSource.amount).join(Partner, FundingSource.partner_id == Partner.id)
        .where(Partner.project_id == project.id, FundingSource.kind == FundingKind.EFRO))}
    other_of = dict(db.session.execute(
        select(FundingSource.partner_id, func.sum(FundingSource.amount))
        .join(Partner, FundingSource.partner_id == Partner.id)
        .where(Partner.project_id == project.id, FundingSource.kind == FundingKind.OTHER_PUBLIC)
        .group_by(FundingSource.partner_id)).all())
    partner_ids = db.session.scalars(select(Partner.id).where(Partner.project_id == project.id)).all()
    if partner_ids:
        db.session.execute(insert(BudgetVersionFunding), [
            {"version_id": version.id, "partner_id": p, "efro": efro_of.get(p, ZERO),
             "other_public": other_of.get(p, ZERO)} for p in partner_ids])
    db.session.flush()
    return version


def _baseline(actor: Actor, user: User, project: Project) -> BudgetVersion:
    """Version 1, the budget the project started with, recorded before the first modification."""
    first = db.session.scalar(select(BudgetVersion).where(BudgetVersion.project_id == project.id)
                              .order_by(BudgetVersion.number.desc()).limit(1))
    if first is not None:
        return first
    version = _snapshot(project, 1, "Approved budget at the start of the project", project.start_date, None)
    record(actor, user, project, "budget.version_recorded", "budget_version", version.id,
           after={"number": 1, "approved_on": version.approved_on, "budget_total": version.budget_total,
                  "efro_total": version.efro_total})
    return version


def check_approval_date(project: Project, approved_on: date, previous: BudgetVersion | None) -> None:
    today = today_in(project)
    if approved_on > today:
        raise DomainError(_("The date of approval lies in the future."))
    if approved_on < project.start_date:
        raise DomainError(_("A modification is approved on or after the project's start (%(start)s).",
                            start=formatting.day(project.start_date)))
    if previous is not None and approved_on < previous.approved_on:
        raise DomainError(_("The date of approval lies before that of version %(number)s (%(day)s).",
                            number=previous.number, day=formatting.day(previous.approved_on)))
    certified = db.session.scalar(
        select(ReportingPeriod).join(Claim, Claim.period_id == ReportingPeriod.id)
        .where(ReportingPeriod.project_id == project.id, Claim.status.in_(FINAL_STATES),
               ReportingPeriod.end_date >= approved_on).order_by(ReportingPeriod.number.desc()).limit(1))
    if certified is not None:
        raise DomainError(_("%(period)s has certified claims, checked against the budget then in force: a "
                            "modification is approved after %(day)s, the end of that period.",
                            period=certified.label, day=formatting.day(certified.end_date)))


def approve_modification(actor: Actor, user: User, project: Project, reason: str, approved_on: date,
                         changes: list[CellChange]) -> BudgetVersion:
    """Apply the budget changes (each by the rule of :func:`app.services.budget.apply_line`) as the next
    numbered version. One audit event with every changed line and the project's totals before and after."""
    require_admin(user, project)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise DomainError(_("A modification has a reason (at most %(limit)s characters).", limit=MAX_REASON))
    if not has_started(project):
        raise DomainError(_("%(project)s has not started yet: change its budget directly.", project=project.code))
    previous = db.session.scalar(select(BudgetVersion).where(BudgetVersion.project_id == project.id)
                                 .order_by(BudgetVersion.number.desc()).limit(1))
    check_approval_date(project, approved_on, previous)
    previous = _baseline(actor, user, project)
    old_total, old_efro = _totals(project)
    before, after = {}, {}
    if any(change.partner.project_id != project.id for change in changes):
        raise DomainError(_("This partner does not belong to this project."))
    for partner, category_id, period_id, amount in decreases_first(
            [(c.partner, c.category_id, c.period_id, c.amount) for c in changes]):
        done = apply_line(partner, category_id, period_id, amount)
        if done.changed:
            key = f"PP{partner.number} {done.category.kind.value} P{done.period.number}"
            before[key], after[key] = done.old_amount, done.line.amount
    if not after:
        raise DomainError(_("The modification changes no budget line."))
    version = _snapshot(project, previous.number + 1, reason, approved_on, user.id)
    record(actor, user, project, "budget.modification_approved", "budget_version", version.id,
           before={"version": previous.number, "budget_total": old_total, "efro_total": old_efro, "lines": before},
           after={"version": version.number, "reason": reason, "approved_on": approved_on,
                  "budget_total": version.budget_total, "efro_total": version.efro_total, "lines": after})
    return version
