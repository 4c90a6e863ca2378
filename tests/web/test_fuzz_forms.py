"""Property: whatever hostile value goes into any one field of any form (the others valid), the answer is
a message for the user, never a server error, and nothing is stored (every table counted before and after).

The app runs with TESTING on, so an unhandled exception is raised into the test instead of becoming a 500:
hypothesis then shrinks it to the smallest input that breaks the form."""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.documents.routes import documents
from app.extensions import db
from app.guards import db_id
from app.models import (
    CategoryKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    CostType,
    ErrorType,
    FundAction,
    FundCall,
    FundMessage,
    LineStatus,
    OrgType,
    PaymentRequest,
    Project,
    ProjectFundingSource,
    Role,
)
from app.models.types import clock_at
from app.money import MoneyError, parse_percent
from app.services import history
from app.services.fund import public as fund_links
from app.services.statements.trail import OBJECT_TYPES
from reports.statements import FORMATS, KINDS
from tests.conftest import csrf_token, login
from tests.factories import actor, category, expenditure, partner, period, project, user
from tests.hostile import (
    bad_amount,
    bad_date,
    bad_id,
    bad_iso_date,
    bad_text,
    blank,
    huge_amount,
    messages,
    not_one_of,
    row_counts,
    too_long,
    with_nul,
)

pytestmark = pytest.mark.demo_history
FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ANSWERS = {200, 302, 400, 401, 403, 404, 413, 422}
# The demo fund's second call (2020-2) is open from October 2020 to January 2021: the fund's forms are used
# on this day of the demo clock, when its actions are in every state (app/demo_fund.py).
FUND_DAY = datetime(2021, 1, 15, 9, 0, tzinfo=UTC)
FIN = "finance@example.org"
ADMIN = "admin@example.org"


@dataclass
class Form:
    user: str | None  # None: not logged in
    url: str
    valid: dict
    hostile: dict = field(default_factory=dict)  # field -> strategy of values it must refuse
    token_url: str | None = None  # the page with the form (for the CSRF token); default the URL itself
    clock: datetime | None = None  # the demo clock's moment the form is used at (rules that look at today)


@dataclass(frozen=True)
class Upload:
    """A file in a form's valid values (sent anew with every request)."""

    name: str
    content: bytes


def _sent(data: dict) -> dict:
    return {k: (BytesIO(v.content), v.name) if isinstance(v, Upload) else v for k, v in data.items()}


def _new_expenditure_fields():
    return {
        "partner_id": bad_id(), "category_id": bad_id(), "period_id": bad_id(),
        "supplier": bad_text(200), "invoice_number": bad_text(60), "internal_ref": bad_text(60, required=False),
        "description": bad_text(2000), "invoice_date": bad_date(), "payment_date": bad_date(),
        "gross_amount": bad_amount(), "vat_amount": bad_amount(), "declared_amount": bad_amount(),
    }


def _expenditure_values(partner_id: int) -> dict:
    return {"partner_id": str(partner_id), "category_id": str(category(CategoryKind.EXTERNAL).id),
            "period_id": str(period(1).id), "supplier": "Drukkerij De Letter", "invoice_number": "F-77",
            "internal_ref": "", "invoice_date": "2019-11-15", "payment_date": "2019-11-15",
            "description": "Drukwerk", "gross_amount": "100,00", "vat_amount": "0,00",
            "declared_amount": "100,00"}


