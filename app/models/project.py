"""Programme, project, partners and the budget (partner x cost category x reporting period)."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reports import labels

from ..extensions import db
from ..i18n import current_language
from ..i18n import gettext as _
from ..money import Money, Percentage
from .org import Organisation
from .types import str_enum


class CategoryKind(enum.StrEnum):
    """The Interreg default cost categories plus a small-grants category (a fund such as LES Fonds)."""

    STAFF = "staff"
    OFFICE = "office_admin"
    TRAVEL = "travel"
    EXTERNAL = "external"
    EQUIPMENT = "equipment"
    INFRASTRUCTURE = "infrastructure"
    SMALL_GRANTS = "small_grants"


# The default names, as stored in the database (in Dutch) when a project is created; shown translated by
# their kind (category_label), while a name a project gave a category itself is shown as it was entered.
DEFAULT_CATEGORIES = [
    (CategoryKind.STAFF, "Personeelskosten"),
    (CategoryKind.OFFICE, "Kantoor- en administratiekosten"),
    (CategoryKind.TRAVEL, "Reis- en verblijfkosten"),
    (CategoryKind.EXTERNAL, "Kosten voor externe expertise en diensten"),
    (CategoryKind.EQUIPMENT, "Uitrustingskosten"),
    (CategoryKind.INFRASTRUCTURE, "Infrastructuur en werken"),
    (CategoryKind.SMALL_GRANTS, "Kleine projecten (fonds)"),
]
_DEFAULT_NAMES = dict(DEFAULT_CATEGORIES)


def default_category_label(kind: CategoryKind | str, lang: str | None = None) -> str:
    """The default name of a category kind (the Interreg names) in the request's language, or in ``lang``
    ('en': the English name, whatever the request's language). The names are those of the statements
    (reports/labels.py), so a page and a statement name a category alike."""
    return labels.category(CategoryKind(kind).value, lang or current_language())


def is_default_name(kind: CategoryKind, name: str | None) -> bool:
    """Whether a category carries the default name of its kind (as the project was created with)."""
    return name is None or name == _DEFAULT_NAMES.get(kind)


def category_label(kind: CategoryKind | str, name: str | None = None) -> str:
    """A cost category as people read it: a default name (or none) in the request's language, translated
    by its kind; a name the project gave the category itself as it was entered."""
    try:
        kind = CategoryKind(kind)
    except ValueError:
        return name or str(kind)
    return default_category_label(kind) if is_default_name(kind, name) else name


class FlatRateBasis(enum.StrEnum):
    STAFF = "staff_costs"  # e.g. office and administration = 15% of staff costs
    OTHER_DIRECT = "other_direct_costs"  # staff costs = 20% of direct costs other than staff

    @property
    def label(self) -> str:
        """What the rate is a percentage of, after the rate: '15% of staff costs'."""
        return labels.flat_rate_basis(self.value, current_language())


class FundingKind(enum.StrEnum):
    EFRO = "efro"
    OTHER_PUBLIC = "other_public"


class Programme(db.Model):
    __tablename__ = "programme"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Project(db.Model):
    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    eligibility_start: Mapped[date] = mapped_column(Date)
    eligibility_end: Mapped[date] = mapped_column(Date)
    cofinancing_rate: Mapped[Decimal] = mapped_column(Percentage)  # EFRO share, percent
    efro_ceiling: Mapped[Decimal] = mapped_column(Money)  # the approved EFRO amount
    flexibility_rate: Mapped[Decimal] = mapped_column(Percentage, default=Decimal("10.00"))
    # The project fixes EFRO per partner: a partner's certified EFRO is capped at its approved EFRO too.
    efro_per_partner: Mapped[bool] = mapped_column(Boolean, default=False, server_default=db.false())

    programme: Mapped[Programme] = relationship()

    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("eligibility_end >= eligibility_start", name="eligibility_dates"),
        CheckConstraint("cofinancing_rate > 0 AND cofinancing_rate <= 10000", name="rate"),
        CheckConstraint("flexibility_rate >= 0 AND flexibility_rate <= 10000", name="flexibility"),
        CheckConstraint("efro_ceiling >= 0", name="efro_ceiling"),
        CheckConstraint("code <> ''", name="code_not_empty"),
    )


class Partner(db.Model):
    __tablename__ = "partner"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)  # PP1 is the lead partner
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str] = mapped_column(String(2))
    vat_recoverable: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set up by an administrator (app/services/admin/partners.py): the kind of organisation and a contact.
    org_type: Mapped[str | None] = mapped_column(String(40))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    project: Mapped[Project] = relationship()
    flat_rates: Mapped[list[FlatRate]] = relationship(back_populates="partner", lazy="selectin")

    __table_args__ = (
        UniqueConstraint("project_id", "organisation_id"),
        UniqueConstraint("project_id", "number"),
        CheckConstraint("country IN ('BE', 'NL')", name="country"),
        CheckConstraint("number > 0", name="number"),
        Index("uq_partner_one_lead", "project_id", unique=True,
              sqlite_where=db.text("is_lead"), postgresql_where=db.text("is_lead")),
    )

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def label(self) -> str:
        return f"PP{self.number} {self.organisation.name}"


class CostCategory(db.Model):
    __tablename__ = "cost_category"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[CategoryKind] = mapped_column(str_enum(CategoryKind, "category_kind"))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("project_id", "kind"), UniqueConstraint("project_id", "position"))

    @property
    def label(self) -> str:
        """The name people read (see :func:`category_label`): use it wherever a category is shown."""
        return category_label(self.kind, self.name)


class ReportingPeriod(db.Model):
    __tablename__ = "reporting_period"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("number > 0", name="number"),
    )

    @property
    def label(self) -> str:
        return _("Period %(number)s", number=self.number)


class BudgetLine(db.Model):
    """The budget of one partner for one cost category in one reporting period."""

    __tablename__ = "budget_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    category_id: Mapped[int] = mapped_column(ForeignKey("cost_category.id", ondelete="RESTRICT"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Money)

    partner: Mapped[Partner] = relationship()
    category: Mapped[CostCategory] = relationship()
    period: Mapped[ReportingPeriod] = relationship()

    __table_args__ = (
        UniqueConstraint("partner_id", "category_id", "period_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class FlatRate(db.Model):
    """A cost category that a partner claims as a percentage of other costs instead of with invoices."""

    __tablename__ = "flat_rate"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    category_id: Mapped[int] = mapped_column(ForeignKey("cost_category.id", ondelete="RESTRICT"))
    basis: Mapped[FlatRateBasis] = mapped_column(str_enum(FlatRateBasis, "flat_rate_basis"))
    rate: Mapped[Decimal] = mapped_column(Percentage)

    partner: Mapped[Partner] = relationship(back_populates="flat_rates")
    category: Mapped[CostCategory] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("partner_id", "category_id"),
        CheckConstraint("rate > 0 AND rate <= 10000", name="rate"),
    )


class FundingSource(db.Model):
    """Who pays a partner's budget: EFRO, other public co-financiers; the own contribution is the rest."""

    EFRO_NAME = "EFRO"  # the name stored for the EFRO source; shown as the fund's name in the page's language

    __tablename__ = "funding_source"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[FundingKind] = mapped_column(str_enum(FundingKind, "funding_kind"))
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (
        UniqueConstraint("partner_id", "kind", "name"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        Index("uq_funding_source_one_efro", "partner_id", unique=True,
              sqlite_where=db.text("kind = 'efro'"), postgresql_where=db.text("kind = 'efro'")),
    )

    @property
    def label(self) -> str:
        """The source's name as people read it: EFRO in Dutch, ERDF in English; other names as entered."""
        if self.kind is FundingKind.EFRO and self.name == self.EFRO_NAME:
            return _("ERDF")
        return self.name
