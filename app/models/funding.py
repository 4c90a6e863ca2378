"""Who co-finances a project, and at what rate: the project's own funding sources (EFRO at 50%, a province
at 100%, or several sources with their shares), and each certified claim's share of every source.

A claim's fund share is the certified total times the sum of the sources' rates, cut off to the cent; it is
allocated over the sources in proportion to their rates (largest remainder), and the partner's contribution
is the remainder, so the parts always add up to the certified total (app/money.py ``split_sources``)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..i18n import gettext as _
from ..money import Money, Percentage
from .project import FundingKind, FundingSource
from .types import str_enum


class ProjectFundingSource(db.Model):
    """One co-financier of the project's eligible cost: its name, its rate (percent of the certified
    cost) and the amount it approved (the ceiling its certified shares may reach)."""

    __tablename__ = "project_funding_source"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[FundingKind] = mapped_column(str_enum(FundingKind, "funding_kind"))
    name: Mapped[str] = mapped_column(String(200))
    rate: Mapped[Decimal] = mapped_column(Percentage)
    ceiling: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        UniqueConstraint("project_id", "name"),
        CheckConstraint("rate > 0 AND rate <= 10000", name="rate"),
        CheckConstraint("ceiling >= 0", name="ceiling"),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )

    @property
    def label(self) -> str:
        """EFRO in Dutch, ERDF in English for the programme's fund; other names as entered."""
        if self.kind is FundingKind.EFRO and self.name == FundingSource.EFRO_NAME:
            return _("ERDF")
        return self.name


class ClaimFundingShare(db.Model):
    """A certified claim's share of one funding source, fixed at certification. The shares of a claim
    add up to its fund total (``Claim.efro_total``)."""

    __tablename__ = "claim_funding_share"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="RESTRICT"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("project_funding_source.id", ondelete="RESTRICT"),
                                           index=True)
    amount: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (
        UniqueConstraint("claim_id", "source_id"),  # a negative claim's shares are negative (given back)
    )
