"""Conflicts of interest, scoring, the decision, commitments against the fund and their release."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from app.errors import DomainError, PermissionDenied
from app.extensions import db
from app.models import ActionStatus, Role
from app.models.types import clock_at
from app.services.fund import assessment, execution
from app.services.fund.common import fund_figures
from tests.factories import actor, user
from tests.fund_factories import (
    FIN,
    NOW,
    approve,
    assess,
    make_fund,
    manager,
    other_user,
    second_finance_officer,
    submit,
)


@pytest.fixture(autouse=True)
def demo_clock(app):
    """On a day call 2021-1 is open; the rules' messages by their English ids (tests/web checks the Dutch)."""
    with clock_at(NOW), force_locale("en"):
        yield


@pytest.fixture
def fund(app):
    return make_fund()[0]


def test_an_assessor_declares_before_scoring_and_deciding(fund):
    action, _ = submit()
    fin = user(FIN)
    criteria = {c.id: (3, "") for c in action.call.criteria}
    with pytest.raises(DomainError, match="Only an application in assessment is scored"):
        assessment.score(actor(fin), fin, action, criteria)
    assessment.declare(actor(fin), fin, action, "Provincie Oost-Vlaanderen")
    assert action.status is ActionStatus.IN_ASSESSMENT  # the first declaration starts the assessment
    fin2 = second_finance_officer()
    assessment.declare(actor(fin2), fin2, action, "Provincie Oost-Vlaanderen")
    with pytest.raises(DomainError, match="already declared"):
        assessment.declare(actor(fin), fin, action, "Provincie Oost-Vlaanderen")
    with pytest.raises(DomainError, match="Score every criterion; missing: Haalbaarheid en kosten"):
        assessment.score(actor(fin), fin, action, {c.id: (3, "") for c in action.call.criteria[:3]})
    with pytest.raises(DomainError, match="from 0 to 5"):
        assessment.score(actor(fin), fin, action, {c.id: (6, "") for c in action.call.criteria})
    with pytest.raises(DomainError, match="not been scored yet"):
        assessment.decide(actor(fin2), fin2, action, True, date(2021, 2, 1), Decimal("1000.00"))
    assessment.score(actor(fin), fin, action, {c.id: (s, "") for c, s in zip(action.call.criteria, (5, 4, 3, 2),
                                                                                   strict=True)})
    [scored] = [a for a in assessment.assessments(action) if a.weighted is not None]
    assert scored.weighted == Decimal("80.0")  # (5*40 + 4*30 + 3*20 + 2*10) / (5 * 100)
    other = user("admin@example.org")
    with pytest.raises(PermissionDenied):
        assessment.declare(actor(other), other, action, "Cofund")


def test_an_assessor_from_the_applicants_or_a_counterparts_organisation_cannot_score_or_decide(fund):
    action, _ = submit()
    fin = user(FIN)
    decl = assessment.declare(actor(fin), fin, action, "Provincie Oost-Vlaanderen",
                              affiliations="Bestuur ROC Westerschelde")
    assert not decl.conflicted  # a line that merely mentions the school is not the school
    fin2 = second_finance_officer()
    decl2 = assessment.declare(actor(fin2), fin2, action, "Provincie Oost-Vlaanderen",
                               affiliations="ROC  Westerschelde\nVoetbalclub")
    assert decl2.conflicted and "ROC Westerschelde" in decl2.conflict_reason
    with pytest.raises(DomainError, match="declared a conflict of interest.*cannot score it"):
        assessment.score(actor(fin2), fin2, action, {c.id: (3, "") for c in action.call.criteria})
    assess_scores = {c.id: (4, "") for c in action.call.criteria}
    assessment.score(actor(fin), fin, action, assess_scores)
    with pytest.raises(DomainError, match="cannot decide on it; another finance officer does"):
        assessment.decide(actor(fin2), fin2, action, True, date(2021, 2, 1), Decimal("1000.00"))
    assessment.decide(actor(fin), fin, action, True, date(2021, 2, 1), Decimal("1000.00"))
    assert action.status is ActionStatus.APPROVED and action.decided_by_id == fin.id


def test_a_declared_interest_or_a_partner_membership_is_a_conflict(fund):
    action, _ = submit(org_name="Stad Gent", org_type="public_body")
    fin = user(FIN)
    with pytest.raises(DomainError, match="Say what your interest"):
        assessment.declare(actor(fin), fin, action, "Provincie Oost-Vlaanderen", conflict=True)
    assert assessment.declare(actor(fin), fin, action, "Provincie Oost-Vlaanderen", conflict=True,
                              statement="Mijn partner werkt er").conflicted
    # a finance officer who is also a partner user of Stad Gent belongs to the applicant
    both = other_user("stad.gent@example.org", "Greet Gent", Role.FINANCE)
    from app.services.accounts import grant_membership
    from app.services.audit import Actor
    from tests.factories import partner, project
    grant_membership(Actor.system("test"), both, project(), Role.PARTNER, partner("Stad Gent"))
    decl = assessment.declare(actor(both), both, action, "Een ander")
    assert decl.conflicted and "Stad Gent" in decl.conflict_reason


