"""Every route of the URL map, for every role, with every method: the answer expected, in one table.

Roles (columns): anonymous; a partner user asking for its own partner's objects (Howest); a partner user asking
for another partner's objects (Odisee asking for Howest's); auditor; finance officer; admin. Each row names
an endpoint and a method; the URL is built from the demo history's objects of Howest (a claim in
verification, its line, an expenditure with evidence, the payment request, a fund action with a report
document, an export of Howest's user, a private status link). POSTs carry a valid CSRF token and no
fields: a form answers with its message (200/400/302), a refusal with 403/404. A route that is not in the
table fails the test, so a new route has to say who may reach it.

Rows run in the table's order on one database, so a POST that changes something (an admin deactivating
the test's throwaway account, say) is seen by the rows after it: the answers are deterministic."""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    Claim,
    ClaimLine,
    ClaimStatus,
    ExpenditureDocument,
    FundAction,
    FundCall,
    FundReportDocument,
    PaymentRequest,
    ReportingPeriod,
    Role,
)
from app.services import accounts
from app.services.audit import Actor
from app.services.fund import public as fund_links
from app.services.statements import CHAIN, jobs
from tests.conftest import Device, login
from tests.factories import actor, partner, project, user

pytestmark = pytest.mark.demo_history
ROLES = ("anonymous", "own", "other", "auditor", "finance", "admin")
EMAILS = {"own": "partner.howest@example.org", "other": "partner.odisee@example.org",
          "auditor": "auditor@example.org", "finance": "finance@example.org", "admin": "admin@example.org"}

