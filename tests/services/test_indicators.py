"""Indicators: aggregation per period and cumulative (accepted reports only), year targets, the indicator the
fund feeds, partner scope, four eyes, the audit events, and a progress report whose figures are the accepted
values."""
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.errors import DomainError, NotFound, PermissionDenied
from app.extensions import db
from app.models import ActionStatus, AuditEvent, FundAction, Indicator, IndicatorReport, ReportStatus
from app.models.types import clock_at
from app.services.indicators import files, progress, reporting, setup
from app.services.indicators.progress import fund_participants
from tests.factories import actor, partner, period, project, user
from tests.fund_factories import second_finance_officer

pytestmark = pytest.mark.demo_history
LATER = datetime(2021, 6, 1, 8, tzinfo=UTC)
FIN, HOWEST, ODISEE = "finance@example.org", "partner.howest@example.org", "partner.odisee@example.org"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def indicator(code: str) -> Indicator:
    return db.session.scalar(select(Indicator).where(Indicator.project_id == project().id, Indicator.code == code))


def by_code(u):
    return {p.code: p for p in progress.progress(u, project())}


def test_progress_per_period_and_cumulative_counts_accepted_reports_only(app):
    p = by_code(user(FIN))["O2"]  # demo: Howest 6 + 8, Odisee 3 accepted (period 1: 9, period 2: 8); Odisee 4 waits
    assert [(r.number, r.achieved, r.cumulative, r.cumulative_target, r.pending) for r in p.periods[:3]] == [
        (1, Decimal("9.00"), Decimal("9.00"), Decimal("10.00"), Decimal("0.00")),
        (2, Decimal("8.00"), Decimal("17.00"), Decimal("20.00"), Decimal("4.00")),
        (3, Decimal("0.00"), Decimal("17.00"), Decimal("30.00"), Decimal("0.00"))]
    assert p.achieved == Decimal("17.00") and p.behind is True and p.share == Decimal("28.3")
    fin = user(FIN)
    waiting = db.session.scalar(select(IndicatorReport).where(IndicatorReport.status == ReportStatus.SUBMITTED))
    fin2 = second_finance_officer()
    with clock_at(LATER):
        reporting.return_report(actor(fin2), fin2, waiting, "Bewijs ontbreekt.")
    assert by_code(fin)["O2"].periods[1].pending == 0 and by_code(fin)["O2"].achieved == Decimal("17.00")
    odisee = user(ODISEE)
    with clock_at(LATER):
        again = reporting.submit(actor(odisee), odisee, indicator("O2"), partner("Odisee"), period(2).id,
                                 Decimal("3"), "Drie stages, met bewijs.", [("stages.pdf", PDF)])
        reporting.accept(actor(fin2), fin2, again)
    p = by_code(fin)["O2"]
    assert p.periods[1].achieved == Decimal("11.00") and p.periods[1].cumulative == Decimal("20.00")
    assert p.behind is False  # 20 of a cumulative 20 after period 2
    accepted = db.session.scalar(select(func.sum(IndicatorReport.value)).where(
        IndicatorReport.indicator_id == indicator("O2").id, IndicatorReport.status == ReportStatus.ACCEPTED))
    assert p.achieved == accepted


def test_year_targets_compare_with_the_periods_ending_in_that_year(app):
    fin = user(FIN)
    ind = setup.create_indicator(actor(fin), fin, project(), "O9", "Bedrijfsbezoeken", "output", "bezoeken",
                                 Decimal("20"), Decimal("20"))
    setup.set_target(actor(fin), fin, ind, Decimal("4"), year=2020)
    setup.assign(actor(fin), fin, ind, partner("Howest"))
    howest, fin2 = user(HOWEST), second_finance_officer()
    with clock_at(LATER):
        for number, value in ((1, "1"), (2, "2"), (3, "5")):  # periods end 03/2020, 09/2020, 03/2021
            r = reporting.submit(actor(howest), howest, ind, partner("Howest"), period(number).id, Decimal(value), "ok")
            reporting.accept(actor(fin2), fin2, r)
    p = by_code(fin)["O9"]
    assert [(y.year, y.target, y.achieved) for y in p.years] == [(2020, Decimal("4.00"), Decimal("3.00"))]
    assert p.behind is True and p.periods[2].cumulative_target is None