def _forms() -> dict[str, Form]:
    """Every form of the application, with the objects they act on taken from the demo history."""
    howest = partner("Howest")
    own = expenditure()  # Howest's, in no claim: editable, withdrawable
    db.session.commit()
    in_verification = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.IN_VERIFICATION))
    pending = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == in_verification.id,
                                                        ClaimLine.status == LineStatus.PENDING))
    draft = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.DRAFT))
    paid = db.session.scalar(select(PaymentRequest))
    claimed = db.session.scalar(select(ClaimLine.expenditure_id).order_by(ClaimLine.id))
    budget = f"/projects/LES/partners/{howest.id}/budget"
    claim = f"/projects/LES/claims/{in_verification.id}"
    error_types = {e.value for e in ErrorType}
    return {
        "login": Form(None, "/login", {"email": "finance@example.org", "password": "cofund-demo-2026"},
                      {"email": bad_text(254), "password": bad_text(1024)}),
        "new expenditure": Form("partner.howest@example.org", "/projects/LES/expenditures/new",
                                _expenditure_values(howest.id), _new_expenditure_fields()),
        "edit expenditure": Form("partner.howest@example.org", f"/projects/LES/expenditures/{own.id}/edit",
                                 _expenditure_values(howest.id), _new_expenditure_fields()),
        "withdraw": Form("partner.howest@example.org", f"/projects/LES/expenditures/{own.id}/withdraw",
                         {"reason": "Dubbel ingevoerd"}, {"reason": bad_text(1000)},
                         f"/projects/LES/expenditures/{own.id}"),
        "correct": Form("finance@example.org", f"/projects/LES/expenditures/{claimed}/correct",
                        {"amount": "-1,00", "period_id": str(period(2).id), "reason": "Creditnota"},
                        {"amount": bad_amount(allow_negative=True), "period_id": bad_id(),
                         "reason": bad_text(1000)}, f"/projects/LES/expenditures/{claimed}"),
        "budget": Form("finance@example.org", budget,
                       {"category_id": str(category(CategoryKind.EXTERNAL).id), "period_id": str(period(1).id),
                        "amount": "5.000,00"},
                       {"category_id": bad_id(), "period_id": bad_id(), "amount": bad_amount()}),
        "new claim": Form("partner.howest@example.org", "/projects/LES/claims",
                          {"partner_id": str(howest.id), "period_id": str(period(3).id)},
                          {"partner_id": bad_id(), "period_id": bad_id()}, "/projects/LES/claims"),
        "claim lines": Form("partner.odisee@example.org", f"/projects/LES/claims/{draft.id}/lines",
                            {"expenditure_ids": []},
                            {"expenditure_ids": st.lists(bad_id(), min_size=1, max_size=4)},
                            f"/projects/LES/claims/{draft.id}"),
        "verify line": Form("finance@example.org", f"{claim}/lines/{pending.id}/verify",
                            {"decision": "verify", "deduction": "10,00", "error_type": "other",
                             "comment": "Te veel"},
                            {"deduction": bad_amount(), "comment": with_nul(),
                             "error_type": st.text(min_size=1, max_size=20).filter(lambda s: s not in error_types)},
                            claim),
        "verify selection": Form("finance@example.org", f"{claim}/lines/verify", {"line_ids": [str(pending.id)]},
                                 {"line_ids": st.lists(bad_id(), min_size=1, max_size=4)}, claim),
        "return claim": Form("finance@example.org", f"{claim}/return", {"reason": "Factuur ontbreekt"},
                             {"reason": st.one_of(with_nul(), blank)}, claim),
        "payment request": Form("finance@example.org", "/projects/LES/payments", {"claim_ids": []},
                                {"claim_ids": st.lists(bad_id(), min_size=1, max_size=4)}, "/projects/LES/payments"),
        "payment received": Form("finance@example.org", f"/projects/LES/payments/{paid.id}/received",
                                 {"amount": "1,00", "received_date": "2020-09-15"},
                                 {"amount": bad_amount(), "received_date": bad_date()},
                                 f"/projects/LES/payments/{paid.id}"),
        "transfer": Form("finance@example.org", f"/projects/LES/payments/{paid.id}/transfers",
                         {"partner_id": str(howest.id), "amount": "1,00", "transfer_date": "2020-09-22"},
                         {"partner_id": bad_id(), "amount": bad_amount(), "transfer_date": bad_date()},
                         f"/projects/LES/payments/{paid.id}"),
        "language": Form("finance@example.org", "/language", {"language": "en", "next": "/projects"},
                         {"language": not_one_of("nl", "en")}, "/projects"),
        **_statement_forms(),
        **_fund_forms(),
        **_audit_forms(),
        **_account_forms(),
        **_idea_forms(),
        **_indicator_forms(),
        **_funding_forms(),
    }


def _audit_forms() -> dict[str, Form]:
    """Audits (an auditor) and corrections and recoveries (a finance officer), on the demo's audit."""
    from app.models import AuditBody, AuditFinding, Recovery
    finding = db.session.scalar(select(AuditFinding))
    recovery = db.session.scalar(select(Recovery))
    audit_page = f"/projects/LES/audits/{finding.audit_id}"
    return {
        "audit": Form("auditor@example.org", "/projects/LES/audits",
                      {"body": "audit_authority", "reference": "AA-9", "status": "ongoing", "started_on": "2021-01-04",
                       "ended_on": "", "line_ids": str(finding.claim_line_id), "scope_note": ""},
                      {"body": not_one_of(*(b.value for b in AuditBody)), "reference": bad_text(120),
                       "started_on": bad_date(),
                       "line_ids": st.lists(bad_id(), min_size=1, max_size=3).map(" ".join)}),
        "finding": Form("auditor@example.org", f"{audit_page}/findings",
                        {"claim_line_id": str(finding.claim_line_id), "error_type": "procurement",
                         "description": "Eén offerte", "amount": ""},
                        {"claim_line_id": bad_id(), "description": bad_text(4000), "amount": bad_amount(),
                         "error_type": not_one_of(*(e.value for e in ErrorType))}, audit_page),
        "audit status": Form("auditor@example.org", f"{audit_page}/status", {"status": "closed",
                                                                              "ended_on": "2020-12-01"},
                             {"status": not_one_of("planned", "ongoing", "closed"), "ended_on": bad_date()},
                             audit_page),
        "correction": Form(FIN, f"/projects/LES/findings/{finding.id}/corrections",
                           {"kind": "line", "amount": "1,00", "comment": "Correctie", "measure": "offset"},
                           {"kind": not_one_of("line", "claim_rate", "category_rate"), "amount": bad_amount(),
                            "comment": bad_text(4000), "measure": not_one_of("offset", "repayment")}, audit_page),
        "repayment": Form(FIN, f"/projects/LES/recoveries/{recovery.id}/repayment",
                          {"amount": "1,00", "repaid_on": "2020-12-01"},
                          {"amount": bad_amount(), "repaid_on": bad_date()}, "/projects/LES/corrections"),
        "write off": Form(FIN, f"/projects/LES/recoveries/{recovery.id}/write-off", {"reason": "Faillissement"},
                          {"reason": bad_text(4000)}, "/projects/LES/corrections"),
    }


