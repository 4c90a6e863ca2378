"""All models, importable from one place (Alembic autogenerate sees them all)."""
from .audit import GENESIS_HASH, AuditEvent
from .claim import (
    Claim,
    ClaimCategoryTotal,
    ClaimLine,
    ClaimStatus,
    ErrorType,
    LineStatus,
    PartnerTransfer,
    PaymentRequest,
)
from .expenditure import (
    Document,
    Expenditure,
    ExpenditureDocument,
    ExpenditureImport,
    ExpenditureStatus,
    duplicate_key,
)
from .export import ExportJob
from .fund import (
    ActionStatus,
    CostType,
    Fund,
    FundAction,
    FundCall,
    FundCounterpart,
    FundCriterion,
    FundDeclaration,
    FundEstimate,
    FundMessage,
    FundOverrun,
    FundReportDocument,
    FundScore,
    OrgType,
    ReportKind,
)
from .funding import ClaimFundingShare, ProjectFundingSource
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
    category_label,
)

__all__ = [
    "GENESIS_HASH", "AuditEvent", "Membership", "Organisation", "Role", "User", "DEFAULT_CATEGORIES",
    "BudgetLine", "CategoryKind", "CostCategory", "FlatRate", "FlatRateBasis", "FundingKind",
    "FundingSource", "Partner", "Programme", "Project", "ReportingPeriod", "category_label", "Claim",
    "ClaimCategoryTotal", "ClaimLine", "ClaimStatus", "ErrorType", "LineStatus", "PartnerTransfer", "PaymentRequest",
    "Document", "Expenditure", "ExpenditureDocument", "ExpenditureImport", "ExpenditureStatus", "duplicate_key",
    "ActionStatus", "CostType", "Fund", "FundAction", "FundCall", "FundCounterpart", "FundCriterion",
    "FundDeclaration", "FundEstimate", "FundMessage", "FundOverrun", "FundReportDocument", "FundScore", "OrgType",
    "ReportKind", "ExportJob", "ClaimFundingShare", "ProjectFundingSource",
]