def test_the_fund_feeds_its_participants_indicator(app):
    fin = user(FIN)
    counted = db.session.scalar(select(func.sum(FundAction.participants_reached)).where(
        FundAction.project_id == project().id, FundAction.status.in_([ActionStatus.REPORTED, ActionStatus.CLOSED])))
    p = by_code(fin)["O1"]
    assert p.source == "fund_participants" and p.achieved == Decimal(counted) == Decimal("519")  # 42 + 65 + 412
    assert p.periods[1].achieved == Decimal("519.00")  # all three took place in period 2 (April-September 2020)
    # an action that is only approved does not count; once it reports, it does, in the period it took place
    action = db.session.scalar(select(FundAction).where(FundAction.status == ActionStatus.EXECUTED)
                               .order_by(FundAction.id).limit(1))
    if action is None:
        action = db.session.scalar(select(FundAction).where(FundAction.status == ActionStatus.APPROVED)
                                   .order_by(FundAction.id).limit(1))
    before = fund_participants(project())
    action.status, action.participants_reached = ActionStatus.REPORTED, 33
    db.session.flush()
    after = fund_participants(project())
    assert sum(after.values()) - sum(before.values()) == 33
    with pytest.raises(PermissionDenied):
        reporting.submit(actor(fin), fin, indicator("O1"), partner("Howest"), period(1).id, Decimal(1), "x")
    with pytest.raises(DomainError):
        setup.assign(actor(fin), fin, indicator("O1"), partner("Howest"))


def test_a_partner_reports_only_on_its_own_indicators_and_sees_only_its_own_reports(app):
    howest, odisee, tua = user(HOWEST), user(ODISEE), user("partner.tuawest@example.org")
    with clock_at(LATER):
        with pytest.raises(PermissionDenied):  # R1 is TUA West's
            reporting.submit(actor(howest), howest, indicator("R1"), partner("TUA West"), period(3).id, Decimal(1), "x")
        with pytest.raises(PermissionDenied):  # O2 is Howest's and Odisee's, but Howest reports for itself only
            reporting.submit(actor(howest), howest, indicator("O2"), partner("Odisee"), period(3).id, Decimal(1), "x")
        with pytest.raises(DomainError):  # already reported for period 1
            reporting.submit(actor(howest), howest, indicator("O2"), partner("Howest"), period(1).id, Decimal(1), "x")
        with pytest.raises(DomainError):  # a period that has not started
            reporting.submit(actor(howest), howest, indicator("O2"), partner("Howest"), period(6).id, Decimal(1), "x")
    assert [i.code for i in reporting.visible_indicators(howest, project())] == ["O2"]
    assert [i.code for i in reporting.visible_indicators(tua, project())] == ["R1"]
    assert {r.partner.name for r in reporting.reports_of(howest, project())} == {"Howest"}
    odisee_report = next(r for r in reporting.reports_of(odisee, project()))
    with pytest.raises(NotFound):
        reporting.report_or_404(howest, project(), odisee_report.id)
    with pytest.raises(NotFound):
        reporting.visible_indicator_or_404(howest, project(), indicator("R1").id)
    with pytest.raises(PermissionDenied):  # a partner does not accept its own report
        reporting.accept(actor(odisee), odisee, odisee_report)


