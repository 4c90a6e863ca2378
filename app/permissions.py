"""Who may see and do what: the one place for role and partner-scope checks.

Roles are per project membership. A partner user sees only its own partner(s); a request for anything
else answers 404 (NotFound), so ids cannot be probed. Services and views both call these.
"""
from __future__ import annotations

from sqlalchemy import String, cast, select, union

from .errors import NotFound, OutOfScope, PermissionDenied
from .extensions import db
from .i18n import gettext as _
from .i18n import ngettext
from .models import (
    AuditEvent,
    Claim,
    ClaimLine,
    Expenditure,
    ExpenditureStatus,
    Partner,
    Project,
    Role,
    User,
)

READ_ALL = {Role.ADMIN, Role.FINANCE, Role.AUDITOR}
EDIT_BUDGET = {Role.ADMIN, Role.FINANCE}


def roles(user: User | None, project: Project) -> set[Role]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return user.roles_in(project.id)


def role_label(user: User | None, project: Project | None) -> str:
    """The roles a user acts under in a project, for the audit trail."""
    if user is None or project is None:
        return ""
    return ",".join(sorted(r.value for r in roles(user, project)))


def require_project(user: User | None, project: Project | None) -> Project:
    """A project the user is a member of; otherwise 404."""
    if project is None:
        raise NotFound(_("Project not found."))
    if not roles(user, project):
        raise OutOfScope(_("Project not found."), "project", project.id, project.id)
    return project


def project_or_404(user: User | None, code: str) -> Project:
    """The project with this code, if the user is a member of it; otherwise 404."""
    return require_project(user, db.session.scalar(select(Project).where(Project.code == code)))


def visible_partner_ids(user: User, project: Project) -> set[int] | None:
    """None means every partner of the project; otherwise the ids of the user's own partners."""
    r = roles(user, project)
    if r & READ_ALL:
        return None
    return user.partner_ids_in(project.id)


def can_see_partner(user: User, partner: Partner) -> bool:
    scope = visible_partner_ids(user, partner.project)
    return bool(roles(user, partner.project)) and (scope is None or partner.id in scope)


def require_partner(user: User, partner: Partner | None, project: Project) -> Partner:
    if partner is None or partner.project_id != project.id:
        raise NotFound(_("Partner not found."))
    if not can_see_partner(user, partner):
        raise OutOfScope(_("Partner not found."), "partner", partner.id, project.id)
    return partner


def can_edit_budget(user: User, project: Project) -> bool:
    return bool(roles(user, project) & EDIT_BUDGET)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You are not allowed to do this."))


def can_register_for(user: User, partner: Partner) -> bool:
    """Register expenditures and prepare or submit claims for this partner: a finance officer for any
    partner of the project, a partner user for its own partner."""
    r = roles(user, partner.project)
    return Role.FINANCE in r or partner.id in user.partner_ids_in(partner.project_id)


def sees_all_partners(user: User, project: Project) -> bool:
    """Finance officers, admins and auditors see every partner; a partner user only its own."""
    return visible_partner_ids(user, project) is None


def can_register_expenditures(user: User, project: Project) -> bool:
    """Register expenditures for at least one partner of the project."""
    r = roles(user, project)
    return Role.FINANCE in r or bool(user.partner_ids_in(project.id)) if r else False


def can_prepare_claim(user: User, claim: Claim) -> bool:
    """Put lines into the claim, take them out, submit it: its partner or a finance officer, while the
    claim is a draft or returned."""
    return claim.status.editable and can_register_for(user, claim.partner)


def can_change_expenditure(user: User, exp: Expenditure) -> bool:
    """Edit or withdraw: an active line, not frozen in a submitted claim."""
    from .services.expenditures import locking_claim
    return (exp.status is ExpenditureStatus.ACTIVE and can_register_for(user, exp.partner)
            and locking_claim(exp) is None)


def can_correct_expenditure(user: User, exp: Expenditure) -> bool:
    """A correction line is for a line frozen in a submitted claim; a line in no claim (or a draft) is
    edited instead."""
    from .services.expenditures import locking_claim
    return (exp.status is ExpenditureStatus.ACTIVE and exp.corrects_id is None
            and can_register_for(user, exp.partner) and locking_claim(exp) is not None)


def can_attach_evidence(user: User, exp: Expenditure) -> bool:
    """Add evidence files (never change amounts): while the line is active and not yet in a certified
    claim, also while its claim is submitted or in verification (a verifier may ask for a document)."""
    from .services.documents import certified_claim_of
    return (exp.status is ExpenditureStatus.ACTIVE and can_register_for(user, exp.partner)
            and certified_claim_of(exp) is None)


def can_verify(user: User, project: Project) -> bool:
    """Verify and certify claims of the project (a finance officer), four eyes aside."""
    return Role.FINANCE in roles(user, project)


