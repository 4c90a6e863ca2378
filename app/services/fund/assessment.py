"""Assessment and selection by finance officers: each assessor declares interests first, a conflicted
assessor (declared, or from the applicant's or a counterpart's organisation) cannot score and cannot decide;
scores per published criterion; the decision (approved with an amount, committed against the fund under the
lock, or rejected with a reason) with the date of the selection meeting; questions to the applicant."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from reports.formatting import LOCAL_TZ

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    ActionStatus,
    FundAction,
    FundDeclaration,
    FundMessage,
    FundScore,
    Membership,
    Organisation,
    Partner,
    User,
)
from ...models.fund import MAX_SCORE
from ...models.types import utcnow
from ...permissions import can_assess, require
from .. import audit
from ..audit import Actor
from .common import record, require_available, require_state, today, transition


def _norm(name: str) -> str:
    return "".join(ch for ch in (name or "").casefold() if ch.isalnum())


def _own_organisations(user: User, action: FundAction, organisation: str, affiliations: str) -> list[str]:
    """The organisations the assessor belongs to: the one declared, the other affiliations (one a line),
    and those of the user's partner memberships in the project."""
    names = [organisation] + [line for line in (affiliations or "").splitlines() if line.strip()]
    names += db.session.scalars(
        select(Organisation.name).join(Partner, Partner.organisation_id == Organisation.id)
        .join(Membership, Membership.partner_id == Partner.id)
        .where(Membership.user_id == user.id, Membership.project_id == action.project_id))
    return [n for n in names if _norm(n)]


def conflict_with(user: User, action: FundAction, organisation: str, affiliations: str) -> str | None:
    """The applicant's or counterpart's organisation the assessor belongs to, or None."""
    involved = [action.org_name] + [c.name for c in action.counterparts]
    mine = {_norm(n) for n in _own_organisations(user, action, organisation, affiliations)}
    return next((name for name in involved if _norm(name) in mine), None)


def declaration_of(user: User, action: FundAction) -> FundDeclaration | None:
    return db.session.scalar(select(FundDeclaration).where(FundDeclaration.action_id == action.id,
                                                           FundDeclaration.user_id == user.id))


def _require_assessor(user: User, action: FundAction) -> None:
    require(can_assess(user, action.project), _("Only a finance officer assesses applications to the fund."))


def declare(actor: Actor, user: User, action: FundAction, organisation: str, affiliations: str = "",
            conflict: bool = False, statement: str = "") -> FundDeclaration:
    """The assessor's declaration of interests for this action, before anything else. A declared conflict,
    or membership of the applicant's or a counterpart's organisation, makes the assessor conflicted."""
    _require_assessor(user, action)
    audit.serialise(action)
    if action.status not in (ActionStatus.SUBMITTED, ActionStatus.IN_ASSESSMENT):
        raise DomainError(_("This application is %(status)s: its assessment is over.", status=action.status.label))
    if declaration_of(user, action) is not None:
        raise DomainError(_("You have already declared your interests for this application."))
    organisation = (organisation or "").strip()
    if not organisation:
        raise DomainError(_("Name the organisation you work for."))
    if conflict and not (statement or "").strip():
        raise DomainError(_("Say what your interest in this application is."))
    match = conflict_with(user, action, organisation, affiliations)
    reason = (_("You belong to %(organisation)s, which takes part in this action.", organisation=match) if match
              else (statement or "").strip() if conflict else "")
    decl = FundDeclaration(action_id=action.id, user_id=user.id, organisation=organisation[:200],
                           affiliations=(affiliations or "").strip(), conflicted=bool(match or conflict),
                           conflict_reason=reason)
    db.session.add(decl)
    before = None
    if action.status is ActionStatus.SUBMITTED:
        before = {"status": transition(action, "start_assessment")}
    db.session.flush()
    record(actor, user, action, "fund.interests_declared", before=before, after={
        "organisation": decl.organisation, "affiliations": decl.affiliations, "conflicted": decl.conflicted,
        "reason": reason, **({"status": action.status} if before else {})})
    return decl


def require_unconflicted(user: User, action: FundAction, doing: str) -> FundDeclaration:
    decl = declaration_of(user, action)
    if decl is None:
        raise DomainError(_("Declare your interests in this application first; then you can %(doing)s.",
                            doing=doing))
    if decl.conflicted:
        raise DomainError(_("You declared a conflict of interest (%(reason)s): you cannot %(doing)s; another "
                            "finance officer does.", reason=decl.conflict_reason, doing=doing))
    return decl


