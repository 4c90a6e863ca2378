"""A project's funding sources and their rates: the one place that sets them and the rules they follow.

The sum of the rates is the project's co-financing rate (``Project.cofinancing_rate``) and the sum of the
ceilings its approved support (``Project.efro_ceiling``), so every figure computed from those two (a claim's
fund share, the budget's fund share per partner) follows the sources. Changing a rate changes what later
certifications compute; a certified claim keeps the shares fixed at its certification."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import ClaimFundingShare, FundingKind, FundingSource, Partner, Project, ProjectFundingSource, User
from ...money import HUNDRED, ZERO
from ...permissions import can_manage_funding, require, role_label
from .. import audit
from ..audit import Actor

MAX_SOURCES = 8


@dataclass(frozen=True)
class SourceData:
    name: str
    kind: FundingKind
    rate: Decimal  # percent of the certified cost
    ceiling: Decimal  # the approved amount
    id: int | None = None  # an existing source of the project; None: a new one


def sources_of(project: Project | int) -> list[ProjectFundingSource]:
    project_id = project if isinstance(project, int) else project.id
    return list(db.session.scalars(select(ProjectFundingSource).where(
        ProjectFundingSource.project_id == project_id).order_by(ProjectFundingSource.position)))


def fund_name(sources: list[ProjectFundingSource]) -> str:
    """The sources' names as one label: 'EFRO', or 'Ministerie van OCW + Provincie Gelderland'."""
    return " + ".join(s.label for s in sources) or _("ERDF")


def certified_by_source(project: Project) -> dict[int, Decimal]:
    """Per source of the project: the shares of its certified claims so far."""
    return dict(db.session.execute(
        select(ClaimFundingShare.source_id, func.sum(ClaimFundingShare.amount))
        .join(ProjectFundingSource, ClaimFundingShare.source_id == ProjectFundingSource.id)
        .where(ProjectFundingSource.project_id == project.id).group_by(ClaimFundingShare.source_id)).all())


def _snapshot(sources) -> list[dict]:
    return [{"name": s.name, "kind": s.kind, "rate": s.rate, "ceiling": s.ceiling} for s in sources]


def add_default_source(project: Project) -> ProjectFundingSource:
    """The source of a newly created project: EFRO at its co-financing rate, its approved support as the
    ceiling (recorded in the project's 'created' event)."""
    source = ProjectFundingSource(project_id=project.id, position=1, kind=FundingKind.EFRO,
                                  name=FundingSource.EFRO_NAME, rate=project.cofinancing_rate,
                                  ceiling=project.efro_ceiling)
    db.session.add(source)
    return source


def _check(rows: list[SourceData]) -> None:
    if not rows:
        raise DomainError(_("A project has at least one funding source."))
    if len(rows) > MAX_SOURCES:
        raise DomainError(_("A project has at most %(count)s funding sources.", count=MAX_SOURCES))
    seen = set()
    for row in rows:
        name = row.name.strip()
        if not name or len(name) > 200 or "\x00" in name:
            raise DomainError(_("A funding source has a name of 1 to 200 characters."))
        if name.casefold() in seen:
            raise DomainError(_("Two funding sources are named %(name)s.", name=name))
        seen.add(name.casefold())
        if not (ZERO < row.rate <= HUNDRED):
            raise DomainError(_("The rate of %(name)s lies above 0 and at most 100%%.", name=name))
        if row.ceiling < 0:
            raise DomainError(_("The approved amount of %(name)s may not be negative.", name=name))
    total = sum((r.rate for r in rows), ZERO)
    if total > HUNDRED:
        raise DomainError(_("The rates add up to %(total)s: together at most 100%%.",
                            total=formatting.percent(total)))