def can_see_payments(user: User, project: Project) -> bool:
    """Every member: a partner user sees the payment requests with its claims and its own transfers."""
    return bool(roles(user, project))


def can_manage_payments(user: User, project: Project) -> bool:
    return Role.FINANCE in roles(user, project)


def can_see_claim(user: User, claim: Claim) -> bool:
    scope = visible_partner_ids(user, claim.partner.project)
    return bool(roles(user, claim.partner.project)) and (scope is None or claim.partner_id in scope)


def can_download_claim_statement(user: User, claim: Claim) -> bool:
    """A claim's statement of expenditure: whoever sees the claim (a partner user only its own claims)."""
    return can_see_claim(user, claim)


def can_download_certificate(user: User, claim: Claim) -> bool:
    """The verification certificate, once the claim is certified: whoever sees the claim."""
    from .models.claim import FINAL_STATES
    return claim.status in FINAL_STATES and can_see_claim(user, claim)


def can_export_project(user: User, project: Project) -> bool:
    """Project-wide statements (financial report, audit-trail extract): finance officers, auditors, admins."""
    return bool(roles(user, project) & READ_ALL)


def can_see_audit_trail(user: User, project: Project) -> bool:
    return bool(roles(user, project) & READ_ALL)


def can_verify_chain(user: User, project: Project) -> bool:
    """Run the verification of the audit chain: finance officers and auditors."""
    return bool(roles(user, project) & {Role.FINANCE, Role.AUDITOR})


# Four eyes: what makes a finance officer one of the preparers of a claim, who may then not verify it.
# Only changes count; reading (opening a page, downloading evidence: 'document.downloaded') never does.
PREPARING_CLAIM_ACTIONS = ("claim.lines_added", "claim.submitted")
CHANGING_EXPENDITURE_ACTIONS = ("expenditure.created", "expenditure.updated", "expenditure.corrected",
                                "expenditure.withdrawn", "document.attached")


def own_lines(user: User, claim: Claim) -> list[int]:
    """The expenditures of the claim that this user registered, changed, corrected or documented: lines
    they created (by the form or an import), lines they made a correction for, and lines with one of
    CHANGING_EXPENDITURE_ACTIONS by them in the audit trail."""
    in_claim = select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id)
    created = (select(ClaimLine.expenditure_id).join(Expenditure, ClaimLine.expenditure_id == Expenditure.id)
               .where(ClaimLine.claim_id == claim.id, Expenditure.created_by_id == user.id))
    corrected = select(Expenditure.corrects_id).where(Expenditure.corrects_id.in_(in_claim),
                                                      Expenditure.created_by_id == user.id)
    theirs = select(AuditEvent.object_id).where(  # few rows: one user's changes (index by project, type, user)
        AuditEvent.project_id == claim.project_id, AuditEvent.object_type == "expenditure",
        AuditEvent.user_id == user.id, AuditEvent.action.in_(CHANGING_EXPENDITURE_ACTIONS))
    changed = select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id,
                                                     cast(ClaimLine.expenditure_id, String).in_(theirs))
    return sorted(set(db.session.scalars(union(created, corrected, changed))))


def four_eyes_problem(user: User, claim: Claim) -> str | None:
    """Why this user may not verify or certify this claim, or None. Four eyes: a finance officer who did
    not put lines into the claim or submit it (PREPARING_CLAIM_ACTIONS), and who registered, changed,
    corrected or documented none of its expenditures (:func:`own_lines`)."""
    if not can_verify(user, claim.partner.project):
        return _("Only a finance officer verifies claims.")
    prepared = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.project_id == claim.project_id, AuditEvent.object_type == "claim",
        AuditEvent.object_id == str(claim.id), AuditEvent.user_id == user.id,
        AuditEvent.action.in_(PREPARING_CLAIM_ACTIONS))))
    if claim.submitted_by_id == user.id or "claim.submitted" in prepared:
        return _("Four eyes: you submitted this claim yourself; another finance officer must verify it.")
    if "claim.lines_added" in prepared:
        return _("Four eyes: you put expenditures into this claim yourself; another finance officer must verify "
                 "it.")
    own = own_lines(user, claim)
    if own:
        which = ", ".join(f"#{i}" for i in own[:20])
        if len(own) > 20:
            which = _("%(ids)s and %(more)s more", ids=which, more=len(own) - 20)
        return ngettext("Four eyes: you registered, changed, corrected or documented expenditure %(ids)s of this "
                        "claim yourself; another finance officer must verify it.",
                        "Four eyes: you registered, changed, corrected or documented expenditures %(ids)s of this "
                        "claim yourself; another finance officer must verify it.", len(own), ids=which)
    return None


