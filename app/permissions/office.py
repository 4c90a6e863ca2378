"""The office's work around the projects: audits and corrections, users' accounts, project ideas, indicators,
administration, funding sources and the portfolio."""
from __future__ import annotations

from ..errors import NotFound
from ..i18n import gettext as _
from ..models import (
    Partner,
    Project,
    Role,
    User,
)
from .scope import EDIT_BUDGET, READ_ALL, roles

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
    from ..models.indicator import IndicatorSource
    if indicator.source is not IndicatorSource.REPORTED or partner.project_id != indicator.project_id:
        return False
    if partner.id not in {a.partner_id for a in indicator.assignments}:
        return False
    r = roles(user, indicator.project)
    return Role.FINANCE in r or partner.id in user.partner_ids_in(indicator.project_id)


def can_decide_indicator_report(user: User, report) -> bool:
    """Accept or return a submitted report: a finance officer who did not submit it himself (four eyes)."""
    from ..models.indicator import ReportStatus
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