def test_four_eyes_and_the_audit_events_of_reporting(app):
    fin = user(FIN)
    with clock_at(LATER):
        report = reporting.submit(actor(fin), fin, indicator("O2"), partner("Howest"), period(3).id, Decimal("7"),
                                  "Door de financieel medewerker ingevoerd.", [("bewijs.pdf", PDF)])
        with pytest.raises(DomainError, match="Four eyes|Vier ogen"):
            reporting.accept(actor(fin), fin, report)
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type.in_(["indicator", "indicator_report"]), AuditEvent.project_id == project().id))]
    assert actions.count("indicator.created") == 3 and "indicator.target_set" in actions
    assert "indicator.assigned" in actions and "indicator.report_accepted" in actions
    last = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "indicator.reported")
                             .order_by(AuditEvent.seq.desc()).limit(1))
    assert '"bewijs.pdf"' in last.after and '"7.00"' in last.after and last.object_id == str(report.id)
    with pytest.raises(DomainError):
        setup.create_indicator(actor(fin), fin, project(), "O2", "dubbel", "output", "x", None, Decimal(1))
    with pytest.raises(PermissionDenied):
        setup.create_indicator(actor(user(HOWEST)), user(HOWEST), project(), "O8", "x", "output", "x", None,
                               Decimal(1))
    with pytest.raises(DomainError):
        setup.create_indicator(actor(fin), fin, project(), "O8", "x", "output", "x", None, Decimal("1.234"))


def test_the_progress_report_shows_the_accepted_values(app):
    fin = user(FIN)
    name, content = files.make(actor(fin), fin, project(), "xlsx", "en", "Fien")
    wb = load_workbook(io.BytesIO(content))
    summary = {row[0]: row for row in wb["Indicators"].iter_rows(min_row=2, values_only=True)}
    for code in ("O1", "O2", "R1"):
        accepted = by_code(fin)[code]
        assert Decimal(str(summary[code][7])) == accepted.achieved
    rows = [r for r in wb["Per period"].iter_rows(min_row=2, values_only=True) if r[0] == "O2"]
    assert [Decimal(str(r[6])) for r in rows[:2]] == [Decimal(9), Decimal(8)]
    assert [Decimal(str(r[7])) for r in rows[:2]] == [Decimal(9), Decimal(17)]
    name_pdf, pdf = files.make(actor(fin), fin, project(), "pdf", "nl", "Fien")
    assert pdf.startswith(b"%PDF") and name_pdf.endswith(".pdf") and name.startswith("LES_indicator-progress_")
    downloads = db.session.scalars(select(AuditEvent.after).where(AuditEvent.action == "statement.downloaded")).all()
    assert sum('"indicator-progress"' in d for d in downloads) == 2
    howest = user(HOWEST)
    _name, own = files.make(actor(howest), howest, project(), "xlsx", "en", "Hanne")
    codes = [r[0] for r in load_workbook(io.BytesIO(own))["Indicators"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["O2"]


def test_an_indicator_is_changed_later_with_its_before_and_after_and_accepted_values_stay(app):
    fin, o2 = user(FIN), indicator("O2")
    accepted = [(r.id, r.value, r.status) for r in db.session.scalars(
        select(IndicatorReport).where(IndicatorReport.indicator_id == o2.id).order_by(IndicatorReport.id))]
    before = by_code(fin)["O2"]
    setup.update_indicator(actor(fin), fin, o2, "Grensoverschrijdende stages", "studenten", Decimal("2"),
                           Decimal("72"))
    setup.set_target(actor(fin), fin, o2, Decimal("12"), period_id=period(3).id)  # a period target changed
    db.session.commit()
    o2 = indicator("O2")
    assert (o2.code, o2.name, o2.unit, o2.baseline, o2.target) == (
        "O2", "Grensoverschrijdende stages", "studenten", Decimal("2.00"), Decimal("72.00"))
    after = by_code(fin)["O2"]
    assert [(p.achieved, p.cumulative, p.pending) for p in after.periods] == [
        (p.achieved, p.cumulative, p.pending) for p in before.periods]  # what was accepted counts as before
    assert after.periods[2].target == Decimal("12.00") and after.share == Decimal("23.6")  # 17 of 72
    assert [(r.id, r.value, r.status) for r in db.session.scalars(
        select(IndicatorReport).where(IndicatorReport.indicator_id == o2.id).order_by(IndicatorReport.id))] == accepted
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "indicator.updated"))
    assert event.object_id == str(o2.id) and event.project_id == project().id
    assert '"stages"' in event.before and '"60.00"' in event.before and '"0.00"' in event.before
    assert '"studenten"' in event.after and '"72.00"' in event.after and '"2.00"' in event.after
    target = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "indicator.target_set")
                                .order_by(AuditEvent.seq.desc())).first()
    assert '"10.00"' in target.before and '"12.00"' in target.after
    # unchanged: nothing recorded
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    setup.update_indicator(actor(fin), fin, o2, o2.name, o2.unit, o2.baseline, o2.target)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == count


