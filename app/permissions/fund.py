"""The small-grants fund (LES Fonds). Applicants have no account: they reach their own application only
through its private status link (app/services/fund/public.py), never through these predicates."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Project,
    Role,
    User,
)
from .scope import EDIT_BUDGET, READ_ALL, roles


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
    from ..models.fund import COMMITTED_STATES
    return can_see_applicant_data(user, action.project) or (
        action.status in COMMITTED_STATES and is_managing_partner_user(user, action.fund))


def can_see_fund_action(user: User, action) -> bool:
    """The page of one action: the fund's finance officers, admins and auditors see every application;
    the managing partner's users the actions it pays for; other partners see the register only."""
    from ..models.fund import COMMITTED_STATES
    return can_see_assessment(user, action.project) or (
        action.status in COMMITTED_STATES and is_managing_partner_user(user, action.fund))


def can_register_fund_invoice(user: User, action) -> bool:
    """Register the managing partner's invoice for an approved action that is not closed: a finance
    officer, or a user of the managing partner."""
    from ..models.fund import ActionStatus
    return action.status in (ActionStatus.APPROVED, ActionStatus.EXECUTED, ActionStatus.REPORTED) and (
        Role.FINANCE in roles(user, action.project) or is_managing_partner_user(user, action.fund))


def can_record_carried_out(user: User, action) -> bool:
    """Record that an approved action took place: a finance officer or the managing partner."""
    from ..models.fund import ActionStatus
    return action.status is ActionStatus.APPROVED and (
        Role.FINANCE in roles(user, action.project) or is_managing_partner_user(user, action.fund))


def can_pay_fund_actions(user: User, project: Project) -> bool:
    """A user of the partner that manages the project's fund: opens the actions it pays for."""
    from ..models.fund import Fund
    fund = db.session.scalar(select(Fund).where(Fund.project_id == project.id))
    return fund is not None and is_managing_partner_user(user, fund)
