"""The statements (claim statement, verification certificate, project financial report, audit-trail
extract, the register of a small-grants fund), each in XLSX and PDF, in Dutch and English: plain data in
(:mod:`.data`, :mod:`.fund_register`), bytes out."""
from . import register
from .common import titles
from .data import (
    Anchor,
    AuditExtract,
    AuditScope,
    Category,
    CategoryTotal,
    Certificate,
    CheckpointInfo,
    ClaimInfo,
    ClaimLineRow,
    ClaimPayment,
    ClaimStatement,
    DeductionByType,
    EventRow,
    EvidenceRow,
    FinancialReport,
    FinancialRow,
    Finding,
    Header,
)
from .fund_register import (
    FundFigures,
    FundRegisterStatement,
    RegisterLine,
    RegisterScope,
    fund_register_pdf,
    fund_register_xlsx,
)
from .names import file_name
from .pdf_statements import PDF_BUILDERS
from .xlsx_statements import XLSX_BUILDERS

KINDS = ("claim-statement", "certificate", "financial-report", "audit-extract", "fund-register",
         "corrections-register")
XLSX_BUILDERS["fund-register"] = fund_register_xlsx
PDF_BUILDERS["fund-register"] = fund_register_pdf
FORMATS = ("xlsx", "pdf")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def title(kind: str, lang: str) -> str:
    """The name of a statement in a language (the one the files carry as their title)."""
    return titles(lang).get(kind, kind)


def build(kind: str, fmt: str, data, lang: str, progress=None) -> bytes:
    """The bytes of one statement. ``progress(done)`` is called now and then with the number of rows
    written (for long extracts)."""
    if kind == "corrections-register":
        return (register.register_xlsx if fmt == "xlsx" else register.register_pdf)(data, lang, progress)
    builders = XLSX_BUILDERS if fmt == "xlsx" else PDF_BUILDERS
    return builders[kind](data, lang, progress)


__all__ = ["Anchor", "AuditExtract", "AuditScope", "Category", "Certificate", "CheckpointInfo", "ClaimInfo",
           "ClaimPayment", "ClaimLineRow", "ClaimStatement", "CategoryTotal", "DeductionByType", "EventRow",
           "EvidenceRow",
           "FinancialReport", "FinancialRow", "Finding", "FundFigures", "FundRegisterStatement", "Header",
           "RegisterLine", "RegisterScope", "FORMATS", "KINDS", "MIMETYPES", "build",
           "file_name", "title"]