# endpoint, method: the answers of anonymous, own partner, other partner, auditor, finance officer, admin.
# 302 to /login for the anonymous visitor is written "login"; any other 302 is "302".
MATRIX: dict[tuple[str, str], str] = {
    ("index", "GET"): "200 200 200 200 200 200",  # the public start page, or the dashboard
    ("auth.login", "GET"): "200 302 302 302 302 302",
    ("auth.login", "POST"): "200 302 302 302 302 302",
    ("auth.second_factor", "GET"): "login login login login login login",
    ("auth.second_factor", "POST"): "login login login login login login",
    ("auth.enrol", "GET"): "login login login login login login",
    ("auth.enrol", "POST"): "login login login login login login",
    ("auth.language", "POST"): "302 302 302 302 302 302",
    ("accounts.index", "GET"): "login 200 200 200 200 200",
    ("accounts.password", "GET"): "login 200 200 200 200 200",
    ("accounts.password", "POST"): "login 400 400 400 400 400",
    ("accounts.two_factor", "GET"): "login 200 200 200 200 200",
    ("accounts.two_factor", "POST"): "login 200 200 200 200 200",
    ("accounts.recovery_codes", "POST"): "login 302 302 302 302 302",
    ("accounts.users", "GET"): "login 403 403 403 403 200",
    ("accounts.new_user", "GET"): "login 403 403 403 403 200",
    ("accounts.new_user", "POST"): "login 403 403 403 403 400",
    ("accounts.reset_password", "POST"): "login 403 403 403 403 200",
    # audits, corrections, ideas, indicators, administration, portfolio and funding (recorded, then reviewed)
    ("claims.verify_selected", "POST"): "login 403 404 403 302 403",
    ("audits.index", "GET"): "login 404 404 200 200 200",
    ("audits.create", "POST"): "login 404 404 302 302 302",
    ("audits.detail", "GET"): "login 404 404 200 200 200",
    ("audits.status", "POST"): "login 404 404 302 302 302",
    ("audits.add_finding", "POST"): "login 404 404 302 302 302",
    ("audits.document", "GET"): "login 404 404 200 200 200",
    ("corrections.index", "GET"): "login 200 200 200 200 200",
    ("corrections.book", "POST"): "login 404 404 302 302 302",
    ("corrections.repayment", "POST"): "login 404 302 302 302 302",
    ("corrections.write_off", "POST"): "login 404 403 403 302 403",
    ("ideas.index", "GET"): "login 403 403 403 200 200",
    ("ideas.create", "POST"): "login 403 403 403 302 302",
    ("ideas.show", "GET"): "login 403 403 403 200 200",
    ("ideas.decide", "POST"): "login 403 403 403 302 302",
    ("ideas.convert", "GET"): "login 403 403 403 403 200",
    ("ideas.convert", "POST"): "login 403 403 403 403 422",
    ("ideas_public.index", "GET"): "200 200 200 200 200 200",
    ("ideas_public.show", "GET"): "200 200 200 200 200 200",
    ("ideas_public.register", "GET"): "200 200 200 200 200 200",
    ("ideas_public.register", "POST"): "422 422 422 422 422 422",
    ("ideas_public.status", "GET"): "200 200 200 200 200 200",
    # the test's candidate withdraws its candidacy (302); again: a message (302), for anyone with the link
    ("ideas_public.withdraw", "POST"): "302 302 302 302 302 302",
    ("indicators.index", "GET"): "login 200 200 200 200 200",
    ("indicators.create", "POST"): "login 403 403 403 302 302",
    ("indicators.show", "GET"): "login 200 200 200 200 200",
    ("indicators.set_target", "POST"): "login 302 302 302 302 302",
    ("indicators.assign", "POST"): "login 302 302 302 302 302",
    ("indicators.edit", "POST"): "login 403 403 403 302 302",  # the office's empty form: a message
    ("indicators.report", "POST"): "login 404 404 404 404 404",
    ("indicators.decide", "POST"): "login 302 404 302 302 302",
    ("indicators.evidence", "GET"): "login 200 404 200 200 200",
    ("indicators.progress_report", "GET"): "login 200 200 200 200 200",
    ("admin.index", "GET"): "login 200 200 200 200 200",
    ("admin.new_project", "GET"): "login 403 403 403 403 200",
    ("admin.new_project", "POST"): "login 403 403 403 403 422",
    ("admin.project", "GET"): "login 404 404 200 200 200",
    ("admin.edit_project", "GET"): "login 404 404 403 403 200",
    ("admin.edit_project", "POST"): "login 404 404 403 403 422",
    ("admin.add_period", "POST"): "login 404 404 403 403 302",
    ("admin.edit_period", "GET"): "login 404 404 403 403 200",
    ("admin.edit_period", "POST"): "login 404 404 403 403 422",
    ("admin.new_partner", "GET"): "login 404 404 403 403 200",
    ("admin.new_partner", "POST"): "login 404 404 403 403 422",
    ("admin.partner", "GET"): "login 404 404 200 200 200",
    ("admin.partner", "POST"): "login 404 404 403 403 422",
    ("admin.flat_rates", "POST"): "login 404 404 403 403 302",
    ("admin.roles", "GET"): "login 404 404 200 200 200",
    ("admin.roles", "POST"): "login 404 404 403 403 422",
    ("admin.revoke", "POST"): "login 404 404 403 403 302",
    ("admin.partner_budget", "GET"): "login 404 404 200 200 200",
    ("admin.partner_budget", "POST"): "login 404 404 403 403 422",
    ("admin.upload_budget", "POST"): "login 404 404 403 403 422",
    ("admin.budget_template", "GET"): "login 404 404 200 200 200",
    ("admin.version", "GET"): "login 404 404 200 200 200",
    ("admin.version_diff", "GET"): "login 404 404 200 200 200",
    ("portfolio.overview", "GET"): "login 404 404 200 200 200",
    ("portfolio.download", "GET"): "login 404 404 200 200 200",
    ("portfolio.funding", "GET"): "login 404 404 200 200 200",
    ("portfolio.save_funding", "POST"): "login 404 404 403 403 302",
    ("statements.fund_register", "GET"): "login 200 200 200 200 200",
    ("accounts.deactivate", "POST"): "login 403 403 403 403 302",
    ("accounts.reactivate", "POST"): "login 403 403 403 403 302",
    ("fund_public.apply", "GET"): "404 404 404 404 404 404",
    ("fund_public.apply", "POST"): "404 404 404 404 404 404",
    ("fund_public.status", "GET"): "200 200 200 200 200 200",
    ("fund_public.answer", "POST"): "404 404 404 404 404 404",
    ("fund_public.report", "POST"): "302 302 302 302 302 302",
    ("projects.index", "GET"): "login 200 200 200 200 200",
    ("projects.overview", "GET"): "login 200 200 200 200 200",
    ("projects.partner", "GET"): "login 200 404 200 200 200",
    ("projects.edit_budget", "GET"): "login 403 404 403 200 200",
    ("projects.edit_budget", "POST"): "login 403 404 403 422 422",
    ("expenditures.index", "GET"): "login 200 200 200 200 200",
    ("expenditures.create", "GET"): "login 200 200 403 200 403",
    ("expenditures.create", "POST"): "login 422 422 403 422 403",
    ("expenditures.detail", "GET"): "login 200 404 200 200 200",
    ("expenditures.edit", "GET"): "login 302 404 403 302 403",
    ("expenditures.edit", "POST"): "login 302 404 403 302 403",
    ("expenditures.withdraw", "POST"): "login 302 404 302 302 302",
    ("expenditures.correct", "POST"): "login 302 404 302 302 302",
    ("documents.upload", "POST"): "login 302 404 403 302 403",
    ("documents.download", "GET"): "login 200 404 200 200 200",
    ("imports.template", "GET"): "login 200 200 200 200 200",
    ("imports.template_csv", "GET"): "login 200 200 200 200 200",
    ("imports.upload", "GET"): "login 200 404 403 200 403",
    ("imports.upload", "POST"): "login 422 404 403 422 403",
    ("claims.index", "GET"): "login 200 200 200 200 200",
    ("claims.create", "POST"): "login 404 404 404 404 404",
    ("claims.detail", "GET"): "login 200 404 200 200 200",
    ("claims.add_lines", "POST"): "login 302 404 403 302 403",
    ("claims.remove_line", "POST"): "login 302 404 403 302 403",
    ("claims.submit", "POST"): "login 302 404 403 302 403",
    ("claims.start", "POST"): "login 403 404 403 302 403",
    ("claims.verify_line", "POST"): "login 403 404 403 302 403",
    ("claims.return_claim", "POST"): "login 403 404 403 302 403",
    ("claims.certify", "POST"): "login 403 404 403 302 403",
    ("statements.claim_statement", "GET"): "login 200 404 200 200 200",
    ("statements.create_export", "POST"): "login 302 302 302 302 302",
    ("statements.job", "GET"): "login 200 404 404 404 404",
    ("statements.job_status", "GET"): "login 200 404 404 404 404",
    ("statements.job_file", "GET"): "login 404 404 404 404 404",
    ("audit.trail_page", "GET"): "login 404 404 200 200 200",
    ("audit.chain", "GET"): "login 404 404 200 200 200",
    ("audit.run_chain", "POST"): "login 404 404 302 302 403",
    ("payments.index", "GET"): "login 200 200 200 200 200",
    ("payments.create", "POST"): "login 403 403 403 302 403",
    ("payments.detail", "GET"): "login 200 200 200 200 200",
    ("payments.received", "POST"): "login 302 302 302 302 302",
    ("payments.transfer", "POST"): "login 302 302 302 302 302",
    ("fund.index", "GET"): "login 200 200 200 200 200",
    ("fund.setup", "GET"): "login 403 403 403 200 200",
    ("fund.setup", "POST"): "login 403 403 403 422 422",
    ("fund.new_call", "GET"): "login 403 403 403 200 200",
    ("fund.new_call", "POST"): "login 403 403 403 422 422",
    ("fund.action", "GET"): "login 404 404 200 200 200",
    ("fund.declare", "POST"): "login 404 404 403 302 403",
    ("fund.score", "POST"): "login 404 404 403 302 403",
    ("fund.decide", "POST"): "login 404 404 403 302 403",
    ("fund.ask", "POST"): "login 404 404 403 302 403",
    ("fund.invoice", "GET"): "login 404 404 403 403 403",
    ("fund.invoice", "POST"): "login 404 404 403 403 403",
    ("fund.executed", "POST"): "login 404 404 302 302 302",
    ("fund.overrun", "POST"): "login 404 404 403 302 403",
    ("fund.close", "POST"): "login 404 404 403 302 403",
    ("fund.renew_link", "POST"): "login 404 404 403 200 403",
    ("fund.revoke_link", "POST"): "login 404 404 403 302 403",
    ("fund.report_document", "GET"): "login 404 404 200 200 200",
    # last, as it changes what Howest sees: the finance officer takes Howest off its indicator (302); for the
    # admin after it, Howest no longer reports on it (404)
    ("indicators.unassign", "POST"): "login 403 403 403 302 404",
    ("auth.logout", "POST"): "login login login login login login",
}


