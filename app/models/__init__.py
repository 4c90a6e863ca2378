"""All models, importable from one place (Alembic autogenerate sees them all)."""
from .audit import GENESIS_HASH, AuditEvent
from .org import Membership, Organisation, Role, User
from .project import (
    DEFAULT_CATEGORIES,
    BudgetLine,
    CategoryKind,
    CostCategory,
    FlatRate,
    FlatRateBasis,
    FundingKind,
    FundingSource,
    Partner,
    Programme,
    Project,
    ReportingPeriod,
)

__all__ = [
    "GENESIS_HASH", "AuditEvent", "Membership", "Organisation", "Role", "User", "DEFAULT_CATEGORIES",
    "BudgetLine", "CategoryKind", "CostCategory", "FlatRate", "FlatRateBasis", "FundingKind",
    "FundingSource", "Partner", "Programme", "Project", "ReportingPeriod",
]
