"""The fund's set-up and the public application's rules, each with its message; the cross-border rule."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.errors import DomainError, NotFound, PermissionDenied
from app.extensions import db
from app.models import ActionStatus, AuditEvent, FundAction
from app.models.types import clock_at
from app.services.fund import applications, setup
from app.services.fund.applications import Counterpart
from tests.factories import actor, partner, project, user
from tests.fund_factories import APPLICANT, NOW, application, make_fund, submit


@pytest.fixture(autouse=True)
def demo_clock(app):
    """On a day call 2021-1 is open; the rules' messages by their English ids (tests/web checks the Dutch)."""
    with clock_at(NOW), force_locale("en"):
        yield


@pytest.fixture
def call(app):
    return make_fund()[1]


def fund_data(**kw):
    values = dict(managing_partner_id=partner("Provincie Oost-Vlaanderen").id, ceiling=Decimal("100000.00"),
                  max_per_action=Decimal("5000.00"), cost_types=["bus_hire", "speakers"])
    values.update(kw)
    return setup.FundData(**values)


def test_the_ceiling_lies_inside_the_managing_partners_small_grants_budget(app):
    fin = user("finance@example.org")
    budget = setup.small_grants_budget(partner("Provincie Oost-Vlaanderen"))
    assert budget == Decimal("195800.00")  # 55% of 356,000 in the demo budget
    with pytest.raises(DomainError, match="more than Provincie Oost-Vlaanderen's small-grants budget"):
        setup.create_fund(actor(fin), fin, project(), fund_data(ceiling=budget + Decimal("0.01")))
    with pytest.raises(DomainError, match="small-grants budget"):  # Howest has no small-grants budget
        setup.create_fund(actor(fin), fin, project(), fund_data(managing_partner_id=partner("Howest").id))
    with pytest.raises(DomainError, match="Staff costs are never eligible"):
        setup.create_fund(actor(fin), fin, project(), fund_data(cost_types=["staff"]))
    with pytest.raises(DomainError, match="maximum per action cannot be more than the fund's ceiling"):
        setup.create_fund(actor(fin), fin, project(), fund_data(max_per_action=Decimal("100000.01")))
    fund = setup.create_fund(actor(fin), fin, project(), fund_data(ceiling=budget))
    assert fund.ceiling == budget and fund.eligible[0].value == "bus_hire"
    with pytest.raises(DomainError, match="already has a fund"):
        setup.create_fund(actor(fin), fin, project(), fund_data())


def test_only_finance_officers_and_admins_set_up_the_fund(app):
    howest = user("partner.howest@example.org")
    with pytest.raises(PermissionDenied):
        setup.create_fund(actor(howest), howest, project(), fund_data())
    admin = user("admin@example.org")
    assert setup.create_fund(actor(admin), admin, project(), fund_data()).id


def test_a_call_lies_inside_the_project_period_and_has_weighted_criteria(app):
    fin = user("finance@example.org")
    fund = setup.create_fund(actor(fin), fin, project(), fund_data())

    def call(**kw):
        values = dict(code="X", title="Oproep", description="", opens_on=date(2021, 1, 1),
                      closes_on=date(2021, 2, 1), actions_from=date(2021, 3, 1), actions_until=date(2022, 9, 30),
                      criteria=[("Meerwaarde", 60), ("Haalbaarheid", 40)])
        values.update(kw)
        return setup.publish_call(actor(fin), fin, fund, setup.CallData(**values))

    with pytest.raises(DomainError, match="within the project's period"):
        call(actions_until=date(2022, 10, 1))
    with pytest.raises(DomainError, match="at least one selection criterion"):
        call(criteria=[])
    with pytest.raises(DomainError, match="whole number from 1 to 100"):
        call(criteria=[("Meerwaarde", 0)])
    with pytest.raises(DomainError, match="closes before it opens"):
        call(closes_on=date(2020, 12, 31))
    published = call()
    assert [(c.name, c.weight) for c in published.criteria] == [("Meerwaarde", 60), ("Haalbaarheid", 40)]


def test_a_valid_proposal_is_submitted_with_a_private_link_of_which_only_the_hash_is_kept(call):
    action, token = submit(call)
    assert action.status is ActionStatus.SUBMITTED and action.reference == "2021-1-001"
    assert action.requested_amount == Decimal("1150.00")
    assert len(token) >= 43 and token not in action.token_hash
    assert action.token_hash == applications.token_hash(token)
    assert applications.action_for_token(token) is action
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "fund.application_submitted"))
    assert event.role == "applicant" and event.ip == "203.0.113.9" and event.user_id is None
    assert "els.peeters" not in event.after and "Els Peeters" not in event.after  # no personal data
    with pytest.raises(NotFound):
        applications.action_for_token(token[:-1] + ("A" if token[-1] != "A" else "B"))


