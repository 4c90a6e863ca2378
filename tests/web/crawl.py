"""Crawl the pages a user can reach and collect the text people read on them, without the data.

The text of a page is every text node outside ``<script>`` and ``<style>``, plus the attributes people
read (title, aria-label, placeholder, alt, data-confirm, the value of a button). An element marked with
another language than the page's (``lang="en"`` on the language switcher's "English") is left out, as a
screen reader would read it in that language.

What the demo's users typed is left out too, so that only the interface's own words are judged: every
string the database holds as data (names of organisations, projects and people, suppliers, invoice numbers,
descriptions, comments, reasons, file names, names of funding sources and of renamed cost categories; of the
small-grants fund its calls and criteria, the applicants and their actions, declarations, scores' comments,
questions and answers; of the audit trail the commands that acted, and the names of exported files) is taken
from the database itself and cut out of the text before it is checked. That
is sturdier than marking data cells in the templates (a cell forgotten would hide nothing and still fail) or
listing the demo's strings by hand (the list would go stale as the demo grows): whatever the demo holds,
nothing of it counts, and nothing else is excused.
"""
from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    AuditFinding,
    BudgetVersion,
    Claim,
    ClaimLine,
    CostCategory,
    Expenditure,
    ExpenditureDocument,
    ExpenditureImport,
    ExportJob,
    FinancialCorrection,
    FindingDocument,
    Fund,
    FundAction,
    FundCall,
    FundCounterpart,
    FundCriterion,
    FundDeclaration,
    FundingKind,
    FundingSource,
    FundMessage,
    FundOverrun,
    FundReportDocument,
    FundScore,
    IdeaCandidate,
    Indicator,
    IndicatorReport,
    IndicatorReportDocument,
    Organisation,
    Partner,
    PaymentShortfall,
    Programme,
    ProgrammeAudit,
    Project,
    ProjectFundingSource,
    ProjectIdea,
    RecoverySettlement,
    User,
)
from app.models.project import is_default_name
from app.services.fund import history as fund_history

READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm"}
SKIPPED_TAGS = {"script", "style"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Links that are not pages: evidence files (of expenditures and of a fund action's final report), spreadsheet
# templates, statements (a claim's, made and audited on download; an export's file and its progress as JSON),
# the stylesheet and script.
NOT_PAGES = re.compile(r"/documents/\d+$|/fund/actions/\d+/report/\d+$|/import-template\.|^/static/"
                       r"|/claims/\d+/(claim-statement|certificate)\.(xlsx|pdf)$|/exports/\w+/(file|status)$"
                       r"|/fund/register\.(xlsx|pdf)$"
                       r"|^/portfolio/portfolio\.(xlsx|pdf)$")
# Pages visited per URL pattern (ids replaced): every expenditure, claim and partner of the demo; of the
# same page with other query values (a budget form for each cell) a few.
PER_PATTERN, PER_QUERY_PATTERN = 40, 3


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page_lang = None
        self.stack: list[tuple[str, bool]] = []  # (tag, text left out)
        self.chunks: list[str] = []
        self.links: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_lang = attrs.get("lang")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        lang = attrs.get("lang")
        skip = tag in SKIPPED_TAGS or (lang is not None and tag != "html" and lang != self.page_lang)
        if not (skip or self._skipping()):
            for name in READ_ATTRIBUTES & attrs.keys():
                self.chunks.append(attrs[name] or "")
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.chunks.append(attrs["value"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.chunks.append(data)


def page_text(html: str) -> tuple[str | None, list[str], list[str]]:
    """(the page's language, the text chunks people read, the links)."""
    parser = _Text()
    parser.feed(html)
    return parser.page_lang, [" ".join(c.split()) for c in parser.chunks], parser.links


def data_strings() -> list[str]:
    """Every string the database holds as data, longest first (so a long one is cut before its parts)."""
    columns = [Organisation.name, Organisation.city, Project.name, Project.code, Programme.name, Programme.code,
               User.full_name, User.email, Expenditure.supplier, Expenditure.invoice_number,
               Expenditure.internal_ref, Expenditure.description, Expenditure.withdraw_reason,
               ExpenditureDocument.filename, ExpenditureImport.filename, ClaimLine.comment, Claim.return_reason,
               # the small-grants fund: its calls and criteria, what applicants, assessors and officers wrote
               Fund.name, FundCall.code, FundCall.title, FundCall.description, FundCriterion.name,
               FundAction.org_name, FundAction.org_city, FundAction.contact_name, FundAction.contact_email,
               FundAction.contact_phone, FundAction.title, FundAction.description, FundAction.decision_reason,
               FundAction.result_summary, FundAction.close_note, FundCounterpart.name, FundDeclaration.organisation,
               FundDeclaration.affiliations, FundDeclaration.conflict_reason, FundScore.comment, FundMessage.body,
               FundReportDocument.filename, FundOverrun.reason,
               # the names of exported files (statements made in the background)
               ExportJob.file_name,
               # audits, findings, corrections, recoveries and short receipts: what auditors and officers wrote
               ProgrammeAudit.reference, ProgrammeAudit.scope_note, AuditFinding.description, FindingDocument.filename,
               FinancialCorrection.comment, RecoverySettlement.reason, PaymentShortfall.reason,
               # project ideas and their candidates; indicators and what partners reported on them
               ProjectIdea.title, ProjectIdea.region, ProjectIdea.challenge, ProjectIdea.text, IdeaCandidate.org_name,
               IdeaCandidate.org_city, IdeaCandidate.description, IdeaCandidate.contact_name,
               IdeaCandidate.contact_email, IdeaCandidate.contact_phone, IdeaCandidate.decision_note, Indicator.code,
               Indicator.name, Indicator.unit, IndicatorReport.explanation, IndicatorReport.decision_note,
               IndicatorReportDocument.filename,
               # the administration: a modification's reason, a partner's contact
               BudgetVersion.reason, Partner.contact_name, Partner.contact_email]
    found: set[str] = set()
    for column in columns:
        found.update(v for v in db.session.scalars(select(column).distinct()) if v)
    found.update(db.session.scalars(select(FundingSource.name).where(FundingSource.kind != FundingKind.EFRO)))
    found.update(db.session.scalars(select(ProjectFundingSource.name).where(  # a project's own funding sources
        ProjectFundingSource.name != FundingSource.EFRO_NAME)))
    # who acted without an account, as the audit trail keeps it (a command's name, an e-mail address typed at a
    # failed sign-in); not the actors the trail names in words (the applicant), whose words are judged
    found.update(set(db.session.scalars(select(AuditEvent.actor).where(AuditEvent.user_id.is_(None)).distinct()))
                 - set(fund_history.actor_labels()))
    found.update(c.name for c in db.session.scalars(select(CostCategory)) if not is_default_name(c.kind, c.name))
    variants = set()
    for text in found:
        text = " ".join(text.split())
        variants.update({text, text.rstrip(".").rstrip()})
    return sorted((v for v in variants if v), key=len, reverse=True)


def without_data(chunks: list[str], data: list[str]) -> list[str]:
    cleaned = []
    for chunk in chunks:
        for text in data:
            if text in chunk:
                chunk = chunk.replace(text, " ")
        cleaned.append(chunk)
    return cleaned


def _pattern(url: str) -> tuple[str, frozenset]:
    parts = urlsplit(url)
    return re.sub(r"/\d+", "/N", parts.path), frozenset(k for k, _ in parse_qsl(parts.query))


def crawl(client, start: list[str], limit: int = 400, per_pattern_limit: int = PER_PATTERN,
          per_query_limit: int = PER_QUERY_PATTERN):
    """Visit the GET pages reachable from ``start`` (this site only, not files), at most PER_PATTERN per URL
    pattern (PER_QUERY_PATTERN with a query string); yields (url, status, html)."""
    seen, per_pattern = set(), Counter()
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or NOT_PAGES.search(parts.path):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        pattern = _pattern(url)
        if url in seen or per_pattern[pattern] >= (per_query_limit if pattern[1] else per_pattern_limit):
            continue
        seen.add(url)
        per_pattern[pattern] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.insert(0, response.headers["Location"])
            continue
        if response.mimetype != "text/html":  # a download NOT_PAGES does not know: no text to judge
            response.close()
            continue
        html = response.get_data(as_text=True)
        yield url, response.status_code, html
        queue.extend(link.split("#")[0] for link in page_text(html)[2] if link.split("#")[0])