WEAK_PASSWORDS = ["aaaaaaaaaaaa", "password1234", "Password1234!", "121212121212", "abcabcabcabc", "qwertyuiop12",
                  "iloveyou2024", "partner.howest1"]


def weak_password():
    """Not a password anyone may choose: too short, too common, a repeat, with a NUL, or too long."""
    return st.one_of(st.sampled_from(WEAK_PASSWORDS), with_nul(), blank,
                     st.text(min_size=1, max_size=11).filter(lambda s: s.strip() and "\x00" not in s),
                     st.text(alphabet="ab", min_size=12, max_size=30), too_long(1024))


def _account_forms() -> dict[str, Form]:
    """One's own password and second factor, and the admin's new user (app/accounts/)."""
    from app.models import Role
    roles = [r.value for r in Role]
    new = "drie bomen in de wind"
    return {
        "own password": Form("partner.howest@example.org", "/account/password",
                             {"current": "cofund-demo-2026", "new": new, "repeat": new},
                             {"current": st.one_of(bad_text(1024), st.text(min_size=1, max_size=40)),
                              "new": weak_password(), "repeat": weak_password()}),
        "second factor at account": Form("partner.howest@example.org", "/account/two-factor", {"code": "000000"},
                                         {"code": st.one_of(bad_text(64), st.text(alphabet="0123456789 -",
                                                                                  min_size=1, max_size=12))}),
        "new user": Form("admin@example.org", "/admin/users/new", {
            "email": "nieuwe.gebruiker@example.org", "full_name": "Nele Nieuw", "project_id": str(project().id),
            "role": "partner", "partner_id": str(partner("Howest").id)}, {
            "email": st.one_of(bad_text(254), st.text(alphabet="ab.@ ", max_size=12).filter(
                lambda s: s.strip() and "@" not in s.strip()[1:-1])),
            "full_name": bad_text(200), "project_id": bad_id(), "role": not_one_of(*roles),
            "partner_id": bad_id()}),
    }


def _rate_ok(text: str) -> bool:
    try:
        return parse_percent(text) > 0
    except (MoneyError, ValueError):
        return False


def _funding_forms() -> dict[str, Form]:
    """A project's funding sources (LLL: the province at 100%), set by the admin."""
    source = db.session.scalar(select(ProjectFundingSource).join(Project).where(Project.code == "LLL"))
    return {"funding sources": Form("admin@example.org", "/projects/LLL/funding", {
        "source_id": str(source.id), "name": "Provincie West-Vlaanderen", "kind": "other_public", "rate": "100",
        "ceiling": "640.000,00"}, {
        "source_id": bad_id(), "name": st.one_of(with_nul(), too_long(200)),
        "kind": not_one_of("efro", "other_public"), "rate": st.one_of(with_nul(5), st.text(max_size=12).filter(
            lambda s: not _rate_ok(s))), "ceiling": bad_amount()})}


def _not_an_id(text: str) -> bool:
    try:
        db_id(text)
    except ValueError:
        return bool(text.strip())
    return False


def _statement_forms() -> dict[str, Form]:
    """A background export of the audit trail (its filter) and of the financial report (its date)."""
    trail = {"kind": "audit-extract", "format": "xlsx", "lang": "nl", "from": "2020-01-01", "to": "2020-12-31",
             "object_type": "claim"}
    nonblank = lambda strategy: strategy.filter(lambda s: s.strip())  # noqa: E731  (blank: no filter)
    return {
        "export trail": Form(FIN, "/projects/LES/exports", trail, {
            "kind": not_one_of(*KINDS), "format": not_one_of(*FORMATS), "lang": nonblank(not_one_of("nl", "en")),
            "from": bad_iso_date(), "to": bad_iso_date(), "user": bad_id().filter(_not_an_id),
            "action": nonblank(not_one_of(*history.action_labels(), max_size=40)),
            "object_type": nonblank(not_one_of(*OBJECT_TYPES)), "object_id": bad_id().filter(_not_an_id)},
            "/projects/LES/audit"),
        "export report": Form(FIN, "/projects/LES/exports",
                              {"kind": "financial-report", "format": "pdf", "lang": "en", "at": "2020-12-31"},
                              {"at": bad_iso_date()}, "/projects/LES"),
    }


