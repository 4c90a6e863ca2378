"""Audits of certified expenditure recorded by auditors: the audit with its scope (:mod:`.actions`), its
findings with their documents, and what the pages read (:mod:`.queries`)."""
from .actions import AuditData, add_finding, create_audit, finding_document, set_status
from .queries import AuditFilter, audit_or_404, audits_by_line, audits_of, finding_or_404

__all__ = ["AuditData", "AuditFilter", "add_finding", "audit_or_404", "audits_by_line", "audits_of",
           "create_audit", "finding_document", "finding_or_404", "set_status"]