@pytest.mark.parametrize(("name", "unit", "baseline", "target"), [
    ("", "stages", Decimal(0), Decimal(60)), ("x" * 301, "stages", Decimal(0), Decimal(60)),
    ("Stages", " ", Decimal(0), Decimal(60)), ("Stages", "x" * 61, Decimal(0), Decimal(60)),
    ("Stages", "stages", Decimal(-1), Decimal(60)), ("Stages", "stages", Decimal(0), None),
    ("Stages", "stages", Decimal(0), Decimal("1.234")), ("Stages", "stages", Decimal(0), Decimal("1e12")),
])
def test_a_change_breaking_a_rule_is_refused_and_changes_nothing(app, name, unit, baseline, target):
    fin, o2 = user(FIN), indicator("O2")
    with pytest.raises(DomainError):
        setup.update_indicator(actor(fin), fin, o2, name, unit, baseline, target)
    db.session.rollback()
    o2 = indicator("O2")
    assert (o2.name, o2.unit, o2.target) == ("Grensoverschrijdende stages georganiseerd", "stages", Decimal("60.00"))


def test_only_an_administrator_or_a_finance_officer_changes_an_indicator(app):
    for email in (HOWEST, "auditor@example.org"):
        u = user(email)
        with pytest.raises(PermissionDenied):
            setup.update_indicator(actor(u), u, indicator("O2"), "x", "x", Decimal(0), Decimal(1))
        with pytest.raises(PermissionDenied):
            setup.unassign(actor(u), u, indicator("O2"), partner("Howest"))
    admin = user("admin@example.org")
    setup.update_indicator(actor(admin), admin, indicator("R1"), "Werkgevers met een stageplaats", "werkgevers",
                           Decimal(12), Decimal(40))
    assert indicator("R1").name == "Werkgevers met een stageplaats"


def test_a_partner_is_unassigned_and_what_it_reported_stays(app):
    fin, o2 = user(FIN), indicator("O2")
    with pytest.raises(DomainError, match="Odisee"):  # its period-2 report waits for a decision
        setup.unassign(actor(fin), fin, o2, partner("Odisee"))
    with pytest.raises(NotFound):  # TUA West does not report on O2
        setup.unassign(actor(fin), fin, o2, partner("TUA West"))
    achieved = by_code(fin)["O2"].achieved
    setup.unassign(actor(fin), fin, o2, partner("Howest"))
    db.session.commit()
    o2 = indicator("O2")
    assert [a.partner.name for a in o2.assignments] == ["Odisee"]
    assert by_code(fin)["O2"].achieved == achieved  # Howest's accepted 6 + 8 keep counting
    howest = user(HOWEST)
    assert reporting.visible_indicators(howest, project()) == []
    with clock_at(LATER), pytest.raises(PermissionDenied):
        reporting.submit(actor(howest), howest, o2, partner("Howest"), period(3).id, Decimal(1), "x")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "indicator.unassigned"))
    assert '"assigned":true' in event.before.replace(" ", "") and '"assigned":false' in event.after.replace(" ", "")
    assert "Howest" in event.before
    setup.assign(actor(fin), fin, o2, partner("Howest"))  # and assigned again
    assert sorted(a.partner.name for a in indicator("O2").assignments) == ["Howest", "Odisee"]