def _fund_action(org_name: str) -> FundAction:
    return db.session.scalar(select(FundAction).where(FundAction.org_name == org_name))


def _fund_forms() -> dict[str, Form]:
    """The LES Fonds of the demo: its set-up, a new call, the public application, an action's forms in the
    state each needs, and the forms behind a private status link (a new link is issued for the test)."""
    submitted = _fund_action("Zeldenrust-Steelant College")  # G: submitted, nobody declared yet
    assessed = _fund_action("Gemeente Assenede")  # H: in assessment, scored by the finance officer
    asked = _fund_action("Bibliotheek Zeeuws-Vlaanderen")  # I: a question to the applicant
    approved = _fund_action("Jong Ondernemen vzw")  # J: approved, nothing paid yet
    started = _fund_action("Technisch Bureau Claeys")  # E: approved, took place in November 2020
    executed = _fund_action("Muziekvereniging Sas van Gent")  # C: carried out, no final report yet
    call = db.session.scalar(select(FundCall).where(FundCall.code == "2020-2"))
    question = db.session.scalar(select(FundMessage).where(FundMessage.action_id == asked.id,
                                                           FundMessage.question_id.is_(None)))
    fin = user(FIN)
    asked_link = fund_links.renew_link(actor(fin), fin, asked)
    report_link = fund_links.renew_link(actor(fin), fin, executed)
    db.session.commit()
    action = "/projects/LES/fund/actions/{}".format
    eligible = [t.value for t in CostType if t is not CostType.STAFF]
    criteria = [c.id for c in assessed.call.criteria]
    amount = bad_amount()
    words = st.one_of(with_nul(), blank)  # a required text that the service trims to its column
    forms = {
        "fund setup": Form(FIN, "/projects/LES/fund/setup", {
            "name": "LES Fonds", "managing_partner_id": str(partner("Provincie Oost-Vlaanderen").id),
            "ceiling": "150.000,00", "max_per_action": "5.000,00", "cost_types": eligible}, {
            "name": with_nul(), "managing_partner_id": bad_id(), "ceiling": amount, "max_per_action": amount,
            "cost_types": st.lists(not_one_of(*eligible), min_size=1, max_size=3)}),
        "fund call": Form(FIN, "/projects/LES/fund/calls/new", {
            "code": "2021-1", "title": "Uitwisselingen 2021", "description": "Kleine acties over de grens.",
            "opens_on": "2021-02-01", "closes_on": "2021-03-31", "actions_from": "2021-04-01",
            "actions_until": "2021-12-31", "criteria-0-name": "Meerwaarde", "criteria-0-weight": "100"}, {
            "code": bad_text(20), "title": words, "description": with_nul(), "opens_on": bad_date(),
            "closes_on": bad_date(), "actions_from": bad_date(), "actions_until": bad_date(),
            "criteria-0-name": words,
            "criteria-0-weight": st.one_of(with_nul(5), st.text(max_size=25).filter(lambda s: not _weight(s)))}),
        "fund application": Form(None, f"/fund/calls/{call.id}/apply", {
            "org_name": "Basisschool De Vlieger", "org_type": "school", "org_country": "BE", "org_city": "Zelzate",
            "contact_name": "Els Peeters", "contact_email": "els.peeters@devlieger.example", "contact_phone": "",
            "counterparts-0-name": "ROC Westerschelde", "counterparts-0-country": "NL",
            "counterparts-0-org_type": "school", "title": "Studiebezoek Terneuzen",
            "description": "Leerlingen bezoeken een technische school.", "start_date": "2021-04-20",
            "end_date": "2021-04-20", "expected_participants": "45", "cost_bus_hire": "850,00"}, {
            "org_name": bad_text(200), "org_type": not_one_of(*(t.value for t in OrgType)),
            "org_country": not_one_of("BE", "NL"), "org_city": bad_text(100), "contact_name": bad_text(200),
            "contact_email": st.one_of(bad_text(254), st.text(alphabet="ab.@ ", max_size=12)
                                       .filter(lambda s: s.strip() and "@" not in s.strip()[1:-1])),
            "contact_phone": bad_text(40, required=False), "title": bad_text(200), "description": bad_text(5000),
            "start_date": bad_date(), "end_date": bad_date(), "expected_participants": _bad_count(),
            "cost_bus_hire": amount, "counterparts-0-country": not_one_of("BE", "NL"),
            "counterparts-0-name": st.one_of(with_nul(), too_long_name()), "cost_staff": amount}),
        "fund declaration": Form(FIN, f"{action(submitted.id)}/declaration",
                                 {"organisation": "Provincie Oost-Vlaanderen", "affiliations": ""},
                                 {"organisation": words, "affiliations": with_nul(), "statement": with_nul()},
                                 action(submitted.id)),
        "fund scores": Form(FIN, f"{action(assessed.id)}/scores",
                            {f"score_{cid}": "4" for cid in criteria} | {f"comment_{criteria[0]}": "Sterk"},
                            {f"score_{criteria[0]}": st.one_of(with_nul(5), st.text(max_size=12).filter(
                                lambda s: not (s.isascii() and s.isdigit() and int(s) <= 5))),
                             f"comment_{criteria[0]}": with_nul()}, action(assessed.id)),
        "fund decision": Form(FIN, f"{action(assessed.id)}/decision",
                              {"decision": "approve", "meeting_date": "2021-01-14", "amount": "1.000,00",
                               "reason": ""},
                              {"amount": amount, "meeting_date": bad_date(), "reason": with_nul()},
                              action(assessed.id)),
        "fund question": Form(FIN, f"{action(assessed.id)}/questions", {"text": "Wie komt er uit Sluis?"},
                              {"text": words}, action(assessed.id)),
        "fund invoice": Form(FIN, f"{action(approved.id)}/invoices/new", {
            "supplier": "Busreizen Van Wiele", "invoice_number": "BW-2021-7", "invoice_date": "2021-01-10",
            "payment_date": "2021-01-12", "description": "Bus", "gross_amount": "500,00", "vat_amount": "0,00",
            "declared_amount": "500,00", "internal_ref": ""}, {
            "supplier": bad_text(200), "invoice_number": bad_text(60), "description": bad_text(2000),
            "internal_ref": bad_text(60, required=False), "invoice_date": bad_date(), "payment_date": bad_date(),
            "gross_amount": amount, "vat_amount": amount, "declared_amount": amount}),
        "fund executed": Form(FIN, f"{action(started.id)}/executed", {"executed_on": "2020-11-25"},
                              {"executed_on": bad_date()}, action(started.id)),
        "fund overrun": Form(FIN, f"{action(approved.id)}/overrun",
                             {"amount": "100,00", "meeting_date": "2021-01-14", "reason": "Duurdere bus"},
                             {"amount": amount, "meeting_date": bad_date(), "reason": words}, action(approved.id)),
        "fund close": Form(FIN, f"{action(started.id)}/close", {"note": "Geannuleerd"}, {"note": words},
                           action(started.id)),
        "fund answer": Form(None, f"/fund/status/{asked_link}/answers",
                            {"question_id": str(question.id), "text": "Twee lesgevers uit Gent."},
                            {"question_id": bad_id(), "text": words}, f"/fund/status/{asked_link}"),
        "fund report": Form(None, f"/fund/status/{report_link}/report",
                            {"participants": "28", "summary": "Geslaagd.",
                             "attendance": Upload("aanwezigheidslijst.pdf", _pdf())},
                            {"participants": _bad_count(minimum=0), "summary": bad_text(5000)},
                            f"/fund/status/{report_link}"),
    }
    for form in forms.values():
        form.clock = FUND_DAY
    forms.update(_admin_forms())
    return forms


