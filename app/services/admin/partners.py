"""Partners of a project (name, country, type, role, contact) and their flat rates."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    CategoryKind,
    Claim,
    ClaimStatus,
    CostCategory,
    Expenditure,
    FlatRate,
    FlatRateBasis,
    Partner,
    Project,
    User,
)
from .. import setup
from ..audit import Actor
from .common import changed_fields, record, require_admin
from .projects import set_lead_partner


def add_partner(actor: Actor, user: User, project: Project, data: setup.PartnerData) -> Partner:
    """A new partner (the rules of :func:`setup.add_partner`: one lead partner, each organisation once)."""
    require_admin(user, project)
    return setup.add_partner(actor, project, data)


def update_partner(actor: Actor, user: User, partner: Partner, data: setup.PartnerData) -> Partner:
    """Change a partner's name, country, type, role and contact (the same rules as a new partner)."""
    project = partner.project
    require_admin(user, project)
    setup.check_partner_data(data)
    org = setup.organisation(data.organisation.strip(), data.country, data.city)
    if org.id != partner.organisation_id and db.session.scalar(select(Partner.id).where(
            Partner.project_id == project.id, Partner.organisation_id == org.id)) is not None:
        raise DomainError(_("%(organisation)s is already a partner of %(project)s.", organisation=org.name,
                            project=project.code))
    old_name = partner.organisation.name
    before, after = changed_fields(partner, {
        "organisation_id": org.id, "country": data.country, "vat_recoverable": data.vat_recoverable,
        "org_type": data.org_type, "contact_name": (data.contact_name or "").strip() or None,
        "contact_email": (data.contact_email or "").strip().lower() or None})
    if "organisation_id" in after:
        before["organisation"], after["organisation"] = old_name, org.name
        del before["organisation_id"], after["organisation_id"]
    if after:
        db.session.flush()
        db.session.refresh(partner)
        record(actor, user, project, "partner.updated", "partner", partner.id, before=before, after=after)
    if data.lead and not partner.is_lead:
        set_lead_partner(actor, user, project, partner)
    elif not data.lead and partner.is_lead:
        raise DomainError(_("A project has one lead partner: make another partner the lead partner instead."))
    return partner


# The flat rates an administrator sets: the category paid by flat rate, its basis, and the highest rate
# the programme allows (Interreg: 15% of staff costs for office and administration and for travel; 20% of
# the other direct costs for staff costs).
FLAT_RATES = {
    CategoryKind.OFFICE: (FlatRateBasis.STAFF, Decimal("15")),
    CategoryKind.TRAVEL: (FlatRateBasis.STAFF, Decimal("15")),
    CategoryKind.STAFF: (FlatRateBasis.OTHER_DIRECT, Decimal("20")),
}
CLAIMED_STATES = [s for s in ClaimStatus if s not in (ClaimStatus.DRAFT,)]


def set_flat_rates(actor: Actor, user: User, partner: Partner, rates: dict[CategoryKind, Decimal | None]) -> Partner:
    """The partner's flat rates (None: the category is claimed with real costs). Rules: a rate above 0 and
    at most the programme's maximum; no flat rate for a category with expenditures registered; no change
    once the partner has a claim beyond the draft (its flat-rate amounts were computed on them)."""
    project = partner.project
    require_admin(user, project)
    categories = {c.kind: c for c in db.session.scalars(select(CostCategory).where(
        CostCategory.project_id == project.id))}
    current = {fr.category.kind: fr for fr in partner.flat_rates}
    before = {CategoryKind(k).value: f"{fr.rate}% {fr.basis.value}" for k, fr in current.items()}
    wanted = {}
    for kind, rate in rates.items():
        if kind not in FLAT_RATES:
            raise DomainError(_("This cost category cannot be paid by a flat rate."))
        if rate is None:
            continue
        basis, maximum = FLAT_RATES[kind]
        if not (Decimal(0) < rate <= maximum):
            raise DomainError(_("The flat rate for %(category)s lies above zero and at most %(maximum)s.",
                                category=categories[kind].label, maximum=formatting.percent(maximum)))
        wanted[kind] = (basis, rate)
    after = {k.value: f"{rate}% {basis.value}" for k, (basis, rate) in wanted.items()}
    if before == after:
        return partner
    if db.session.scalar(select(Claim.id).where(Claim.partner_id == partner.id,
                                                Claim.status.in_(CLAIMED_STATES)).limit(1)) is not None:
        raise DomainError(_("%(partner)s has submitted claims: its flat rates no longer change (that would be a "
                            "project modification of the programme).", partner=partner.name))
    for kind in wanted:
        if kind not in current and db.session.scalar(select(Expenditure.id).where(
                Expenditure.partner_id == partner.id, Expenditure.category_id == categories[kind].id).limit(1)):
            raise DomainError(_("%(partner)s has expenditures in %(category)s: that category cannot become a "
                                "flat rate.", partner=partner.name, category=categories[kind].label))
    for kind, fr in current.items():
        if kind not in wanted:
            db.session.delete(fr)
        elif (fr.basis, fr.rate) != wanted[kind]:
            fr.basis, fr.rate = wanted[kind]
    for kind, (basis, rate) in wanted.items():
        if kind not in current:
            db.session.add(FlatRate(partner_id=partner.id, category_id=categories[kind].id, basis=basis, rate=rate))
    db.session.flush()
    db.session.expire(partner, ["flat_rates"])
    record(actor, user, project, "partner.flat_rates_set", "partner", partner.id, before={"flat_rates": before},
           after={"flat_rates": after})
    return partner
