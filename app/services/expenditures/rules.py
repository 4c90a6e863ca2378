"""The rules an expenditure line must meet, shared by the form and the spreadsheet import."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...models import BudgetLine, CostCategory, FlatRate, Partner, Project, ReportingPeriod
from ...money import ZERO

FIELDS = ("category_id", "period_id", "internal_ref", "supplier", "invoice_number", "invoice_date",
          "payment_date", "description", "gross_amount", "vat_amount", "vat_recoverable", "declared_amount")
# The longest text of each field, for the form (its Length validators) and the import alike.
TEXT_LIMITS = {"internal_ref": 60, "supplier": 200, "invoice_number": 60, "description": 2000}


@dataclass
class ExpenditureData:
    """The fields a user enters for one expenditure, already parsed (dates, Decimals)."""

    category_id: int
    period_id: int
    supplier: str
    invoice_number: str
    invoice_date: date
    payment_date: date
    description: str
    gross_amount: Decimal
    vat_amount: Decimal
    vat_recoverable: bool
    declared_amount: Decimal
    internal_ref: str = ""


class ProjectLookups:
    """Categories, periods, flat-rate categories and budgets per partner and category of a project, loaded
    once (for a form or a whole import)."""

    def __init__(self, project: Project):
        self.project = project
        self.categories = {c.id: c for c in db.session.scalars(
            select(CostCategory).where(CostCategory.project_id == project.id))}
        self.periods = {p.id: p for p in db.session.scalars(
            select(ReportingPeriod).where(ReportingPeriod.project_id == project.id))}
        self.flat = {(fr.partner_id, fr.category_id) for fr in db.session.scalars(
            select(FlatRate).join(Partner).where(Partner.project_id == project.id))}
        self.budget = {(partner_id, category_id): amount for partner_id, category_id, amount in db.session.execute(
            select(BudgetLine.partner_id, BudgetLine.category_id, func.sum(BudgetLine.amount))
            .join(Partner, BudgetLine.partner_id == Partner.id).where(Partner.project_id == project.id)
            .group_by(BudgetLine.partner_id, BudgetLine.category_id))}


class InvalidExpenditure(DomainError):
    """The expenditure breaks one or more rules; ``errors`` holds (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(" ".join(message for _, message in errors))
        self.errors = errors


def validate(data: ExpenditureData, partner: Partner, lookups: ProjectLookups) -> list[tuple[str, str]]:
    """Every rule an expenditure line must meet: (field of ExpenditureData, message in the user's words)
    for each problem; empty when the line is fine."""
    project = lookups.project
    errors = []
    category = lookups.categories.get(data.category_id)
    if category is None:
        errors.append(("category_id", "Kies een kostencategorie van dit project."))
    elif (partner.id, category.id) in lookups.flat:
        errors.append(("category_id", f"{partner.name} declareert '{category.name}' forfaitair: daarvoor worden "
                       "geen uitgaven ingevoerd, het bedrag wordt op de declaratie berekend."))
    period = lookups.periods.get(data.period_id)
    if period is None:
        errors.append(("period_id", "Kies een rapportageperiode van dit project."))
    elif data.payment_date and data.payment_date > period.end_date:
        errors.append(("period_id", f"Betaald op {formatting.day(data.payment_date)}, na het einde van {period.label} "
                       f"({formatting.day(period.end_date)}): kies de periode waarin de uitgave betaald is."))
    for name, label in (("supplier", "Leverancier"), ("invoice_number", "Factuurnummer"),
                        ("description", "Omschrijving")):
        if not (getattr(data, name) or "").strip():
            errors.append((name, f"{label} is verplicht."))
    if data.payment_date and not (project.eligibility_start <= data.payment_date <= project.eligibility_end):
        errors.append(("payment_date", f"De betaaldatum {formatting.day(data.payment_date)} valt buiten de "
                       f"subsidiabiliteitsperiode ({formatting.day(project.eligibility_start)} – "
                       f"{formatting.day(project.eligibility_end)})."))
    if data.invoice_date and data.invoice_date > project.eligibility_end:
        errors.append(("invoice_date", f"De factuurdatum {formatting.day(data.invoice_date)} valt na de "
                       "subsidiabiliteitsperiode."))
    amounts = (("gross_amount", "Brutobedrag"), ("vat_amount", "Btw"), ("declared_amount", "Gedeclareerd bedrag"))
    for name, label in amounts:
        value = getattr(data, name)
        if value is not None and value < 0:
            errors.append((name, f"{label} mag niet negatief zijn; een correctie voert u in als correctielijn."))
    if all(getattr(data, name) is not None and getattr(data, name) >= 0 for name, _ in amounts):
        if data.vat_amount > data.gross_amount:
            errors.append(("vat_amount", "De btw kan niet hoger zijn dan het brutobedrag."))
        else:
            eligible = data.gross_amount - (data.vat_amount if data.vat_recoverable else ZERO)
            if data.declared_amount > eligible:
                reason = " min de terugvorderbare btw" if data.vat_recoverable else ""
                errors.append(("declared_amount", "Het gedeclareerde bedrag "
                               f"({formatting.money(data.declared_amount)}) is hoger dan het brutobedrag{reason} "
                               f"({formatting.money(eligible)})."))
        if data.declared_amount == 0:
            errors.append(("declared_amount", "Het gedeclareerde bedrag moet groter zijn dan nul."))
    return errors



def budget_warning(partner: Partner, category_id: int, lookups: ProjectLookups) -> str | None:
    """A warning (not a refusal) when the partner has no budget in the expenditure's category: the line
    can be registered, but certifying it would go beyond the budget and its flexibility."""
    category = lookups.categories.get(category_id)
    if category is None or (partner.id, category_id) in lookups.flat:
        return None
    if lookups.budget.get((partner.id, category_id), ZERO) == 0:
        return (f"Let op: {partner.name} heeft geen budget voor '{category.name}'. De uitgave is geregistreerd, "
                "maar een declaratie met deze kost zal de certificering niet halen zonder budgetwijziging.")
    return None