def _idea_forms() -> dict[str, Form]:
    """The Limburg idea of the demo: the public registration, the office's forms, the conversion."""
    from app.models import CandidateStatus, IdeaCandidate, ProjectIdea
    idea = db.session.scalar(select(ProjectIdea).where(ProjectIdea.title.like("Vroegtijdige%")))
    waiting = db.session.scalar(select(IdeaCandidate).where(IdeaCandidate.idea_id == idea.id,
                                                            IdeaCandidate.status == CandidateStatus.SUBMITTED))
    accepted = db.session.scalars(select(IdeaCandidate.id).where(
        IdeaCandidate.idea_id == idea.id, IdeaCandidate.status == CandidateStatus.ACCEPTED)).all()
    office = f"/office/ideas/{idea.id}"
    words = st.one_of(with_nul(), blank)
    return {
        "idea registration": Form(None, f"/ideas/{idea.id}/register", {
            "role": "lead", "org_name": "Technicum Noord-Limburg", "org_country": "BE", "org_city": "Lommel",
            "description": "Wil trekken.", "contact_name": "An Claes", "contact_email": "an@technicum.example",
            "contact_phone": "", "consent_publish": "y"}, {
            "role": not_one_of("lead", "participant"), "org_name": bad_text(200), "org_country": not_one_of("BE", "NL"),
            "org_city": bad_text(100, required=False), "description": bad_text(2000), "contact_name": bad_text(200),
            "contact_email": bad_text(254), "contact_phone": bad_text(40, required=False)}),
        "new idea": Form("admin@example.org", "/office/ideas", {
            "title": "Nieuw idee", "region": "Zeeland", "challenge": "Waarom", "text": ""}, {
            "title": bad_text(200), "region": bad_text(100), "challenge": bad_text(5000),
            "text": bad_text(20000, required=False)}),
        "idea decision": Form(FIN, f"{office}/candidates/{waiting.id}/accept", {"note": ""},
                              {"note": st.one_of(with_nul(), too_long(2000))}, office),
        "idea conversion": Form("admin@example.org", f"{office}/convert", {
            "programme_id": "1", "code": "VSL", "name": "Vroegtijdige schoolverlating", "start_date": "2021-01-01",
            "end_date": "2022-12-31", "cofinancing_rate": "50", "efro_ceiling": "250.000,00", "period_months": "6",
            "candidates": [str(i) for i in accepted], "lead": str(accepted[0])}, {
            "programme_id": bad_id(), "code": bad_text(20), "name": st.one_of(with_nul(), too_long(200)),
            "start_date": bad_date(), "end_date": bad_date(), "cofinancing_rate": words,
            "efro_ceiling": bad_amount(), "period_months": _bad_count(),
            "candidates": st.lists(bad_id(), min_size=1, max_size=3), "lead": bad_id()}),
    }