def _objects() -> dict:
    """The URL arguments: Howest's objects in the demo history, and a few made for the test."""
    les = project()
    howest = partner("Howest")
    claim = db.session.scalar(select(Claim).where(Claim.partner_id == howest.id,
                                                  Claim.status == ClaimStatus.IN_VERIFICATION))
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.id))
    link = db.session.scalar(select(ExpenditureDocument).where(
        ExpenditureDocument.expenditure_id == line.expenditure_id))
    request_id = db.session.scalar(select(PaymentRequest.id).order_by(PaymentRequest.id))
    action = db.session.scalar(select(FundAction).where(FundAction.org_name == "Muziekvereniging Sas van Gent"))
    document = db.session.scalar(select(FundReportDocument).order_by(FundReportDocument.id))
    call = db.session.scalar(select(FundCall).where(FundCall.code == "2020-2"))
    fin = user("finance@example.org")
    token = fund_links.renew_link(actor(fin), fin, action)
    job = jobs.create(user(EMAILS["own"]), les, None, kind=CHAIN)
    system = Actor.system("test")
    target = accounts.create_user(system, "doelwit@example.org", "Dirk Doelwit", "lang-genoeg-wachtwoord")
    membership = accounts.grant_membership(system, target, les, Role.PARTNER, howest)
    objects = {**_later_objects(les, howest), "code": "LES", "claim_id": claim.id, "line_id": line.id,
               "expenditure_id": line.expenditure_id,
               "link_id": link.id, "request_id": request_id, "partner_id": howest.id,
               "action_id": document.action_id if document else action.id,
               "document_id": document.id if document else 1, "call_id": call.id, "token": token,
               "job_id": job.id, "user_id": target.id,
               "membership_id": membership.id,  # the throwaway account's role (admin.revoke removes it)
               "kind": "claim-statement", "fmt": "xlsx"}
    db.session.commit()
    return objects


