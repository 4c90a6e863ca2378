"""Creating and changing a project and its reporting periods, and choosing its lead partner."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Claim,
    FinancialCorrection,
    FundingKind,
    FundingSource,
    Partner,
    Project,
    ReportingPeriod,
    Role,
    User,
)
from ...models.claim import FINAL_STATES
from ...money import ZERO
from ...permissions import can_create_project, require
from .. import audit, setup
from ..accounts import grant_membership
from ..audit import Actor
from .common import changed_fields, record, require_admin


@dataclass(frozen=True)
class ProjectEdit:
    code: str
    name: str
    programme_code: str
    programme_name: str
    start_date: date
    end_date: date
    eligibility_start: date
    eligibility_end: date
    efro_per_partner: bool = False  # the fund share capped per partner (app/services/corrections/ceiling.py)


def _programme(actor: Actor, code: str, name: str):
    code, name = code.strip(), name.strip()
    if not code or len(code) > 40 or not name or len(name) > 200:
        raise DomainError(_("A programme has a code (1 to 40 characters) and a name (1 to 200 characters)."))
    return setup.programme(actor, code, name)


def _check_name(name: str) -> None:
    if not name.strip() or len(name.strip()) > 200:
        raise DomainError(_("A project's name has 1 to 200 characters."))


def create_project(actor: Actor, user: User, edit: ProjectEdit, cofinancing_rate, efro_ceiling,
                   flexibility_rate) -> Project:
    """A new project (the rules of :func:`setup.create_project`), with its creator as its administrator."""
    require(can_create_project(user), _("Only an administrator sets up a project."))
    audit.serialise()
    _check_name(edit.name)
    prog = _programme(actor, edit.programme_code, edit.programme_name)
    project = setup.create_project(actor, prog, setup.ProjectData(
        code=edit.code, name=edit.name, start_date=edit.start_date, end_date=edit.end_date,
        eligibility_start=edit.eligibility_start, eligibility_end=edit.eligibility_end,
        cofinancing_rate=cofinancing_rate, efro_ceiling=efro_ceiling, flexibility_rate=flexibility_rate,
        efro_per_partner=bool(edit.efro_per_partner)))
    grant_membership(actor, user, project, Role.ADMIN)
    return project


def update_project(actor: Actor, user: User, project: Project, edit: ProjectEdit) -> Project:
    """Code, name, programme, dates and whether the fund share is capped per partner. Rules: a unique code,
    dates in order, the reporting periods stay within the project's dates."""
    require_admin(user, project)
    code = edit.code.strip()
    if not code or len(code) > 20:
        raise DomainError(_("A project code has 1 to 20 characters."))
    if code != project.code and db.session.scalar(select(Project.id).where(Project.code == code)) is not None:
        raise DomainError(_("A project with code %(code)s already exists.", code=code))
    _check_name(edit.name)
    if edit.end_date < edit.start_date or edit.eligibility_end < edit.eligibility_start:
        raise DomainError(_("An end date lies before its start date."))
    outside = db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.project_id == project.id,
        (ReportingPeriod.start_date < edit.start_date) | (ReportingPeriod.end_date > edit.end_date))
        .order_by(ReportingPeriod.number)).all()
    if outside:
        raise DomainError(_("%(periods)s would lie outside the project's dates; change the periods first.",
                            periods=", ".join(p.label for p in outside)))
    prog = _programme(actor, edit.programme_code, edit.programme_name)
    before, after = changed_fields(project, {
        "code": code, "name": edit.name.strip(), "programme_id": prog.id, "start_date": edit.start_date,
        "end_date": edit.end_date, "eligibility_start": edit.eligibility_start,
        "eligibility_end": edit.eligibility_end, "efro_per_partner": bool(edit.efro_per_partner)})
    if after:
        db.session.flush()
        record(actor, user, project, "project.updated", "project", project.id, before=before, after=after)
    return project