def _indicator_forms() -> dict[str, Form]:
    """The LES indicators of the demo: a new one, a target, an assignment, a report, a decision."""
    from app.models import Indicator, IndicatorReport, ReportStatus
    o2 = db.session.scalar(select(Indicator).where(Indicator.code == "O2",
                                                   Indicator.project_id == period(1).project_id))
    waiting = db.session.scalar(select(IndicatorReport).where(IndicatorReport.status == ReportStatus.SUBMITTED))
    page = f"/projects/LES/indicators/{o2.id}"
    amount = bad_amount()
    return {
        "new indicator": Form(FIN, "/projects/LES/indicators", {
            "code": "O7", "name": "Bedrijfsbezoeken", "kind": "output", "unit": "bezoeken", "baseline": "0",
            "target": "20", "source": "reported"}, {
            "code": bad_text(20), "name": bad_text(300), "unit": bad_text(60), "kind": not_one_of("output", "result"),
            "source": not_one_of("reported", "fund_participants"), "target": amount,
            "baseline": st.one_of(huge_amount(), with_nul())}, "/projects/LES/indicators"),
        "indicator target": Form(FIN, f"{page}/targets", {"period_id": f"p{period(3).id}", "value": "12"},
                                 {"period_id": not_one_of(f"p{period(3).id}", "y2020", "y2021"), "value": amount},
                                 page),
        "indicator assignment": Form(FIN, f"{page}/assignments", {"partner_id": str(partner("Scalda").id)},
                                     {"partner_id": bad_id()}, page),
        "indicator report": Form("partner.howest@example.org", f"{page}/reports", {
            "partner_id": str(partner("Howest").id), "period_id": str(period(3).id), "value": "7",
            "explanation": "Zeven stages."}, {
            "partner_id": bad_id(), "period_id": bad_id(), "value": amount, "explanation": bad_text(2000)}, page),
        "indicator decision": Form(FIN, f"/projects/LES/indicators/reports/{waiting.id}/accept", {"note": ""},
                                   {"note": st.one_of(with_nul(), too_long(2000))}, page),
        "indicator change": Form(FIN, f"{page}/edit", {
            "name": "Grensoverschrijdende stages", "unit": "stages", "baseline": "0", "target": "60"}, {
            "name": bad_text(300), "unit": bad_text(60), "target": amount,
            "baseline": st.one_of(huge_amount(), with_nul())}, page),
    }


def _admin_forms() -> dict[str, Form]:
    """The administration's forms (an administrator of LES and LLL)."""
    from app.services.setup import ORG_TYPES
    pom, p6 = partner("POM West-Vlaanderen", "LLL"), period(6)
    project = {"code": "LES", "name": "Lerende Euregio Scheldemond", "programme_code": "IVLNL-V",
               "programme_name": "Interreg V Vlaanderen-Nederland 2014-2020", "start_date": "2019-10-01",
               "end_date": "2022-09-30", "eligibility_start": "2019-10-01", "eligibility_end": "2022-12-31"}
    return {
        "admin role": Form(ADMIN, "/admin/projects/LES/roles",
                           {"email": "partner.odisee@example.org", "role": "auditor", "partner_id": ""},
                           {"email": bad_text(254), "role": not_one_of(*[r.value for r in Role]),
                            "partner_id": bad_id()}),
        "admin partner": Form(ADMIN, "/admin/projects/LLL/partners/new",
                              {"organisation": "Stad Test", "country": "BE", "org_type": "", "city": "",
                               "contact_name": "", "contact_email": ""},
                              {"organisation": bad_text(200), "country": not_one_of("BE", "NL"),
                               "org_type": not_one_of("", *ORG_TYPES), "contact_email": bad_text(254, False),
                               "contact_name": bad_text(200, False)}),
        "admin flat rates": Form(ADMIN, f"/admin/projects/LLL/partners/{pom.id}/flat-rates",
                                 {"office": "10", "travel": "", "staff": ""},
                                 {"office": bad_amount().filter(str.strip), "travel": bad_amount().filter(str.strip),
                                  "staff": bad_amount().filter(str.strip)},
                                 f"/admin/projects/LLL/partners/{pom.id}"),
        "admin new project": Form(ADMIN, "/admin/projects/new", dict(project, code="FUZZ", efro_ceiling="1.000,00",
                                                                      cofinancing_rate="50", flexibility_rate="10"),
                                  {"code": bad_text(20), "name": bad_text(200), "start_date": bad_date(),
                                   "end_date": bad_date(), "cofinancing_rate": bad_amount().filter(str.strip),
                                   "efro_ceiling": bad_amount()}),
        "admin edit project": Form(ADMIN, "/admin/projects/LES/edit", project,
                                   {"code": bad_text(20), "name": bad_text(200), "programme_name": bad_text(200),
                                    "eligibility_end": bad_date()}),
        "admin add period": Form(ADMIN, "/admin/projects/LES/periods",
                                 {"start_date": "2022-10-01", "end_date": "2022-12-31"},
                                 {"start_date": bad_date(), "end_date": bad_date()}, "/admin/projects/LES"),
        "admin edit partner": Form(ADMIN, f"/admin/projects/LLL/partners/{pom.id}",
                                   {"organisation": "POM West-Vlaanderen", "country": "BE", "city": "Brugge",
                                    "org_type": "", "contact_name": "", "contact_email": ""},
                                   {"organisation": bad_text(200), "country": not_one_of("BE", "NL"),
                                    "contact_email": bad_text(254, False)}),
        "admin budget": Form(ADMIN, f"/admin/projects/LLL/partners/{pom.id}/budget",
                             {"reason": "Verschuiving", "approved_on": "2021-01-04"},
                             {f"c{category(CategoryKind.STAFF, 'LLL').id}_p{period(1, 'LLL').id}":
                              bad_amount().filter(str.strip),
                              "reason": bad_text(2000, False), "approved_on": bad_date()}),
        "admin period": Form(ADMIN, f"/admin/projects/LES/periods/{p6.id}",
                             {"start_date": p6.start_date.isoformat(), "end_date": p6.end_date.isoformat()},
                             {"start_date": bad_date(), "end_date": bad_date()}),
    }


