"""All models, importable from one place (Alembic autogenerate sees them all)."""
from .account import RecoveryCode
from .audit import GENESIS_HASH, AuditEvent
from .audit_control import (
    AuditBody,
    AuditFinding,
    AuditScopeItem,
    AuditStatus,
    CorrectionAmount,
    CorrectionKind,
    FinancialCorrection,
    FindingDocument,
    PaymentShortfall,
    ProgrammeAudit,
    Recovery,
    RecoveryMeasure,
    RecoverySettlement,
)
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
from .idea import CandidateRole, CandidateStatus, IdeaCandidate, IdeaStatus, ProjectIdea
from .indicator import (
    Indicator,
    IndicatorAssignment,
    IndicatorKind,
    IndicatorReport,
    IndicatorReportDocument,
    IndicatorSource,
    IndicatorTarget,
    ReportStatus,
)
from .modification import BudgetVersion, BudgetVersionFunding, BudgetVersionLine
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
    "ReportKind", "ExportJob", "AuditBody", "AuditFinding", "AuditScopeItem", "AuditStatus", "CorrectionAmount",
    "CorrectionKind", "FinancialCorrection", "FindingDocument", "PaymentShortfall", "ProgrammeAudit", "Recovery",
    "RecoveryMeasure", "RecoverySettlement", "RecoveryCode",
    "CandidateRole", "CandidateStatus", "IdeaCandidate", "IdeaStatus", "ProjectIdea",
    "Indicator", "IndicatorAssignment", "IndicatorKind", "IndicatorReport", "IndicatorReportDocument",
    "IndicatorSource", "IndicatorTarget", "ReportStatus",
    "BudgetVersion", "BudgetVersionFunding", "BudgetVersionLine",
    "ClaimFundingShare", "ProjectFundingSource",
]