def errors_of(call, **overrides) -> dict:
    with pytest.raises(applications.InvalidApplication) as info:
        applications.submit(APPLICANT, call, application(**overrides))
    db.session.rollback()
    found = {}
    for field, message in info.value.errors:
        found.setdefault(field, []).append(message)
    return found


@pytest.mark.parametrize("overrides, field, message", [
    ({"start_date": date(2021, 2, 1), "end_date": date(2021, 2, 1)}, "start_date", "starts in the future"),
    ({"start_date": date(2021, 2, 20), "end_date": date(2021, 2, 20)}, "start_date",
     "outside the period of this call's actions"),
    ({"start_date": date(2022, 6, 1), "end_date": date(2022, 7, 2)}, "end_date",
     "outside the period of this call's actions"),
    ({"start_date": date(2021, 5, 2), "end_date": date(2021, 5, 1)}, "end_date", "ends before it starts"),
    ({"start_date": None}, "start_date", "Fill in the date the action starts"),
    ({"estimates": {"bus_hire": Decimal("4000.00"), "speakers": Decimal("1000.01")}}, "estimates",
     "more than the maximum of €5,000.00 per action"),
    ({"estimates": {"staff": Decimal("500.00")}}, "estimates", "Staff costs are not eligible"),
    ({"estimates": {"catering": Decimal("500.00")}}, "estimates", "'catering' is not a cost type of the fund"),
    ({"estimates": {"bus_hire": None}}, "estimates", "at least one eligible cost type"),
    ({"estimates": {"bus_hire": Decimal("-1.00")}}, "estimates", "not negative"),
    ({"expected_participants": 0}, "expected_participants", "whole number from 1 to"),
    ({"contact_email": "els.peeters"}, "contact_email", "not an e-mail address"),
    ({"org_type": "sect"}, "org_type", "Choose the type of your organisation"),
    ({"org_country": "DE"}, "org_country", "Belgium or the Netherlands"),
    ({"title": "  "}, "title", "Give the action a title"),
    ({"title": "x" * 201}, "title", "At most 200 characters"),
])
def test_each_rule_of_the_application_has_its_message_at_its_field(call, overrides, field, message):
    assert any(message in m for m in errors_of(call, **overrides).get(field, [])), errors_of(call, **overrides)
    assert db.session.scalar(select(FundAction.id)) is None


def test_an_estimate_for_a_type_the_fund_does_not_pay_is_refused(app):
    fin = user("finance@example.org")
    fund = setup.create_fund(actor(fin), fin, project(), fund_data(cost_types=["bus_hire"]))
    call = setup.publish_call(actor(fin), fin, fund, setup.CallData(
        "X", "Oproep", "", date(2021, 1, 1), date(2021, 3, 1), date(2021, 3, 1), date(2022, 9, 30), [("M", 1)]))
    assert "room hire is not eligible in this fund; eligible are: bus hire." in errors_of(
        call, estimates={"room_hire": Decimal("100.00")})["estimates"]


def test_the_cross_border_rule(call):
    no_one = errors_of(call, counterparts=[])["counterparts"]
    assert no_one == ["A cross-border action: name at least one organisation from the Netherlands (the other side "
                      "of the border) as counterpart."]
    same_side = errors_of(call, counterparts=[Counterpart("Scholengroep Gent", "BE", "school")])["counterparts"]
    assert "from the Netherlands" in same_side[0]
    from_nl = errors_of(call, org_country="NL", counterparts=[Counterpart("ROC Westerschelde", "NL", "school")])
    assert "from Belgium" in from_nl["counterparts"][0]
    itself = errors_of(call, counterparts=[Counterpart("basisschool de vlieger", "NL", "school")])["counterparts"]
    assert "another organisation than your own" in " ".join(itself)
    action, _token = submit(call, org_country="NL", org_name="Zeeland Connect",
                            counterparts=[Counterpart("Stad Gent", "BE", "public_body"),
                                          Counterpart("Scalda", "NL", "school")])
    assert [c.country for c in action.counterparts] == ["BE", "NL"]


def test_a_closed_call_takes_no_proposals(call):
    with clock_at(NOW.replace(month=4, day=1)):
        with pytest.raises(DomainError, match="This call is not open"):
            applications.submit(APPLICANT, call, application(start_date=date(2021, 5, 1),
                                                             end_date=date(2021, 5, 1)))