def test_decisions_need_a_meeting_date_a_reason_and_stay_within_request_and_maximum(fund):
    action, _ = submit()
    assess(action)
    fin2 = second_finance_officer()
    assessment.declare(actor(fin2), fin2, action, "Provincie Oost-Vlaanderen")

    def decide(approve=True, meeting=date(2021, 2, 1), amount="1000.00", reason=""):
        return assessment.decide(actor(fin2), fin2, action, approve, meeting, amount and Decimal(amount), reason)

    with pytest.raises(DomainError, match="Fill in the date of the selection meeting"):
        decide(meeting=None)
    with pytest.raises(DomainError, match="between the submission"):
        decide(meeting=date(2021, 2, 2))
    with pytest.raises(DomainError, match="more than was requested"):
        decide(amount="1150.01")
    with pytest.raises(DomainError, match="reason for the rejection"):
        decide(approve=False)
    decide(approve=False, reason="Geen grensoverschrijdende meerwaarde.")
    assert action.status is ActionStatus.REJECTED and action.approved_amount is None
    with pytest.raises(DomainError, match="An action that is rejected cannot be approved"):
        decide()


def test_approval_commits_and_the_fund_is_never_over_committed(app):
    fund, call = make_fund(ceiling="3000.00", max_per_action="2000.00")
    first, _ = submit(call, estimates={"bus_hire": Decimal("2000.00")})
    second, _ = submit(call, estimates={"bus_hire": Decimal("1500.00")})
    for a in (first, second):
        assess(a)
    approve(first, "2000.00")
    assert fund_figures(fund).available == Decimal("1000.00")
    with pytest.raises(DomainError, match="The fund has €1,000.00 available"):
        approve(second, "1000.01")
    db.session.rollback()
    approve(second, "1000.00")
    figures = fund_figures(fund)
    assert (figures.committed, figures.available, figures.paid) == (Decimal("3000.00"), Decimal("0.00"), 0)


def test_closing_releases_the_unspent_commitment(fund):
    action, _ = submit()
    assess(action)
    approve(action, "1150.00")
    fin = user(FIN)
    execution.register_invoice(actor(fin), fin, action, execution.InvoiceData(
        "Busreizen Van Wiele", "BW-21-001", date(2021, 2, 1), date(2021, 2, 1), "Bus naar Terneuzen",
        Decimal("800.00"), Decimal("0.00"), False, Decimal("800.00")))
    with pytest.raises(DomainError, match="no final report: say why"):
        execution.close(actor(fin), fin, action)
    before = fund_figures(fund)
    assert (before.committed, before.paid, before.to_pay) == (Decimal("1150.00"), Decimal("800.00"),
                                                              Decimal("350.00"))
    execution.close(actor(fin), fin, action, "Spreker viel weg; geen verslag nodig.")
    after = fund_figures(fund)
    assert action.released_amount == Decimal("350.00") and action.status is ActionStatus.CLOSED
    assert (after.committed, after.paid, after.released, after.to_pay) == (
        Decimal("800.00"), Decimal("800.00"), Decimal("350.00"), Decimal("0.00"))
    assert after.available == before.available + Decimal("350.00")


def test_paying_above_the_approved_amount_needs_a_recorded_decision(fund):
    action, _ = submit()
    assess(action)
    approve(action, "1000.00")
    ovl = manager()

    def invoice(amount, number):
        return execution.register_invoice(actor(ovl), ovl, action, execution.InvoiceData(
            "Busreizen Van Wiele", number, date(2021, 2, 1), date(2021, 2, 1), "Bus", Decimal(amount),
            Decimal("0.00"), False, Decimal(amount)))

    exp = invoice("900.00", "BW-1")
    db.session.commit()
    assert exp.partner.name == "Provincie Oost-Vlaanderen" and exp.category.kind.value == "small_grants"
    assert exp.fund_action_id == action.id
    with pytest.raises(DomainError, match="above what is approved .*Record a decision to pay more first"):
        invoice("100.01", "BW-2")
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # the managing partner pays, a finance officer decides
        execution.decide_overrun(actor(ovl), ovl, action, Decimal("200.00"), date(2021, 2, 1), "Duurder")
    fin2 = second_finance_officer()
    from app.services.fund.assessment import declaration_of
    assert declaration_of(fin2, action) is not None
    execution.decide_overrun(actor(fin2), fin2, action, Decimal("200.00"), date(2021, 2, 1),
                             "Brandstoftoeslag van de busmaatschappij")
    invoice("300.00", "BW-2")
    # editing or correcting the invoice cannot go around the rule either
    from app.services import expenditures
    with pytest.raises(DomainError, match="Record a decision to pay more first"):
        expenditures.correct(actor(ovl), ovl, exp, Decimal("0.01"), exp.period_id, "Toeslag")
    db.session.rollback()
    # a correction counts for its original's action (BW-2 was rolled back above): paid is 900 - 50, by ids or a select
    expenditures.correct(actor(ovl), ovl, exp, Decimal("-50.00"), exp.period_id, "Korting op de busreis")
    db.session.commit()
    from sqlalchemy import select

    from app.models import FundAction
    from app.services.fund.common import paid_by_action, paid_for
    assert paid_for(action) == Decimal("850.00")
    assert paid_by_action(select(FundAction.id).where(FundAction.id == action.id)) == {action.id: Decimal("850.00")}


def test_a_partner_that_does_not_manage_the_fund_registers_no_invoice(fund):
    action, _ = submit()
    assess(action)
    approve(action)
    howest = user("partner.howest@example.org")
    from app.errors import NotFound
    with pytest.raises(NotFound):
        execution.register_invoice(actor(howest), howest, action, execution.InvoiceData(
            "X", "1", date(2021, 2, 1), date(2021, 2, 1), "Bus", Decimal("1.00"), Decimal("0.00"), False,
            Decimal("1.00")))
