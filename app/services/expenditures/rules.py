"""The rules an expenditure line must meet, shared by the form and the spreadsheet import."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
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
        super().__init__(" ".join(message for _field, message in errors))
        self.errors = errors


def validate(data: ExpenditureData, partner: Partner, lookups: ProjectLookups) -> list[tuple[str, str]]:
    """Every rule an expenditure line must meet: (field of ExpenditureData, message in the user's words)
    for each problem; empty when the line is fine."""
    project = lookups.project
    errors = []
    category = lookups.categories.get(data.category_id)
    if category is None:
        errors.append(("category_id", _("Choose a cost category of this project.")))
    elif (partner.id, category.id) in lookups.flat:
        errors.append(("category_id", _(
            "%(partner)s claims '%(category)s' at a flat rate: no expenditures are entered for it, the amount is "
            "computed on the claim.", partner=partner.name, category=category.label)))
    period = lookups.periods.get(data.period_id)
    if period is None:
        errors.append(("period_id", _("Choose a reporting period of this project.")))
    elif data.payment_date and data.payment_date > period.end_date:
        errors.append(("period_id", _(
            "Paid on %(paid)s, after the end of %(period)s (%(end)s): choose the period in which the expenditure "
            "was paid.", paid=formatting.day(data.payment_date), period=period.label,
            end=formatting.day(period.end_date))))
    for name, label in (("supplier", _("Supplier")), ("invoice_number", _("Invoice number")),
                        ("description", _("Description"))):
        if not (getattr(data, name) or "").strip():
            errors.append((name, _("%(field)s is required.", field=label)))
    for name, label in (("supplier", _("Supplier")), ("invoice_number", _("Invoice number")),
                        ("description", _("Description")), ("internal_ref", _("Internal reference"))):
        length = len(getattr(data, name) or "")
        if length > TEXT_LIMITS[name]:  # the columns' sizes: every way in (form, import, fund invoice) is bound
            errors.append((name, _("%(field)s is too long: at most %(limit)s characters, here %(length)s.",
                                   field=label, limit=TEXT_LIMITS[name], length=length)))
    if data.payment_date and not (project.eligibility_start <= data.payment_date <= project.eligibility_end):
        errors.append(("payment_date", _(
            "The payment date %(paid)s lies outside the eligibility period (%(period)s).",
            paid=formatting.day(data.payment_date),
            period=formatting.date_range(project.eligibility_start, project.eligibility_end))))
    if data.invoice_date and data.invoice_date > project.eligibility_end:
        errors.append(("invoice_date", _("The invoice date %(date)s lies after the eligibility period.",
                                         date=formatting.day(data.invoice_date))))
    amounts = (("gross_amount", _("Gross amount")), ("vat_amount", _("VAT amount")),
               ("declared_amount", _("Declared amount")))
    for name, label in amounts:
        value = getattr(data, name)
        if value is not None and value < 0:
            errors.append((name, _("%(field)s may not be negative; a correction is entered as a correction line.",
                                   field=label)))
    if all(getattr(data, name) is not None and getattr(data, name) >= 0 for name, _label in amounts):
        if data.vat_amount > data.gross_amount:
            errors.append(("vat_amount", _("The VAT cannot be more than the gross amount.")))
        else:
            eligible = data.gross_amount - (data.vat_amount if data.vat_recoverable else ZERO)
            if data.declared_amount > eligible and data.vat_recoverable:
                errors.append(("declared_amount", _(
                    "The declared amount (%(declared)s) is more than the gross amount minus the recoverable VAT "
                    "(%(eligible)s).", declared=formatting.money(data.declared_amount),
                    eligible=formatting.money(eligible))))
            elif data.declared_amount > eligible:
                errors.append(("declared_amount", _(
                    "The declared amount (%(declared)s) is more than the gross amount (%(eligible)s).",
                    declared=formatting.money(data.declared_amount), eligible=formatting.money(eligible))))
        if data.declared_amount == 0:
            errors.append(("declared_amount", _("The declared amount must be more than zero.")))
    return errors



def budget_warning(partner: Partner, category_id: int, lookups: ProjectLookups) -> str | None:
    """A warning (not a refusal) when the partner has no budget in the expenditure's category: the line
    can be registered, but certifying it would go beyond the budget and its flexibility."""
    category = lookups.categories.get(category_id)
    if category is None or (partner.id, category_id) in lookups.flat:
        return None
    if lookups.budget.get((partner.id, category_id), ZERO) == 0:
        return _("Note: %(partner)s has no budget for '%(category)s'. The expenditure is registered, but a claim "
                 "with this cost will not pass certification without a change of the budget.", partner=partner.name,
                 category=category.label)
    return None
