"""Setting up a project: the project with its cost categories, its reporting periods, its partners with
their budget, funding sources and flat rates. Every step is audited. The demo seed and the command line use
these functions; an administrator's pages build on them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from .. import formatting
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..models import (
    DEFAULT_CATEGORIES,
    BudgetLine,
    CategoryKind,
    CostCategory,
    FlatRate,
    FlatRateBasis,
    FundingKind,
    FundingSource,
    Membership,
    Organisation,
    Partner,
    Programme,
    Project,
    ReportingPeriod,
    User,
)
from ..money import ZERO
from . import audit
from .audit import Actor


@dataclass(frozen=True)
class ProjectData:
    code: str
    name: str
    start_date: date
    end_date: date
    eligibility_start: date
    eligibility_end: date
    cofinancing_rate: Decimal  # EFRO, percent
    efro_ceiling: Decimal  # the approved EFRO amount
    flexibility_rate: Decimal = Decimal("10.00")
    efro_per_partner: bool = False  # each partner's certified fund share capped at its share in the budget


@dataclass(frozen=True)
class PartnerData:
    organisation: str
    country: str  # 'BE' or 'NL'
    city: str | None = None
    number: int | None = None  # PPn; the next free number when None
    lead: bool = False
    vat_recoverable: bool = False
    org_type: str | None = None  # one of ORG_TYPES
    contact_name: str | None = None
    contact_email: str | None = None


# The kinds of partner organisation (the application form's 'legal status', simplified).
ORG_TYPES = ("higher_education", "education", "public_authority", "business_support", "enterprise",
             "association", "other")


def check_partner_data(data: PartnerData) -> None:
    """The rules of a partner's own data, for adding and for changing a partner."""
    if not data.organisation.strip() or len(data.organisation.strip()) > 200:
        raise DomainError(_("A partner's name has 1 to 200 characters."))
    if data.country not in ("BE", "NL"):
        raise DomainError(_("A partner is Belgian (BE) or Dutch (NL)."))
    if data.org_type is not None and data.org_type not in ORG_TYPES:
        raise DomainError(_("Choose a type of organisation from the list."))
    email = (data.contact_email or "").strip()
    if email and ("@" not in email or len(email) > 254 or any(c.isspace() for c in email)):
        raise DomainError(_("'%(email)s' is not a valid e-mail address.", email=email))
    if data.contact_name and len(data.contact_name) > 200:
        raise DomainError(_("A contact's name has at most 200 characters."))


@dataclass
class PartnerBudget:
    """A partner's budget per (category kind, period number), its EFRO and other public co-financing."""

    lines: dict[tuple[CategoryKind, int], Decimal]
    efro: Decimal
    other_public: list[tuple[str, Decimal]] = field(default_factory=list)
    flat_rates: dict[CategoryKind, tuple[FlatRateBasis, Decimal]] = field(default_factory=dict)


def programme(actor: Actor, code: str, name: str) -> Programme:
    """The programme with this code, created if it does not exist."""
    found = db.session.scalar(select(Programme).where(Programme.code == code))
    if found is None:
        found = Programme(code=code, name=name)
        db.session.add(found)
        db.session.flush()
        audit.record(actor, "programme.created", object_type="programme", object_id=found.id,
                     after={"code": code, "name": name})
    return found


def create_project(actor: Actor, prog: Programme, data: ProjectData) -> Project:
    """A project with the default (Interreg) cost categories."""
    code = data.code.strip()
    if not code or len(code) > 20:
        raise DomainError(_("A project code has 1 to 20 characters."))
    if db.session.scalar(select(Project.id).where(Project.code == code)) is not None:
        raise DomainError(_("A project with code %(code)s already exists.", code=code))
    if data.end_date < data.start_date or data.eligibility_end < data.eligibility_start:
        raise DomainError(_("An end date lies before its start date."))
    if not (Decimal(0) < data.cofinancing_rate <= Decimal(100)):
        raise DomainError(_("The co-financing rate lies between 0 and 100%."))
    project = Project(programme_id=prog.id, code=code, name=data.name.strip(), start_date=data.start_date,
                      end_date=data.end_date, eligibility_start=data.eligibility_start,
                      eligibility_end=data.eligibility_end, cofinancing_rate=data.cofinancing_rate,
                      efro_ceiling=data.efro_ceiling, flexibility_rate=data.flexibility_rate,
                      efro_per_partner=data.efro_per_partner)
    db.session.add(project)
    db.session.flush()
    db.session.add_all(CostCategory(project_id=project.id, kind=kind, name=label, position=position)
                       for position, (kind, label) in enumerate(DEFAULT_CATEGORIES, start=1))
    from .funding.sources import add_default_source  # EFRO at the rate; set_sources changes it
    add_default_source(project)
    db.session.flush()
    audit.record(actor, "project.created", object_type="project", object_id=project.id, project_id=project.id,
                 after={"code": code, "name": project.name, "start_date": data.start_date,
                        "end_date": data.end_date, "cofinancing_rate": data.cofinancing_rate,
                        "efro_ceiling": data.efro_ceiling, "flexibility_rate": data.flexibility_rate,
                        "efro_per_partner": data.efro_per_partner})
    return project


def add_period(actor: Actor, project: Project, start: date, end: date) -> ReportingPeriod:
    """The next reporting period: it starts after the previous one ends."""
    if end < start:
        raise DomainError(_("A period does not end before it starts."))
    if start < project.start_date or end > project.end_date:
        raise DomainError(_("A reporting period lies within the project's dates (%(start)s to %(end)s).",
                            start=formatting.day(project.start_date), end=formatting.day(project.end_date)))
    last = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.project_id == project.id)
                             .order_by(ReportingPeriod.number.desc()).limit(1))
    if last is not None and start <= last.end_date:
        raise DomainError(_("The period must start after %(period)s.", period=last.label))
    period = ReportingPeriod(project_id=project.id, number=(last.number + 1) if last else 1, start_date=start,
                             end_date=end)
    db.session.add(period)
    db.session.flush()
    audit.record(actor, "period.created", object_type="reporting_period", object_id=period.id,
                 project_id=project.id, after={"number": period.number, "start_date": start, "end_date": end})
    return period


