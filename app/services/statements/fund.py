"""The data of the fund register statement: the register page's data (app/services/fund/register.py, the same
rows, totals and rule for personal data), as the plain data the builder takes (codes, not labels)."""
from __future__ import annotations

from reports.statements import FundFigures, FundRegisterStatement, Header, RegisterLine, RegisterScope

from ...errors import NotFound
from ...extensions import db
from ...guards import db_id
from ...i18n import gettext as _
from ...models import Fund, FundCall, Project, User
from ...permissions import can_see_fund
from ..fund.common import fund_of
from ..fund.register import RegisterFilters, personal_data_rule, register_data

FILTER_FIELDS = ("status", "call", "country", "type")  # the register page's query-string names


def filters_from(values) -> RegisterFilters:
    """The register page's filters from query values (anything unknown is no filter, as on the page)."""
    raw_call = (values.get("call") or "").strip()
    try:
        call_id = db_id(raw_call) if raw_call else None
    except ValueError:
        call_id = None
    return RegisterFilters.parse(values.get("status") or None, call_id, values.get("country") or None,
                                 values.get("type") or None)


def filter_values(filters: RegisterFilters) -> dict[str, str]:
    """The filters as query values (for the download links and the statement's selectors)."""
    values = {"status": filters.status, "call": str(filters.call_id) if filters.call_id else None,
              "country": filters.country, "type": filters.org_type}
    return {k: v for k, v in values.items() if v}


def fund_for(user: User | None, project: Project) -> Fund:
    """The project's fund, if the user may see its register (None: the operator); otherwise 404."""
    fund = fund_of(project.id)
    if fund is None or (user is not None and not can_see_fund(user, project)):
        raise NotFound(_("Project %(project)s has no small-grants fund.", project=project.code))
    return fund


def register_statement(user: User | None, project: Project, values: dict[str, str], header: Header,
                       personal: bool = True) -> FundRegisterStatement:
    """The register for the user, with the page's rule for personal data; the operator (user None) gets the
    contact persons unless ``personal`` is False (a register to publish)."""
    fund = fund_for(user, project)
    filters = filters_from(values)
    rule = (personal if user is None else personal_data_rule(user, fund)) if personal else False
    reg = register_data(fund, filters, rule)
    call = db.session.get(FundCall, filters.call_id) if filters.call_id else None
    scope = RegisterScope(filters.status, f"{call.code} {call.title}" if call and call.fund_id == fund.id else None,
                          filters.country, filters.org_type)
    rows = [RegisterLine(r.reference, r.call, r.title, r.organisation, r.org_type_code, r.country, r.status_code,
                         r.start_date, r.end_date, r.expected_participants, r.participants_reached, r.requested,
                         r.approved, r.paid, r.released, r.contact_name, r.contact_email) for r in reg.rows]
    t = reg.fund
    figures = FundFigures(t.ceiling, t.approved, t.committed, t.paid, t.to_pay, t.released, t.available,
                          t.participants_reached, tuple((code, n) for code, _label, n in t.actions_by_status))
    return FundRegisterStatement(header, reg.fund_name, reg.managing_partner, reg.max_per_action, scope,
                                 reg.personal_data, rows, figures)