def set_sources(actor: Actor, user: User | None, project: Project, rows: list[SourceData]
                ) -> list[ProjectFundingSource]:
    """Set the project's funding sources: change the ones given by id, add the new ones, remove the ones
    left out. ``user`` None: the seed or the command line. Refused: no source, a rate of 0 or above 100%,
    rates adding up to more than 100%, a name twice, removing a source that certified claims have shares
    of, an approved amount below what is certified of it, or approved amounts below the fund share the
    partners' budgets already hold. One audit event with the sources before and after."""
    if user is not None:
        require(can_manage_funding(user, project))
    audit.serialise(project)
    _check(rows)
    current = {s.id: s for s in sources_of(project)}
    before = _snapshot(current.values())
    used = certified_by_source(project)
    kept = {r.id for r in rows if r.id is not None}
    if not kept <= set(current):
        raise NotFound(_("Funding source not found."))
    for source_id, source in current.items():
        if source_id not in kept and used.get(source_id):
            raise DomainError(_("%(name)s has shares in certified claims (%(amount)s): it cannot be removed.",
                                name=source.label, amount=formatting.money(used[source_id])))
    for row in rows:
        if row.id is not None and row.ceiling < used.get(row.id, ZERO):
            raise DomainError(_("%(name)s: the approved amount may not be below what is certified of it "
                                "(%(amount)s).", name=row.name.strip(), amount=formatting.money(used[row.id])))
    ceiling = sum((r.ceiling for r in rows), ZERO)
    in_budgets = db.session.scalar(
        select(func.coalesce(func.sum(FundingSource.amount), ZERO)).join(Partner)
        .where(Partner.project_id == project.id, FundingSource.kind == FundingKind.EFRO)) or ZERO
    if in_budgets > ceiling:
        raise DomainError(_("The partners' budgets already hold %(amount)s of funding: the approved amounts "
                            "together may not be less.", amount=formatting.money(in_budgets)))
    for source_id in set(current) - kept:
        db.session.delete(current.pop(source_id))
    # Move the kept sources out of the way first: names and positions are unique within the project.
    for source in current.values():
        source.position, source.name = source.position + 1000, f"#{source.id}"
    db.session.flush()
    result = []
    for position, row in enumerate(rows, 1):
        source = current.get(row.id) if row.id is not None else None
        if source is None:
            source = ProjectFundingSource(project_id=project.id)
            db.session.add(source)
        source.position, source.name, source.kind = position, row.name.strip(), row.kind
        source.rate, source.ceiling = row.rate, row.ceiling
        result.append(source)
    old_rate, old_ceiling = project.cofinancing_rate, project.efro_ceiling
    project.cofinancing_rate = sum((r.rate for r in rows), ZERO)
    project.efro_ceiling = ceiling
    db.session.flush()
    audit.record(actor, "project.funding_set", role=role_label(user, project), object_type="project",
                 object_id=project.id, project_id=project.id,
                 before={"sources": before, "cofinancing_rate": old_rate, "efro_ceiling": old_ceiling},
                 after={"sources": _snapshot(result), "cofinancing_rate": project.cofinancing_rate,
                        "efro_ceiling": project.efro_ceiling})
    return result


@dataclass(frozen=True)
class Share:
    name: str
    rate: Decimal
    amount: Decimal


def claim_shares(claim) -> list[Share]:
    """A certified claim's share of each funding source, where the project has several (with one source
    the claim's fund total is that source's share)."""
    if claim.efro_total is None:
        return []
    rows = db.session.execute(
        select(ProjectFundingSource, ClaimFundingShare.amount)
        .join(ClaimFundingShare, ClaimFundingShare.source_id == ProjectFundingSource.id)
        .where(ClaimFundingShare.claim_id == claim.id).order_by(ProjectFundingSource.position)).all()
    if len(rows) < 2:
        return []
    return [Share(source.label, source.rate, amount) for source, amount in rows]


def statement_fund_name(project: Project) -> str | None:
    """The name statements give the project's funding: None where EFRO alone funds it (the statements name
    the fund in their own words), else the sources' names as people read them in the statement's language
    (made under ``force_locale``): the programme's fund as ERDF in English, EFRO in Dutch; others as entered."""
    sources = sources_of(project)
    if len(sources) == 1 and sources[0].kind is FundingKind.EFRO and sources[0].name == FundingSource.EFRO_NAME:
        return None
    return " + ".join(s.label for s in sources)