def _weight(text: str) -> bool:
    """What the call form takes as a criterion's weight (1 to 100; int() reads "+7" and " 7" too)."""
    try:
        return 1 <= int(text) <= 100
    except ValueError:
        return False


def _bad_count(minimum: int = 1):
    """Not a number of participants (from ``minimum`` to 10,000)."""
    def fine(text):
        try:
            return minimum <= int(text) <= 10_000
        except ValueError:
            return False
    return st.one_of(with_nul(5), st.sampled_from(["99999999999999999999", "-1", "10001", "1e3", "²"]),
                     st.text(max_size=12).filter(lambda s: not fine(s)))


def too_long_name():
    return st.text(alphabet="abc", min_size=201, max_size=260)


def _pdf() -> bytes:
    from tests.web.test_fund_public import pdf_bytes
    return pdf_bytes()


FORM_NAMES = ["login", "new expenditure", "edit expenditure", "withdraw", "correct", "budget", "new claim",
              "claim lines", "verify line", "verify selection", "return claim", "payment request",
              "payment received", "transfer", "language", "export trail", "export report", "fund setup", "fund call",
              "fund application", "fund declaration", "fund scores", "fund decision", "fund question",
              "fund invoice", "fund executed", "fund overrun", "fund close", "fund answer", "fund report",
              "admin role", "admin partner", "admin flat rates", "admin new project", "admin edit project",
              "admin add period", "admin edit partner", "admin budget", "admin period", "audit", "finding",
              "audit status", "correction", "repayment", "write off", "own password", "second factor at account",
              "new user", "idea registration", "new idea", "idea decision", "idea conversion", "new indicator",
              "indicator target", "indicator assignment", "indicator report", "indicator decision",
              "indicator change", "funding sources"]


def _check_refused(client, response, before):
    assert response.status_code in ANSWERS, response.status_code
    assert messages(client, response), f"no message for the user (HTTP {response.status_code})"
    assert row_counts() == before


@pytest.fixture
def unlimited(app):
    """The public forms are rate-limited per address (app/limiter.py); the fuzz sends more than a visitor may."""
    app.config.update(RATELIMIT_FUND_APPLY="10000 per hour", RATELIMIT_FUND_STATUS="10000 per minute",
                      RATELIMIT_LOGIN="10000 per minute", LOGIN_ADDRESS_MAX_FAILURES=10000,
                      LOGIN_ACCOUNT_FREE_FAILURES=10000,
                      RATELIMIT_IDEA_REGISTER="10000 per hour")


@pytest.mark.parametrize("name", FORM_NAMES)
def test_no_hostile_value_in_any_field_gets_past_a_form(client, unlimited, name):
    form = _forms()[name]
    with clock_at(form.clock) if form.clock else nullcontext():
        if form.user:
            login(client, form.user)
        page = client.get(form.token_url or form.url)
        assert page.status_code == 200, page.status_code
        token = csrf_token(page.get_data(as_text=True))
        before = row_counts()

        @FUZZ
        @given(data=st.data())
        def attack(data):
            name = data.draw(st.sampled_from(sorted(form.hostile)), label="field")
            value = data.draw(form.hostile[name], label="value")
            response = client.post(form.url, data=_sent({**form.valid, name: value, "csrf_token": token}))
            _check_refused(client, response, before)

        attack()