def can_verify_claim(user: User, claim: Claim) -> bool:
    """Verify, certify: a finance officer of the project who is not one of the claim's preparers."""
    return four_eyes_problem(user, claim) is None


def can_return_claim(user: User, claim: Claim) -> bool:
    return can_verify(user, claim.partner.project) and claim.status.value in ("submitted", "in_verification")


def scoped(query, partner_column, user: User, project: Project):
    """Limit a select() to the partners the user may see (the one scope filter for list queries)."""
    scope = visible_partner_ids(user, project)
    return query if scope is None else query.where(partner_column.in_(scope))


def require_visible(user: User, obj, project: Project):
    """Any object with project_id and partner_id (expenditure, claim) the user may see; otherwise 404."""
    if obj is None or obj.project_id != project.id or not roles(user, project):
        raise NotFound(_("Not found."))
    scope = visible_partner_ids(user, project)
    if scope is not None and obj.partner_id not in scope:
        raise OutOfScope(_("Not found."), getattr(obj, "__tablename__", None), getattr(obj, "id", None), project.id)
    return obj


# The small-grants fund (LES Fonds). Applicants have no account: they reach their own application only
# through its private status link (app/services/fund/public.py), never through these predicates.

def is_managing_partner_user(user: User, fund) -> bool:
    """A partner user of the partner that manages (contracts and pays for) the fund."""
    return fund.managing_partner_id in user.partner_ids_in(fund.project_id) if roles(user, fund.project) else False


def can_see_fund(user: User, project: Project) -> bool:
    """Every member sees the fund's register; what it shows depends on the predicates below."""
    return bool(roles(user, project))


def can_manage_fund(user: User, project: Project) -> bool:
    """Set up the fund and publish calls: an administrator or a finance officer."""
    return bool(roles(user, project) & EDIT_BUDGET)


def can_assess(user: User, project: Project) -> bool:
    """Declare interests, score, ask the applicant questions and decide: a finance officer."""
    return Role.FINANCE in roles(user, project)


def can_see_assessment(user: User, project: Project) -> bool:
    """Declarations, scores and the questions to the applicant: finance officers, admins, auditors."""
    return bool(roles(user, project) & READ_ALL)


def can_see_applicant_data(user: User, project: Project) -> bool:
    """The applicant's contact person (personal data): finance officers, admins and auditors only."""
    return bool(roles(user, project) & READ_ALL)


def can_see_payment_contact(user: User, action) -> bool:
    """The managing partner contracts the bus or the room for an approved action, so its users see the
    contact person's name and e-mail of the actions it pays for, and of no other application."""
    from .models.fund import COMMITTED_STATES
    return can_see_applicant_data(user, action.project) or (
        action.status in COMMITTED_STATES and is_managing_partner_user(user, action.fund))


def can_see_fund_action(user: User, action) -> bool:
    """The page of one action: the fund's finance officers, admins and auditors see every application;
    the managing partner's users the actions it pays for; other partners see the register only."""
    from .models.fund import COMMITTED_STATES
    return can_see_assessment(user, action.project) or (
        action.status in COMMITTED_STATES and is_managing_partner_user(user, action.fund))


def can_register_fund_invoice(user: User, action) -> bool:
    """Register the managing partner's invoice for an approved action that is not closed: a finance
    officer, or a user of the managing partner."""
    from .models.fund import ActionStatus
    return action.status in (ActionStatus.APPROVED, ActionStatus.EXECUTED, ActionStatus.REPORTED) and (
        Role.FINANCE in roles(user, action.project) or is_managing_partner_user(user, action.fund))


def can_record_carried_out(user: User, action) -> bool:
    """Record that an approved action took place: a finance officer or the managing partner."""
    from .models.fund import ActionStatus
    return action.status is ActionStatus.APPROVED and (
        Role.FINANCE in roles(user, action.project) or is_managing_partner_user(user, action.fund))


def can_pay_fund_actions(user: User, project: Project) -> bool:
    """A user of the partner that manages the project's fund: opens the actions it pays for."""
    from .models.fund import Fund
    fund = db.session.scalar(select(Fund).where(Fund.project_id == project.id))
    return fund is not None and is_managing_partner_user(user, fund)


# Audits and financial corrections (after certification). Auditors record their own audits and findings and
# change no business data; finance officers book corrections and settle recoveries; a partner user sees the
# recoveries of its own partner only.

def can_see_audits(user: User, project: Project) -> bool:
    """The audits, their scope and findings: finance officers, auditors, admins."""
    return bool(roles(user, project) & READ_ALL)


def can_record_audits(user: User, project: Project) -> bool:
    """Record an audit, its scope, status and findings: an auditor (their own records)."""
    return Role.AUDITOR in roles(user, project)


def can_book_corrections(user: User, project: Project) -> bool:
    """Book a financial correction from a finding, settle a recovery: a finance officer."""
    return Role.FINANCE in roles(user, project)