def _later_objects(les, howest) -> dict:
    """The URL arguments of the audits, corrections, ideas, indicators, administration and portfolio pages:
    the demo's objects (Howest's where a partner owns them); per endpoint where a name means something else."""
    from app.models import (
        AuditFinding,
        FindingDocument,
        IdeaCandidate,
        Indicator,
        IndicatorAssignment,
        IndicatorReport,
        IndicatorReportDocument,
        ProgrammeAudit,
        ProjectIdea,
        Recovery,
    )
    from app.services.ideas import registration
    finding = db.session.scalar(select(AuditFinding).order_by(AuditFinding.id))
    finding_document = db.session.scalar(select(FindingDocument).order_by(FindingDocument.id))
    idea = db.session.scalar(select(ProjectIdea).where(ProjectIdea.title.like("Vroegtijdige%")))
    candidate = db.session.scalar(select(IdeaCandidate).where(IdeaCandidate.idea_id == idea.id)
                                  .order_by(IdeaCandidate.number.desc()))
    _candidate, idea_token = registration.register(Actor.system("test"), idea, registration.CandidateData(
        "participant", "Testschool", "BE", "Hasselt", "Denkt mee.", "Tess Test", "tess@example.org"))
    indicator = db.session.scalar(select(Indicator).join(IndicatorAssignment).where(
        Indicator.project_id == les.id, IndicatorAssignment.partner_id == howest.id).order_by(Indicator.id))
    report = db.session.scalar(select(IndicatorReport).where(IndicatorReport.indicator_id == indicator.id,
                                                             IndicatorReport.partner_id == howest.id)
                               .order_by(IndicatorReport.id))
    evidence = db.session.scalar(select(IndicatorReportDocument).where(IndicatorReportDocument.report_id == report.id)
                                 .order_by(IndicatorReportDocument.id))
    period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.project_id == les.id)
                               .order_by(ReportingPeriod.number.desc()))
    return {"audit_id": db.session.scalar(select(ProgrammeAudit.id).order_by(ProgrammeAudit.id)),
            "finding_id": finding.id, "recovery_id": db.session.scalar(select(Recovery.id).order_by(Recovery.id)),
            "idea_id": idea.id, "candidate_id": candidate.id, "decision": "accept", "indicator_id": indicator.id,
            "report_id": report.id, "period_id": period.id, "number": 1, "old": 1,
            "new": 2,
            "audits.document": {"link_id": finding_document.id if finding_document else 1},
            "indicators.evidence": {"link_id": evidence.id if evidence else 1},
            "ideas_public.status": {"token": idea_token},
            "ideas_public.withdraw": {"token": idea_token, "what": "candidacy"}}