def add_period(actor: Actor, user: User, project: Project, start: date, end: date) -> ReportingPeriod:
    """The next reporting period (the rules of :func:`setup.add_period`)."""
    require_admin(user, project)
    return setup.add_period(actor, project, start, end)


def update_period(actor: Actor, user: User, period: ReportingPeriod, start: date, end: date) -> ReportingPeriod:
    """Change a period's dates: within the project, after the previous period and before the next one, and
    only while no claim has been made for it."""
    project = db.session.get(Project, period.project_id)
    require_admin(user, project)
    if end < start:
        raise DomainError(_("A period does not end before it starts."))
    if start < project.start_date or end > project.end_date:
        raise DomainError(_("A reporting period lies within the project's dates (%(start)s to %(end)s).",
                            start=formatting.day(project.start_date), end=formatting.day(project.end_date)))
    neighbours = db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.project_id == project.id, ReportingPeriod.id != period.id)).all()
    for other in neighbours:
        if other.number < period.number and start <= other.end_date:
            raise DomainError(_("The period must start after %(period)s.", period=other.label))
        if other.number > period.number and end >= other.start_date:
            raise DomainError(_("The period must end before %(period)s.", period=other.label))
    if db.session.scalar(select(Claim.id).where(Claim.period_id == period.id).limit(1)) is not None:
        raise DomainError(_("%(period)s has claims: its dates no longer change.", period=period.label))
    before, after = changed_fields(period, {"start_date": start, "end_date": end})
    if after:
        db.session.flush()
        record(actor, user, project, "period.updated", "reporting_period", period.id,
               before={"number": period.number, **before}, after={"number": period.number, **after})
    return period


def set_lead_partner(actor: Actor, user: User, project: Project, partner: Partner) -> Partner:
    """One lead partner per project: the new one takes over from the old one."""
    require_admin(user, project)
    if partner.project_id != project.id:
        raise DomainError(_("This partner does not belong to this project."))
    if partner.is_lead:
        return partner
    old = db.session.scalar(select(Partner).where(Partner.project_id == project.id, Partner.is_lead))
    if old is not None:
        old.is_lead = False
        db.session.flush()
    partner.is_lead = True
    db.session.flush()
    record(actor, user, project, "project.lead_partner_set", "partner", partner.id,
           before={"lead_partner": old.label if old else None}, after={"lead_partner": partner.label})
    return partner


@dataclass(frozen=True)
class PartnerCeiling:
    partner: Partner
    ceiling: Decimal  # the partner's share of the fund in its budget
    certified: Decimal  # its certified share so far, after corrections

    @property
    def remaining(self) -> Decimal:
        return max(self.ceiling - self.certified, ZERO)


def partner_ceilings(project: Project) -> list[PartnerCeiling]:
    """Per partner: its share of the fund in the budget, what is certified of it (claims in a final state plus
    their corrections, as app/services/corrections/ceiling.py counts them) and what remains; where the project
    caps the fund share per partner, a claim beyond it is certified with its share capped at what remains.
    Three grouped statements, whatever the number of partners."""
    in_project = Partner.project_id == project.id
    ceilings = dict(db.session.execute(
        select(FundingSource.partner_id, func.sum(FundingSource.amount)).join(Partner)
        .where(in_project, FundingSource.kind == FundingKind.EFRO).group_by(FundingSource.partner_id)).all())
    certified = dict(db.session.execute(
        select(Claim.partner_id, func.sum(Claim.efro_total))
        .where(Claim.project_id == project.id, Claim.status.in_(FINAL_STATES)).group_by(Claim.partner_id)).all())
    corrected = dict(db.session.execute(
        select(FinancialCorrection.partner_id, func.sum(FinancialCorrection.efro))
        .where(FinancialCorrection.project_id == project.id).group_by(FinancialCorrection.partner_id)).all())
    partners = db.session.scalars(select(Partner).where(in_project).order_by(Partner.number))
    return [PartnerCeiling(p, ceilings.get(p.id) or ZERO, (certified.get(p.id) or ZERO) + (corrected.get(p.id) or ZERO))
            for p in partners]
