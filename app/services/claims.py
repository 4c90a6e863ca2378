"""Cost claims: preparing and submitting them, first-level verification (four eyes), certification with
flat rates, flexibility and EFRO rounding."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Integer, String, and_, cast, func, select
from sqlalchemy.orm import contains_eager, joinedload

from ..errors import DomainError, NotFound, PermissionDenied
from ..extensions import db
from ..models import (
    AuditEvent,
    BudgetLine,
    CategoryKind,
    Claim,
    ClaimCategoryTotal,
    ClaimLine,
    ClaimStatus,
    CostCategory,
    ErrorType,
    Expenditure,
    ExpenditureStatus,
    FlatRateBasis,
    LineStatus,
    Partner,
    ReportingPeriod,
    User,
)
from ..models.claim import FINAL_STATES
from ..models.types import utcnow
from ..money import ZERO, flat_rate, format_money, format_percent, percent_of, split_fund
from ..permissions import can_register_for, can_see_partner, can_verify, require, role_label
from . import audit
from .audit import Actor
from .expenditures import duplicates_of

S = ClaimStatus
# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": ({S.DRAFT, S.RETURNED}, S.SUBMITTED),
    "start_verification": ({S.SUBMITTED}, S.IN_VERIFICATION),
    "return": ({S.SUBMITTED, S.IN_VERIFICATION}, S.RETURNED),
    "certify": ({S.IN_VERIFICATION}, S.CERTIFIED),
    "include_in_payment": ({S.CERTIFIED}, S.INCLUDED_IN_PAYMENT),
    "mark_paid": ({S.INCLUDED_IN_PAYMENT}, S.PAID),
}
VERBS = {"submit": "ingediend worden", "start_verification": "in verificatie genomen worden",
         "return": "teruggestuurd worden", "certify": "gecertificeerd worden",
         "include_in_payment": "in een betaalaanvraag opgenomen worden", "mark_paid": "als betaald gemarkeerd worden"}


def transition(claim: Claim, action: str) -> tuple[ClaimStatus, ClaimStatus]:
    allowed, target = TRANSITIONS[action]
    if claim.status not in allowed:
        raise DomainError(f"Een declaratie die {claim.status.label} is, kan niet {VERBS[action]}.")
    before = claim.status
    claim.status = target
    return before, target


def _audit(actor: Actor, user: User, claim: Claim, action: str, before=None, after=None) -> None:
    audit.record(actor, action, role=role_label(user, claim.partner.project), object_type="claim",
                 object_id=claim.id, project_id=claim.project_id, before=before, after=after)


def _require_preparer(user: User, claim: Claim) -> None:
    if not can_see_partner(user, claim.partner):
        raise NotFound("Niet gevonden.")
    require(can_register_for(user, claim.partner),
            "Alleen de partner zelf of een financieel medewerker werkt een declaratie bij.")
    audit.serialise(claim)


def _require_editable(claim: Claim) -> None:
    if not claim.status.editable:
        raise DomainError(f"Deze declaratie is {claim.status.label} en ligt vast; wijzigingen zijn nieuwe "
                          "records (correcties), geen aanpassingen.")


# --- preparing a claim -------------------------------------------------------------------------------


def create_claim(actor: Actor, user: User, partner: Partner, period_id: int) -> Claim:
    require(can_register_for(user, partner), "Alleen de partner zelf of een financieel medewerker maakt een "
            "declaratie aan.")
    audit.serialise()
    period = db.session.get(ReportingPeriod, period_id)
    if period is None or period.project_id != partner.project_id:
        raise DomainError("Kies een rapportageperiode van dit project.")
    if db.session.scalar(select(Claim.id).where(Claim.partner_id == partner.id, Claim.period_id == period_id)):
        raise DomainError(f"{partner.name} heeft al een declaratie voor {period.label}.")
    claim = Claim(project_id=partner.project_id, partner_id=partner.id, period_id=period_id,
                  created_by_id=user.id, status=ClaimStatus.DRAFT)
    db.session.add(claim)
    db.session.flush()
    _audit(actor, user, claim, "claim.created", after={"partner_id": partner.id, "period": period.number})
    return claim


def claimable_expenditures(claim: Claim) -> list[Expenditure]:
    """Active lines of the claim's partner, of this period or earlier, that are in no claim, or only
    parked in claims that are certified (parking ends when that claim is certified)."""
    taken = select(ClaimLine.expenditure_id).join(Claim, ClaimLine.claim_id == Claim.id).where(
        ~and_(ClaimLine.status == LineStatus.PARKED, Claim.status.in_(FINAL_STATES)))
    return list(db.session.scalars(
        select(Expenditure).join(ReportingPeriod, Expenditure.period_id == ReportingPeriod.id)
        .where(Expenditure.partner_id == claim.partner_id, Expenditure.status == ExpenditureStatus.ACTIVE,
               ReportingPeriod.number <= claim.period.number, Expenditure.id.not_in(taken))
        .options(contains_eager(Expenditure.period), joinedload(Expenditure.category))
        .order_by(Expenditure.payment_date, Expenditure.id)))


def add_lines(actor: Actor, user: User, claim: Claim, expenditure_ids: list[int]) -> int:
    _require_preparer(user, claim)
    _require_editable(claim)
    free = {e.id: e for e in claimable_expenditures(claim)}
    wanted = list(dict.fromkeys(expenditure_ids))
    if not wanted:
        raise DomainError("Kies minstens één uitgave.")
    missing = [i for i in wanted if i not in free]
    if missing:
        raise DomainError("Deze uitgaven kunnen niet in deze declaratie: " + ", ".join(f"#{i}" for i in missing)
                          + " (van een andere partner, ingetrokken, van een latere periode of al gedeclareerd).")
    for i in wanted:
        db.session.add(ClaimLine(claim_id=claim.id, expenditure_id=i, declared_amount=free[i].declared_amount))
    db.session.flush()
    _audit(actor, user, claim, "claim.lines_added", after={
        "expenditure_ids": wanted, "declared": sum((free[i].declared_amount for i in wanted), ZERO)})
    return len(wanted)


def remove_line(actor: Actor, user: User, claim: Claim, line_id: int) -> None:
    _require_preparer(user, claim)
    _require_editable(claim)
    line = db.session.get(ClaimLine, line_id)
    if line is None or line.claim_id != claim.id:
        raise DomainError("Deze lijn hoort niet bij deze declaratie.")
    _audit(actor, user, claim, "claim.line_removed", before={
        "expenditure_id": line.expenditure_id, "declared_amount": line.declared_amount, "status": line.status,
        "deduction": line.deduction, "error_type": line.error_type, "comment": line.comment})
    db.session.delete(line)
    db.session.flush()


def submit(actor: Actor, user: User, claim: Claim) -> Claim:
    """Submit (or resubmit after a return): the declared amounts are fixed and the claim is frozen."""
    _require_preparer(user, claim)
    lines = db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)).all()
    if not lines:
        raise DomainError("Een lege declaratie kan niet ingediend worden: voeg eerst uitgaven toe.")
    before, _ = transition(claim, "submit")
    for line in lines:
        exp = line.expenditure
        if exp.status is not ExpenditureStatus.ACTIVE:
            raise DomainError(f"Uitgave #{exp.id} is ingetrokken; haal ze uit de declaratie.")
        exp_period = db.session.get(ReportingPeriod, exp.period_id)
        if exp.partner_id != claim.partner_id or exp_period.number > claim.period.number:
            raise DomainError(f"Uitgave #{exp.id} hoort nu bij {exp_period.label}, na de periode van deze "
                              "declaratie; haal ze uit de declaratie of zet de periode terug.")
        if exp.corrects_id is not None and exp.corrects.status is not ExpenditureStatus.ACTIVE:
            raise DomainError(f"Correctielijn #{exp.id} hoort bij een ingetrokken uitgave.")
        line.declared_amount = line.expenditure.declared_amount
        line.status, line.deduction, line.error_type, line.comment = LineStatus.PENDING, ZERO, None, None
        line.verified_by_id = line.verified_at = line.duplicate_confirmed_by_id = None
    claim.submitted_by_id, claim.submitted_at, claim.verifier_id = user.id, utcnow(), None
    db.session.flush()
    _audit(actor, user, claim, "claim.submitted", before={"status": before}, after={
        "status": claim.status, "lines": len(lines), "declared": sum((ln.declared_amount for ln in lines), ZERO)})
    return claim


# --- verification ------------------------------------------------------------------------------------


def verifier_problem(user: User, claim: Claim) -> str | None:
    """Why this user may not verify this claim, or None. Four eyes: a finance officer who did not submit
    the claim, put none of its lines in it, and registered, changed or documented none of them."""
    if not can_verify(user, claim.partner.project):
        return "Alleen een financieel medewerker verifieert declaraties."
    if claim.submitted_by_id == user.id:
        return "Vier-ogenprincipe: u hebt deze declaratie zelf ingediend en mag ze niet verifiëren."
    if db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.user_id == user.id, AuditEvent.object_type == "claim",
            AuditEvent.object_id == str(claim.id), AuditEvent.action == "claim.lines_added")):
        return "Vier-ogenprincipe: u hebt zelf uitgaven in deze declaratie gezet en mag ze niet verifiëren."
    line_expenditures = select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id)
    created = select(Expenditure.id).where(Expenditure.id.in_(line_expenditures),
                                           Expenditure.created_by_id == user.id)
    touched = select(cast(AuditEvent.object_id, Integer)).where(
        AuditEvent.user_id == user.id, AuditEvent.project_id == claim.project_id,
        AuditEvent.object_type == "expenditure",
        AuditEvent.object_id.in_(select(cast(ClaimLine.expenditure_id, String)).where(ClaimLine.claim_id == claim.id)))
    own = db.session.scalar(select(func.count()).select_from(created.union(touched).subquery()))
    if own:
        return (f"Vier-ogenprincipe: u hebt {own} uitgave(n) van deze declaratie zelf geregistreerd of gewijzigd "
                "en mag ze niet verifiëren.")
    return None


def _require_verifier(user: User, claim: Claim) -> None:
    problem = verifier_problem(user, claim)
    if problem:
        raise PermissionDenied(problem)


def start_verification(actor: Actor, user: User, claim: Claim) -> Claim:
    audit.serialise(claim)
    _require_verifier(user, claim)
    before, _ = transition(claim, "start_verification")
    claim.verifier_id = user.id
    db.session.flush()
    _audit(actor, user, claim, "claim.verification_started", before={"status": before},
           after={"status": claim.status})
    return claim


def verify_line(actor: Actor, user: User, claim: Claim, line_id: int, *, deduction: Decimal = ZERO,
                error_type: ErrorType | None = None, comment: str = "", park: bool = False,
                confirm_duplicate: bool = False) -> ClaimLine:
    audit.serialise(claim)
    _require_verifier(user, claim)
    if claim.status is not ClaimStatus.IN_VERIFICATION:
        raise DomainError("Lijnen worden geverifieerd terwijl de declaratie in verificatie is.")
    line = db.session.get(ClaimLine, line_id)
    if line is None or line.claim_id != claim.id:
        raise DomainError("Deze lijn hoort niet bij deze declaratie.")
    if line.expenditure.status is not ExpenditureStatus.ACTIVE:
        raise DomainError(f"Uitgave #{line.expenditure_id} is ingetrokken en kan niet geverifieerd worden.")
    comment = (comment or "").strip()
    deduction = deduction or ZERO
    if park:
        error_type = None  # a parked line is neither accepted nor cut: no type of error
    if deduction < 0:
        raise DomainError("Een korting kan niet negatief zijn.")
    if park and deduction:
        raise DomainError("Een geparkeerde lijn krijgt geen korting: ze wordt niet aanvaard en niet afgewezen.")
    if deduction > max(line.declared_amount, ZERO):
        raise DomainError(f"De korting ({format_money(deduction)}) is hoger dan het gedeclareerde bedrag "
                          f"({format_money(line.declared_amount)}).")
    if deduction and (error_type is None or not comment):
        raise DomainError("Een korting vraagt een fouttype en een toelichting.")
    if error_type is not None and not deduction:
        raise DomainError("Een fouttype hoort bij een korting: vul het bedrag van de korting in, of kies geen "
                          "fouttype.")
    if park and not comment:
        raise DomainError("Geef een toelichting waarom de lijn geparkeerd wordt.")
    before = {"status": line.status, "deduction": line.deduction, "error_type": line.error_type,
              "comment": line.comment}
    if confirm_duplicate and line.duplicate_confirmed_by_id is None:
        line.duplicate_confirmed_by_id = user.id
    line.status = LineStatus.PARKED if park else LineStatus.VERIFIED
    line.deduction = ZERO if park else deduction
    line.error_type = error_type if deduction else None
    line.comment = comment or None
    line.verified_by_id, line.verified_at = user.id, utcnow()
    db.session.flush()
    _audit(actor, user, claim, "claim.line_parked" if park else "claim.line_verified", before=before, after={
        "line_id": line.id, "expenditure_id": line.expenditure_id, "status": line.status,
        "declared": line.declared_amount, "deduction": line.deduction, "certified": line.certified_amount,
        "error_type": line.error_type, "comment": line.comment,
        "duplicate_confirmed": line.duplicate_confirmed_by_id is not None})
    return line


def return_claim(actor: Actor, user: User, claim: Claim, reason: str) -> Claim:
    require(can_verify(user, claim.partner.project), "Alleen een financieel medewerker stuurt een declaratie terug.")
    audit.serialise(claim)
    if not (reason or "").strip():
        raise DomainError("Geef aan waarom de declaratie teruggaat naar de partner.")
    before, _ = transition(claim, "return")
    claim.return_reason = reason.strip()
    db.session.flush()
    _audit(actor, user, claim, "claim.returned", before={"status": before},
           after={"status": claim.status, "reason": claim.return_reason})
    return claim


# --- figures -----------------------------------------------------------------------------------------


@dataclass
class CategoryRow:
    category: CostCategory
    flat_rate: str | None = None  # e.g. "15% van de personeelskosten"
    declared: Decimal = ZERO
    certified: Decimal = ZERO
    budget: Decimal = ZERO
    earlier: Decimal = ZERO  # certified in the partner's other claims (before this one, once certified)
    efro: Decimal | None = None
    contribution: Decimal | None = None

    def cumulative(self, amount: Decimal) -> Decimal:
        return self.earlier + amount

    def limit(self, flexibility: Decimal) -> Decimal:
        return self.budget + percent_of(self.budget, flexibility)


@dataclass
class ClaimFigures:
    rows: list[CategoryRow]
    flexibility: Decimal
    partner_budget: Decimal
    partner_earlier: Decimal
    line_count: int = 0
    pending: int = 0
    parked: int = 0
    parked_amount: Decimal = ZERO  # declared on parked lines (not in the declared or certified figures)
    duplicates: dict[int, list[Expenditure]] = field(default_factory=dict)

    @property
    def declared(self) -> Decimal:
        return sum((r.declared for r in self.rows), ZERO)

    @property
    def certified(self) -> Decimal:
        return sum((r.certified for r in self.rows), ZERO)

    @property
    def expenses(self) -> Decimal:
        """What the lines declare, parked lines included (the flat rates come on top)."""
        return sum((r.declared for r in self.rows if r.flat_rate is None), ZERO) + self.parked_amount

    @property
    def flat_declared(self) -> Decimal:
        return sum((r.declared for r in self.rows if r.flat_rate is not None), ZERO)

    def warnings(self, basis: str) -> tuple[list[str], list[str]]:
        """(warnings, refusals) for the 'declared' or 'certified' amounts against the budget."""
        warnings, refusals = [], []
        for r in self.rows:
            amount = r.cumulative(getattr(r, basis))
            if amount > r.limit(self.flexibility):
                refusals.append(
                    f"{r.category.name}: {format_money(amount)} gecumuleerd, meer dan het budget "
                    f"{format_money(r.budget)} plus {format_percent(self.flexibility)} flexibiliteit.")
            elif amount > r.budget:
                warnings.append(
                    f"{r.category.name}: {format_money(amount)} gecumuleerd, boven het budget "
                    f"{format_money(r.budget)} (binnen de flexibiliteit van {format_percent(self.flexibility)}).")
        total = self.partner_earlier + getattr(self, basis)
        if total > self.partner_budget:
            refusals.append(f"Totaal {format_money(total)} gecumuleerd, meer dan het partnerbudget "
                            f"{format_money(self.partner_budget)}.")
        return warnings, refusals


def flat_rate_amounts(partner: Partner, real: dict[int, Decimal], categories: dict[int, CostCategory]
                      ) -> dict[int, Decimal]:
    """Flat-rate amounts computed on the claim's category totals of real costs, each rounded down to the
    cent. Staff costs as a % of other direct costs come first, since other flat rates may build on them."""
    kind_of = {c.id: c.kind for c in categories.values()}
    staff_id = next((c.id for c in categories.values() if c.kind is CategoryKind.STAFF), None)
    result: dict[int, Decimal] = {}
    rates = sorted(partner.flat_rates, key=lambda fr: fr.basis is not FlatRateBasis.OTHER_DIRECT)
    for fr in rates:
        if fr.basis is FlatRateBasis.OTHER_DIRECT:
            basis = sum((v for cid, v in real.items() if kind_of.get(cid) is not CategoryKind.STAFF), ZERO)
        else:
            basis = result.get(staff_id, real.get(staff_id, ZERO))
        result[fr.category_id] = flat_rate(basis, fr.rate)
    return result


def figures(claim: Claim) -> ClaimFigures:
    """Per category: declared and certified amounts of this claim (flat rates computed on them), the
    budget, and what earlier certified claims of the partner already used. A fixed number of queries."""
    partner, project = claim.partner, claim.partner.project
    categories = {c.id: c for c in db.session.scalars(
        select(CostCategory).where(CostCategory.project_id == project.id).order_by(CostCategory.position))}
    budget = dict(db.session.execute(
        select(BudgetLine.category_id, func.sum(BudgetLine.amount)).where(BudgetLine.partner_id == partner.id)
        .group_by(BudgetLine.category_id)).all())
    others = [Claim.partner_id == partner.id, Claim.id != claim.id, Claim.status.in_(FINAL_STATES)]
    if claim.certified_at is not None:  # a certified claim keeps the figures its certifier saw
        others.append(Claim.certified_at < claim.certified_at)
    earlier = dict(db.session.execute(
        select(ClaimCategoryTotal.category_id, func.sum(ClaimCategoryTotal.certified))
        .join(Claim, ClaimCategoryTotal.claim_id == Claim.id).where(*others)
        .group_by(ClaimCategoryTotal.category_id)).all())
    declared, certified = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    counts = defaultdict(int)
    parked_amount = ZERO
    for category_id, status, n, decl, ded in db.session.execute(
            select(Expenditure.category_id, ClaimLine.status, func.count(), func.sum(ClaimLine.declared_amount),
                   func.sum(ClaimLine.deduction))
            .join(Expenditure, ClaimLine.expenditure_id == Expenditure.id)
            .where(ClaimLine.claim_id == claim.id).group_by(Expenditure.category_id, ClaimLine.status)):
        counts[status] += n
        if status is LineStatus.PARKED:
            parked_amount += decl
        else:
            declared[category_id] += decl
        if status is LineStatus.VERIFIED:
            certified[category_id] += decl - ded
    flat_declared = flat_rate_amounts(partner, declared, categories)
    flat_certified = flat_rate_amounts(partner, certified, categories)
    labels = {fr.category_id: f"{format_percent(fr.rate)} {fr.basis.label}" for fr in partner.flat_rates}
    fixed = {t.category_id: t for t in db.session.scalars(
        select(ClaimCategoryTotal).where(ClaimCategoryTotal.claim_id == claim.id))}
    rows = []
    for cid, category in categories.items():
        row = CategoryRow(category, labels.get(cid), flat_declared.get(cid, declared[cid]),
                          flat_certified.get(cid, certified[cid]), budget.get(cid, ZERO), earlier.get(cid, ZERO))
        if cid in fixed:  # certified: the figures fixed at certification
            row.declared, row.certified = fixed[cid].declared, fixed[cid].certified
            row.efro, row.contribution = fixed[cid].efro, fixed[cid].contribution
        rows.append(row)
    line_ids = db.session.scalars(select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id)).all()
    return ClaimFigures(
        rows=rows, flexibility=project.flexibility_rate, partner_budget=sum(budget.values(), ZERO),
        partner_earlier=sum(earlier.values(), ZERO), line_count=sum(counts.values()),
        pending=counts[LineStatus.PENDING], parked=counts[LineStatus.PARKED], parked_amount=parked_amount,
        duplicates=duplicates_of(project.id, list(line_ids)))


def certify(actor: Actor, user: User, claim: Claim) -> Claim:
    """Fix the certified amounts per category (flat rates included), the EFRO share per category rounded
    down to the cent and the own contribution as the remainder. Refused beyond the flexibility limit, the
    partner's total budget or the project's approved EFRO amount."""
    audit.serialise(claim)
    _require_verifier(user, claim)
    if claim.status is not ClaimStatus.IN_VERIFICATION:
        raise DomainError(f"Een declaratie die {claim.status.label} is, kan niet {VERBS['certify']}.")
    fig = figures(claim)
    if fig.pending:
        raise DomainError(f"Nog {fig.pending} lijn(en) te verifiëren voor de certificering.")
    withdrawn = db.session.scalars(select(ClaimLine.expenditure_id).join(Expenditure).where(
        ClaimLine.claim_id == claim.id, ClaimLine.status != LineStatus.PARKED,
        Expenditure.status != ExpenditureStatus.ACTIVE)).all()
    if withdrawn:
        raise DomainError("Ingetrokken uitgaven in de declaratie: " + ", ".join(f"#{i}" for i in withdrawn) + ".")
    unconfirmed = db.session.scalars(select(ClaimLine.expenditure_id).where(
        ClaimLine.claim_id == claim.id, ClaimLine.status != LineStatus.PARKED,
        ClaimLine.duplicate_confirmed_by_id.is_(None), ClaimLine.expenditure_id.in_(list(fig.duplicates)))).all()
    if unconfirmed:
        raise DomainError("Mogelijke dubbele financiering niet bevestigd voor uitgave(n) "
                          + ", ".join(f"#{i}" for i in unconfirmed) + ": bevestig per lijn dat u ze nagekeken hebt.")
    if fig.certified <= 0:
        raise DomainError("Er is niets te certificeren: alle lijnen zijn geparkeerd of volledig gekort.")
    _, refusals = fig.warnings("certified")
    if refusals:
        raise DomainError("Certificering geweigerd: " + " ".join(refusals))
    project = claim.partner.project
    rate = project.cofinancing_rate
    totals = []
    for row in fig.rows:
        if row.certified == 0 and row.declared == 0:
            continue
        efro, contribution = split_fund(row.certified, rate)
        totals.append(ClaimCategoryTotal(claim_id=claim.id, category_id=row.category.id,
                                         flat_rate=row.flat_rate is not None, declared=row.declared,
                                         certified=row.certified, efro=efro, contribution=contribution))
    efro_total = sum((t.efro for t in totals), ZERO)
    certified_before = db.session.scalar(
        select(func.coalesce(func.sum(Claim.efro_total), ZERO))
        .where(Claim.project_id == project.id, Claim.status.in_(FINAL_STATES))) or ZERO
    if certified_before + efro_total > project.efro_ceiling:
        raise DomainError(f"Certificering geweigerd: het gecertificeerde EFRO van het project zou "
                          f"{format_money(certified_before + efro_total)} worden, meer dan de goedgekeurde "
                          f"{format_money(project.efro_ceiling)}.")
    before, _ = transition(claim, "certify")
    db.session.add_all(totals)
    claim.certified_total = sum((t.certified for t in totals), ZERO)
    claim.efro_total = efro_total
    claim.contribution_total = claim.certified_total - efro_total
    claim.certified_by_id, claim.certified_at = user.id, utcnow()
    db.session.flush()
    _audit(actor, user, claim, "claim.certified", before={"status": before}, after={
        "status": claim.status, "certified": claim.certified_total, "efro": claim.efro_total,
        "contribution": claim.contribution_total,
        "categories": {t.category_id: {"declared": t.declared, "certified": t.certified, "efro": t.efro,
                                       "contribution": t.contribution, "flat_rate": t.flat_rate}
                       for t in totals}})
    return claim