def _url(app, endpoint: str, objects: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {**objects, **objects.get(endpoint, {})}
    with app.test_request_context():
        from flask import url_for
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


def _answer(response) -> str:
    if response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login":
        return "login"
    return str(response.status_code)


def _csrf(device, page="/login") -> str:
    html = device.get(page).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    return match.group(1)


_PATHS: dict[str, str] = {}


def _objects_by_path(app) -> dict[str, str]:
    return _PATHS


def _run(app) -> dict[tuple[str, str], str]:
    objects = _objects()
    devices = {role: Device(app) for role in ROLES}
    for role, email in EMAILS.items():
        assert _answer(login(devices[role], email)) == "302", role
    tokens = {role: _csrf(devices[role], "/projects" if role in EMAILS else "/login") for role in ROLES}
    db.session.rollback()
    found = {}
    for endpoint, method in MATRIX:
        url = _url(app, endpoint, objects)
        _PATHS[endpoint] = urlsplit(url).path
        answers = []
        for role in ROLES:
            device = devices[role]
            response = device.get(url) if method == "GET" else device.post(url, data={"csrf_token": tokens[role]})
            answers.append(_answer(response))
            response.close()  # a download's file
        found[(endpoint, method)] = " ".join(answers)
    return found


def test_every_route_is_in_the_table(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - set(MATRIX) == set(), "routes without expected answers: add them to MATRIX"
    assert set(MATRIX) - routes == set(), "rows for routes that no longer exist"


def test_every_role_gets_the_expected_answer_on_every_route(app):
    first = db.session.scalar(select(func.max(AuditEvent.seq))) + 1  # the demo history's events are older
    db.session.rollback()
    found = _run(app)
    wrong = {key: f"expected {MATRIX[key]!r}, got {found[key]!r}" for key in MATRIX if found[key] != MATRIX[key]}
    assert wrong == {}
    events = db.session.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.after)
                                .where(AuditEvent.seq >= first)).all()
    # Another partner's existing object answers 404 (as a missing one would), and each such refusal is in the
    # audit trail; so is every 403.
    denied = {(actor, json.loads(after)["path"], json.loads(after)["status"])
              for actor, action, after in events if action == "access.denied"}
    objects = _objects_by_path(app)
    for (endpoint, _method), answers in MATRIX.items():
        codes = dict(zip(ROLES, answers.split(), strict=True))
        if codes["other"] == "404" and codes["own"] != "404":
            assert (EMAILS["other"], objects[endpoint], 404) in denied, endpoint
        for role in EMAILS:
            if codes[role] == "403":
                assert (EMAILS[role], objects[endpoint], 403) in denied, (endpoint, role)
    # What the refusals (and the empty forms) changed: nothing. Partners and the auditor wrote no event but
    # signing in and out, reading and downloading, and the refusals themselves.
    reading = {"auth.login", "auth.logout", "access.denied", "document.downloaded", "statement.downloaded",
               "fund.report_downloaded"}
    by_them = {EMAILS[r] for r in ("own", "other", "auditor")}
    assert {(a, action) for a, action, _ in events if a in by_them and action not in reading} == set()
