"""The portfolio overview: each project's row is its own financial report's totals to the cent, the user
sees only the projects they manage or audit, and the statement count does not grow with the projects."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Role
from app.services.accounts import create_user, grant_membership
from app.services.audit import Actor
from app.services.funding.portfolio import portfolio, sort_rows
from app.services.statements.project import financial_report
from reports.statements import Anchor, Header
from tests.conftest import count_queries
from tests.factories import partner, project, user

FIN = "finance@example.org"
HEADER = Header("P", "X", "X", datetime(2026, 1, 1, tzinfo=UTC), "test", Anchor(0, "0" * 64))


def report_totals(code, at):
    report = financial_report(project(code), at, HEADER)
    rows = report.partners
    return {"budget": sum(r.budget for r in rows), "fund_budget": sum(r.efro_budget for r in rows),
            "declared": sum(r.declared for r in rows), "certified": sum(r.certified for r in rows),
            "certified_fund": sum(r.certified_efro for r in rows), "paid": sum(r.paid for r in rows)}


@pytest.mark.demo_history
@pytest.mark.parametrize("at", [date(2020, 4, 30), date(2020, 12, 31), date(2021, 9, 30), date(2022, 3, 31),
                                date(2026, 11, 30)])
def test_each_row_is_the_projects_own_financial_report(app, at):
    rows = portfolio(user(FIN), at)
    assert [r.code for r in rows] == ["ICT", "LES", "LLL", "OOST"]
    for row in rows:
        mine = {f: getattr(row, f) for f in ("budget", "fund_budget", "declared", "certified", "certified_fund",
                                             "paid")}
        assert mine == report_totals(row.code, at), row.code
        assert sum(s.certified for s in row.sources) == row.certified_fund  # the sources' shares add up
        assert sum(s.paid for s in row.sources) == row.paid
    for field in ("budget", "declared", "certified", "paid"):  # and so the portfolio's totals, to the cent
        assert sum(getattr(r, field) for r in rows) == sum(report_totals(c, at)[field] for c in
                                                           ("ICT", "LES", "LLL", "OOST"))


@pytest.mark.demo_history
def test_demo_figures(app):
    rows = {r.code: r for r in portfolio(user(FIN), date(2026, 11, 30))}
    assert rows["LES"].budget == Decimal("2763165.00") and rows["LES"].fund_budget == Decimal("1381582.00")
    assert rows["LLL"].certified == rows["LLL"].certified_fund > 0  # the province pays 100%
    ict = rows["ICT"]
    assert [s.name for s in ict.sources] == ["Ministerie van OCW", "Provincie Zeeland"]
    assert ict.sources[0].certified == 2 * ict.sources[1].certified or \
        abs(ict.sources[0].certified - 2 * ict.sources[1].certified) <= Decimal("0.02")
    assert ict.certified_fund + ict.contribution == ict.certified
    assert rows["OOST"].waiting == 1 and rows["LES"].waiting == 1  # OOST's period-2 claim; Howest's in LES
    assert rows["LES"].declared > rows["LES"].certified  # claims still in verification are declared


@pytest.mark.demo_history
def test_statement_count_does_not_grow_with_the_projects(app):
    admin = Actor.system("test")
    one = create_user(admin, "one@example.org", "One Project", "a-long-password-1")
    grant_membership(admin, one, project("LES"), Role.FINANCE)
    db.session.commit()
    with count_queries(as_new_request=True) as single:
        assert len(portfolio(user("one@example.org"), date(2026, 11, 30))) == 1
    with count_queries(as_new_request=True) as four:
        assert len(portfolio(user(FIN), date(2026, 11, 30))) == 4
    single, four = ([q for q in qs if not q.startswith("BEGIN")] for qs in (single, four))
    assert len(four) == len(single) <= 19, (len(single), len(four))  # the budget in force and the corrections: one each


def test_a_user_sees_only_the_projects_they_have_a_role_in(app):
    assert [r.code for r in portfolio(user("auditor@example.org"), date(2026, 1, 1))] == ["ICT", "LES", "LLL",
                                                                                         "OOST"]
    assert portfolio(user("partner.pom@example.org"), date(2026, 1, 1)) == []  # a partner has no portfolio
    admin = Actor.system("test")
    les_only = create_user(admin, "les.only@example.org", "LES Only", "a-long-password-1")
    grant_membership(admin, les_only, project("LES"), Role.AUDITOR)
    grant_membership(admin, les_only, project("ICT"), Role.PARTNER, partner("Scalda", "ICT"))
    db.session.commit()
    # an auditor of LES who is a partner user in ICT: LES in the portfolio, ICT not
    assert [r.code for r in portfolio(user("les.only@example.org"), date(2026, 1, 1))] == ["LES"]


def test_sorting_and_deadlines(app):
    rows = portfolio(user(FIN), date(2021, 3, 1), "budget", descending=True)
    assert [r.code for r in rows] == ["LES", "OOST", "ICT", "LLL"]
    assert [r.code for r in sort_rows(rows, "name", False)] == ["ICT", "LES", "LLL", "OOST"]
    by_code = {r.code: r for r in rows}
    # LLL's period 2 ended on 31-12-2020: its claims are due by 31-03-2021; LES's ended in 2022
    assert by_code["LLL"].next_deadline == date(2021, 3, 31)
    assert by_code["OOST"].next_deadline == date(2022, 5, 1)  # period 1 ends 31-01-2022, + 90 days
    assert sort_rows(rows, "deadline", False)[-1].next_deadline is not None
    late = portfolio(user(FIN), date(2030, 1, 1), "deadline")
    assert all(r.next_deadline is None for r in late)  # every project over: no deadline, kept in code order