def organisation(name: str, country: str, city: str | None = None) -> Organisation:
    """The organisation with this name, created if it does not exist."""
    found = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name, country=country, city=city)
        db.session.add(found)
        db.session.flush()
    return found


def add_partner(actor: Actor, project: Project, data: PartnerData) -> Partner:
    check_partner_data(data)
    org = organisation(data.organisation.strip(), data.country, data.city)
    if db.session.scalar(select(Partner.id).where(Partner.project_id == project.id,
                                                  Partner.organisation_id == org.id)) is not None:
        raise DomainError(_("%(organisation)s is already a partner of %(project)s.", organisation=org.name,
                            project=project.code))
    if data.lead and db.session.scalar(select(Partner.id).where(Partner.project_id == project.id,
                                                                Partner.is_lead)) is not None:
        raise DomainError(_("%(project)s already has a lead partner.", project=project.code))
    number = data.number or (db.session.scalar(select(func.max(Partner.number))
                                               .where(Partner.project_id == project.id)) or 0) + 1
    partner = Partner(project_id=project.id, organisation_id=org.id, number=number, is_lead=data.lead,
                      country=data.country, vat_recoverable=data.vat_recoverable, org_type=data.org_type,
                      contact_name=(data.contact_name or "").strip() or None,
                      contact_email=(data.contact_email or "").strip().lower() or None)
    db.session.add(partner)
    db.session.flush()
    after = {"organisation": org.name, "number": number, "lead": data.lead, "country": data.country,
             "vat_recoverable": data.vat_recoverable}
    if data.org_type or partner.contact_name or partner.contact_email:
        after.update(org_type=data.org_type, contact_name=partner.contact_name, contact_email=partner.contact_email)
    audit.record(actor, "partner.created", object_type="partner", object_id=partner.id, project_id=project.id,
                 after=after)
    return partner


def set_initial_budget(actor: Actor, partner: Partner, budget: PartnerBudget) -> None:
    """The approved budget of a new partner (no budget yet), its funding and flat rates, in one step. The
    EFRO is given as in the subsidy decision (often rounded down to the euro); the project's EFRO total
    may not exceed the approved amount."""
    project = partner.project
    if db.session.scalar(select(BudgetLine.id).where(BudgetLine.partner_id == partner.id).limit(1)):
        raise DomainError(_("%(partner)s already has a budget; change it line by line.", partner=partner.name))
    categories = {c.kind: c.id for c in db.session.scalars(
        select(CostCategory).where(CostCategory.project_id == project.id))}
    periods = {p.number: p.id for p in db.session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.project_id == project.id))}
    rows = []
    for (kind, number), amount in budget.lines.items():
        if kind not in categories or number not in periods:
            raise DomainError(_("Cost category %(category)s or period %(period)s does not exist in %(project)s.",
                                  category=kind, period=number, project=project.code))
        if amount < 0:
            raise DomainError(_("A budget amount may not be negative."))
        rows.append({"partner_id": partner.id, "category_id": categories[kind], "period_id": periods[number],
                     "amount": amount})
    total = sum((r["amount"] for r in rows), ZERO)
    other = sum((amount for _name, amount in budget.other_public), ZERO)
    if budget.efro + other > total:
        raise DomainError(_("ERDF and other co-financing together are more than the budget of %(partner)s.",
                            partner=partner.name))
    efro_elsewhere = db.session.scalar(
        select(func.coalesce(func.sum(FundingSource.amount), ZERO)).join(Partner)
        .where(Partner.project_id == project.id, FundingSource.kind == FundingKind.EFRO)) or ZERO
    if efro_elsewhere + budget.efro > project.efro_ceiling:
        raise DomainError(_("The ERDF of %(project)s would exceed the approved support.", project=project.code))
    if rows:
        db.session.execute(db.insert(BudgetLine), rows)
    db.session.add(FundingSource(partner_id=partner.id, kind=FundingKind.EFRO, name=FundingSource.EFRO_NAME,
                                 amount=budget.efro))
    for name, amount in budget.other_public:
        db.session.add(FundingSource(partner_id=partner.id, kind=FundingKind.OTHER_PUBLIC, name=name, amount=amount))
    for kind, (basis, rate) in budget.flat_rates.items():
        if kind not in categories:
            raise DomainError(_("Cost category %(category)s does not exist in %(project)s.", category=kind,
                                  project=project.code))
        db.session.add(FlatRate(partner_id=partner.id, category_id=categories[kind], basis=basis, rate=rate))
    db.session.flush()
    audit.record(actor, "partner.budget_set", object_type="partner", object_id=partner.id, project_id=project.id,
                 after={"budget_total": total, "budget_lines": len(rows), "efro": budget.efro,
                        "other_public": {name: amount for name, amount in budget.other_public},
                        "flat_rates": {k.value: f"{r}% {b.value}" for k, (b, r) in budget.flat_rates.items()}})


def projects_of(user: User) -> list[tuple[Project, list[str]]]:
    """The projects the user has a role in, with the labels of those roles."""
    projects = db.session.scalars(
        select(Project).join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id, Membership.revoked_at.is_(None)).distinct().order_by(Project.code)).all()
    return [(p, sorted(r.label for r in user.roles_in(p.id))) for p in projects]