def score(actor: Actor, user: User, action: FundAction, scores: dict[int, tuple[int | None, str]]) -> None:
    """Scores 0..MAX_SCORE for every published criterion of the call (criterion id -> (score, comment));
    a new scoring by the same assessor replaces the earlier one until the decision."""
    _require_assessor(user, action)
    audit.serialise(action)
    if action.status is not ActionStatus.IN_ASSESSMENT:
        raise DomainError(_("Only an application in assessment is scored; this one is %(status)s.",
                            status=action.status.label))
    require_unconflicted(user, action, _("score it"))
    criteria = action.call.criteria
    missing = [c.name for c in criteria if scores.get(c.id, (None, ""))[0] is None]
    if missing:
        raise DomainError(_("Score every criterion; missing: %(names)s.", names=", ".join(missing)))
    unknown = set(scores) - {c.id for c in criteria}
    if unknown:
        raise DomainError(_("Score only the criteria of this call."))
    for c in criteria:
        if not 0 <= scores[c.id][0] <= MAX_SCORE:
            raise DomainError(_("A score is a whole number from 0 to %(max)s (%(name)s).", max=MAX_SCORE,
                                name=c.name))
    existing = {s.criterion_id: s for s in db.session.scalars(select(FundScore).where(
        FundScore.action_id == action.id, FundScore.assessor_id == user.id))}
    before = {str(cid): s.score for cid, s in existing.items()} or None
    for c in criteria:
        value, comment = scores[c.id][0], (scores[c.id][1] or "").strip()
        row = existing.get(c.id) or FundScore(action_id=action.id, criterion_id=c.id, assessor_id=user.id)
        row.score, row.comment = value, comment
        db.session.add(row)
    db.session.flush()
    record(actor, user, action, "fund.scored", before=before, after={
        "scores": [[c.name, scores[c.id][0]] for c in criteria],
        "weighted": weighted_score({c.id: scores[c.id][0] for c in criteria}, criteria)})


def weighted_score(by_criterion: dict[int, int], criteria) -> Decimal:
    """Weighted score in percent of the maximum: sum(score x weight) / (MAX_SCORE x sum(weights)), one
    decimal, half-up."""
    total_weight = sum(c.weight for c in criteria)
    points = sum(by_criterion[c.id] * c.weight for c in criteria)
    return (Decimal(points * 100) / (MAX_SCORE * total_weight)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Assessment:
    """One assessor's scores of an action."""

    assessor: str
    declaration: FundDeclaration
    scores: dict[int, FundScore]
    weighted: Decimal | None  # None while not every criterion is scored


def assessments(action: FundAction) -> list[Assessment]:
    criteria = action.call.criteria
    rows = db.session.execute(select(FundDeclaration, User.full_name).join(User, FundDeclaration.user_id == User.id)
                              .where(FundDeclaration.action_id == action.id).order_by(FundDeclaration.id)).all()
    scores: dict[int, dict[int, FundScore]] = {}
    for s in db.session.scalars(select(FundScore).where(FundScore.action_id == action.id)):
        scores.setdefault(s.assessor_id, {})[s.criterion_id] = s
    result = []
    for decl, name in rows:
        mine = scores.get(decl.user_id, {})
        complete = all(c.id in mine for c in criteria)
        result.append(Assessment(name, decl, mine, weighted_score({k: v.score for k, v in mine.items()}, criteria)
                                 if complete and criteria else None))
    return result


def decide(actor: Actor, user: User, action: FundAction, approve: bool, meeting_date: date | None,
           amount: Decimal | None = None, reason: str = "") -> FundAction:
    """The selection meeting's decision. Approval commits the amount against the fund under the lock, so
    decisions taken at the same moment never over-commit it."""
    _require_assessor(user, action)
    audit.serialise(action, action.fund)
    require_unconflicted(user, action, _("decide on it"))
    step = "approve" if approve else "reject"
    require_state(action, step)
    if not any(a.weighted is not None and not a.declaration.conflicted for a in assessments(action)):
        raise DomainError(_("The application has not been scored yet by an assessor without a conflict of "
                            "interest."))
    if meeting_date is None:
        raise DomainError(_("Fill in the date of the selection meeting."))
    if meeting_date > today() or meeting_date < action.submitted_at.astimezone(LOCAL_TZ).date():
        raise DomainError(_("The selection meeting lies between the submission (%(submitted)s) and today.",
                            submitted=formatting.day(action.submitted_at)))
    reason = (reason or "").strip()
    fund = action.fund
    if approve:
        if amount is None or amount <= 0:
            raise DomainError(_("Fill in the approved amount."))
        if amount > action.requested_amount:
            raise DomainError(_("The approved amount (%(amount)s) is more than was requested (%(requested)s).",
                                amount=formatting.money(amount), requested=formatting.money(action.requested_amount)))
        if amount > fund.max_per_action:
            raise DomainError(_("The approved amount is more than the maximum of %(max)s per action.",
                                max=formatting.money(fund.max_per_action)))
        require_available(fund, amount)
        action.approved_amount = amount
    elif not reason:
        raise DomainError(_("Give the reason for the rejection; the applicant reads it."))
    before = transition(action, step)
    action.meeting_date, action.decided_by_id, action.decision_reason = meeting_date, user.id, reason or None
    action.decided_at = utcnow()
    db.session.flush()
    record(actor, user, action, f"fund.{'approved' if approve else 'rejected'}", before={"status": before}, after={
        "status": action.status, "meeting_date": meeting_date, "reason": reason,
        **({"amount": amount} if approve else {})})
    return action


def ask(actor: Actor, user: User, action: FundAction, text: str) -> FundMessage:
    """A question to the applicant, answered through the private status link."""
    _require_assessor(user, action)
    audit.serialise(action)
    if action.status in (ActionStatus.CLOSED, ActionStatus.REJECTED):
        raise DomainError(_("This action is %(status)s; no more questions go to the applicant.",
                            status=action.status.label))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the question."))
    message = FundMessage(action_id=action.id, author_id=user.id, body=text[:5000])
    db.session.add(message)
    db.session.flush()
    record(actor, user, action, "fund.question_asked", after={"question_id": message.id, "text": message.body})
    return message