def test_every_form_is_fuzzed(app):
    """A new form (a POST route) must be added to the fuzz table above, or named here as having no fields
    (only its CSRF token) or as fuzzed on its own."""
    no_fields = {"auth.logout", "claims.submit", "claims.start", "claims.certify", "claims.remove_line",
                 "fund.revoke_link", "fund.renew_link", "audit.run_chain", "accounts.deactivate",
                 "accounts.reactivate", "accounts.reset_password",
                 "admin.revoke", "indicators.unassign", "ideas_public.withdraw"}
    separate = {"documents.upload", "imports.upload",  # their own property tests (files)
                # codes: a wrong one is audited (the sign-in limits count it), see test_no_hostile_code_...
                "auth.second_factor", "auth.enrol", "accounts.recovery_codes", "admin.upload_budget"}
    forms = _forms()
    assert list(forms) == FORM_NAMES
    routes = app.url_map.bind("localhost")
    fuzzed = {routes.match(form.url, method="POST")[0] for form in forms.values()}
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posted == no_fields | separate | fuzzed


def test_no_hostile_evidence_upload_is_stored(client):
    own = expenditure()
    db.session.commit()
    login(client, "partner.howest@example.org")
    url = f"/projects/LES/expenditures/{own.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    before = row_counts()

    @FUZZ
    @given(content=st.binary(max_size=3000).filter(lambda b: documents.sniff(b) is None),
           name=st.one_of(st.text(max_size=300), with_nul()))
    def attack(content, name):
        response = client.post(f"{url}/documents", content_type="multipart/form-data",
                               data={"files": (BytesIO(content), name or "x"), "csrf_token": token})
        _check_refused(client, response, before)

    attack()


@pytest.mark.parametrize("field", ["attendance", "photos"])
def test_no_hostile_file_in_a_final_report_is_stored(client, unlimited, field):
    """The applicant's final report (behind the status link) takes files as evidence does."""
    form = _forms()["fund report"]
    with clock_at(form.clock):
        token = csrf_token(client.get(form.token_url).get_data(as_text=True))
        before = row_counts()

        @FUZZ
        @given(content=st.binary(max_size=3000).filter(lambda b: documents.sniff(b) is None),
               name=st.one_of(st.text(max_size=300), with_nul()))
        def attack(content, name):
            response = client.post(form.url, content_type="multipart/form-data", data={
                "participants": "28", "summary": "Geslaagd.", field: (BytesIO(content), name or "x"),
                "csrf_token": token})
            _check_refused(client, response, before)

        attack()


CODE_ENDPOINTS = [("/login/second-factor", FIN), ("/login/enrol", "nieuw.financien@example.org"),
                  ("/account/recovery-codes", FIN)]


def _hostile_code():
    return st.one_of(bad_text(64), st.text(alphabet="0123456789 -", min_size=1, max_size=12),
                     st.text(alphabet="abcdefghjkmnpqrstuvwxyz23456789-", min_size=16, max_size=24))


@pytest.mark.parametrize("url, email", CODE_ENDPOINTS)
def test_no_hostile_code_signs_in_or_changes_anything(client, unlimited, url, email):
    """A second-factor code, at sign-in, at enrolment or for new recovery codes: whatever is typed, a message,
    never a sign-in, and nothing stored but the audited failure (which the sign-in limits count)."""
    from app.models import AuditEvent, Role
    from app.services.accounts import create_user, grant_membership
    from app.services.audit import Actor
    from tests.conftest import DEMO_PASSWORD
    if email != FIN:
        new = create_user(Actor.system("test"), email, "Nina Nieuw", DEMO_PASSWORD)
        grant_membership(Actor.system("test"), new, project(), Role.FINANCE)
        db.session.commit()
    if url.startswith("/account"):
        login(client, email)
        page_url = "/account"
    else:
        page = client.get("/login")
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                    "csrf_token": csrf_token(page.get_data(as_text=True))})
        page_url = url
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    before = row_counts()

    @FUZZ
    @given(code=_hostile_code())
    def attack(code):
        response = client.post(url, data={"code": code, "csrf_token": token})
        assert response.status_code in ANSWERS, response.status_code
        assert messages(client, response), f"no message for the user (HTTP {response.status_code})"
        after = row_counts()
        assert {k: v for k, v in after.items() if k != "audit_event"} == \
            {k: v for k, v in before.items() if k != "audit_event"}
        new_actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.seq > before["audit_event"])))
        db.session.rollback()
        assert new_actions <= {"auth.second_factor_failed"}, new_actions
        if url.startswith("/login"):
            assert client.get("/projects").status_code == 302  # still not signed in
            client.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_token(
                client.get("/login").get_data(as_text=True))})  # five wrong codes end the attempt: begin again

    attack()