def can_see_recoveries(user: User, project: Project) -> bool:
    """Corrections and recoveries: every member; a partner user only its own partner's."""
    return bool(roles(user, project))


# Users' accounts (app/accounts/): an admin of a project manages the accounts of that project's members.

def administered_project_ids(user: User) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {m.project_id for m in user.memberships if m.role is Role.ADMIN}


def can_manage_users(user: User) -> bool:
    return bool(administered_project_ids(user))


def can_manage_account(user: User, target: User) -> bool:
    """An admin manages an account that has a role in one of their projects, or none at all yet; never their
    own through these pages (they change their own password like anyone)."""
    projects = administered_project_ids(user)
    if not projects or target.id == user.id:
        return False
    theirs = {m.project_id for m in target.memberships}
    return not theirs or bool(theirs & projects)


# Project ideas (app/services/ideas): the office's work before a project exists. The office is whoever holds an
# administrator or finance-officer role in some project; candidates have no account and reach their own
# registration only through its private status link.

def _office_roles(user: User | None) -> set[Role]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {m.role for m in user.memberships}


def can_manage_ideas(user: User | None) -> bool:
    """See the candidates of the ideas with their contact persons, accept (publish) or decline them, and
    publish ideas: administrators and finance officers."""
    return bool(_office_roles(user) & EDIT_BUDGET)


def can_see_candidate_contacts(user: User | None) -> bool:
    """A candidate's contact person (personal data): administrators and finance officers only."""
    return can_manage_ideas(user)


def can_convert_ideas(user: User | None) -> bool:
    """Turn an idea into a project with its accepted candidates as partners: an administrator."""
    return Role.ADMIN in _office_roles(user)


# Indicators (app/services/indicators)

def can_see_indicators(user: User, project: Project) -> bool:
    """Every member; a partner user sees the indicators assigned to its partner, and its own reports."""
    return bool(roles(user, project))


def can_manage_indicators(user: User, project: Project) -> bool:
    """Define indicators, their targets and assignments: an administrator or a finance officer."""
    return bool(roles(user, project) & EDIT_BUDGET)


def can_report_indicator(user: User, indicator, partner: Partner) -> bool:
    """Report an achieved value: a user of a partner the indicator is assigned to, for that partner, or a
    finance officer for any assigned partner. Never on an indicator the fund feeds."""
    from .models.indicator import IndicatorSource
    if indicator.source is not IndicatorSource.REPORTED or partner.project_id != indicator.project_id:
        return False
    if partner.id not in {a.partner_id for a in indicator.assignments}:
        return False
    r = roles(user, indicator.project)
    return Role.FINANCE in r or partner.id in user.partner_ids_in(indicator.project_id)


def can_decide_indicator_report(user: User, report) -> bool:
    """Accept or return a submitted report: a finance officer who did not submit it himself (four eyes)."""
    from .models.indicator import ReportStatus
    return (report.status is ReportStatus.SUBMITTED and Role.FINANCE in roles(user, report.indicator.project)
            and report.submitted_by_id != user.id)


# Administration (app/admin/): an administrator of the project changes it; finance officers and auditors
# read the administration pages; a partner user gets 404 there, as for anything it may not see.

def can_administer(user: User, project: Project) -> bool:
    """Change the project's set-up: project data, periods, partners, budgets, flat rates, roles, modifications."""
    return Role.ADMIN in roles(user, project)


def can_see_administration(user: User, project: Project) -> bool:
    """Read the administration pages of the project (no forms): administrators, finance officers, auditors."""
    return bool(roles(user, project) & READ_ALL)


def can_create_project(user: User | None) -> bool:
    """Set up a new project: a user who administers at least one project (and becomes the new one's
    administrator). The first administrator is made with `flask create-user --role admin`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(m.role is Role.ADMIN for m in user.memberships)


def require_administration(user: User | None, project: Project | None) -> Project:
    """A project whose administration pages the user may read; otherwise 404."""
    if project is None or not can_see_administration(user, project):
        raise NotFound(_("Project not found."))
    return project


def can_manage_funding(user: User, project: Project) -> bool:
    """Set the project's funding sources and their rates: an admin of the project."""
    return Role.ADMIN in roles(user, project)


def can_read_funding(user: User, project: Project) -> bool:
    """Read the funding sources page: admins, finance officers and auditors of the project."""
    return bool(roles(user, project) & READ_ALL)


def portfolio_project_ids(user: User | None) -> set[int]:
    """The projects in the user's portfolio overview: those where the user is admin, finance officer or
    auditor (a partner user has no portfolio)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {m.project_id for m in user.memberships if m.role in READ_ALL}


def can_see_portfolio(user: User | None) -> bool:
    return bool(portfolio_project_ids(user))
