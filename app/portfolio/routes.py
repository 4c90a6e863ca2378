"""The portfolio overview (finance officers, admins and auditors: every project they have that role in)
with its XLSX and PDF statements, and a project's funding sources page (admins set them; finance officers
and auditors read them)."""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from reports.formatting import LANGUAGES
from reports.statements import MIMETYPES
from reports.statements.portfolio import BUILDERS

from ..auth.routes import current_actor
from ..errors import DomainError, NotFound
from ..extensions import db
from ..guards import db_id
from ..i18n import current_language
from ..i18n import gettext as _
from ..models import FundingKind
from ..models.types import utcnow
from ..money import MoneyError, parse_money, parse_percent
from ..permissions import can_manage_funding, can_read_funding, can_see_portfolio, project_or_404
from ..services.funding import portfolio as svc
from ..services.funding.sources import (
    MAX_SOURCES,
    SourceData,
    certified_by_source,
    claim_shares,
    set_sources,
    sources_of,
)
from ..services.funding.sources import fund_name as fund_label
from ..views import commit_or_explain
from .chart import chart

bp = Blueprint("portfolio", __name__)
BLANK_ROWS = 2


def _at() -> date:
    raw = request.args.get("at", "")
    if not raw:
        return utcnow().date()
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        abort(404)
    if not 1900 <= day.year <= 2999:
        abort(404)
    return day


def _require_portfolio() -> None:
    if not can_see_portfolio(current_user):
        raise NotFound(_("Page not found."))


@bp.get("/portfolio")
@login_required
def overview():
    _require_portfolio()
    at = _at()
    sort = request.args.get("sort", "code")
    if sort not in svc.SORTS:
        sort = "code"
    descending = request.args.get("dir") == "desc"
    rows = svc.portfolio(current_user, at, sort, descending)
    totals = {f: sum((getattr(r, f) for r in rows), svc.ZERO) for f in
              ("budget", "declared", "certified", "certified_fund", "contribution", "paid", "net_certified")}
    return render_template("portfolio/overview.html", rows=rows, totals=totals, at=at, sort=sort,
                           descending=descending, chart=chart(rows),
                           absorption=svc.absorption(totals["net_certified"], totals["budget"]),
                           waiting=sum(r.waiting for r in rows), today=at == utcnow().date())


@bp.get("/portfolio/portfolio.<any(xlsx, pdf):fmt>")
@login_required
def download(fmt):
    _require_portfolio()
    at = _at()
    lang = request.args.get("lang") or current_language()
    if lang not in LANGUAGES:
        abort(404)
    data = svc.statement(current_user, at, f"{current_user.full_name} ({current_user.email})", lang)
    content = BUILDERS[fmt](data, lang)
    filename = f"Cofund-portfolio-{at.isoformat()}.{fmt}"
    svc.record_download(current_actor(), current_user, fmt, lang, at, filename, content)
    db.session.commit()
    response = send_file(io.BytesIO(content), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _funding_project(code):
    project = project_or_404(current_user, code)
    if not can_read_funding(current_user, project):
        raise NotFound(_("Page not found."))
    return project


@bp.get("/projects/<code>/funding")
@login_required
def funding(code):
    project = _funding_project(code)
    sources = sources_of(project)
    return render_template("portfolio/funding.html", project=project, sources=sources,
                           certified=certified_by_source(project), kinds=list(FundingKind),
                           blank_rows=min(BLANK_ROWS, MAX_SOURCES - len(sources)),
                           can_manage=can_manage_funding(current_user, project))


def _rows() -> list[SourceData]:
    """The form's rows as sources; a row without a name and without an id is left out (a blank row)."""
    names, ids = request.form.getlist("name"), request.form.getlist("source_id")
    kinds, rates, ceilings = request.form.getlist("kind"), request.form.getlist("rate"), request.form.getlist("ceiling")
    if not (len(names) == len(ids) == len(kinds) == len(rates) == len(ceilings)) or len(names) > MAX_SOURCES + 5:
        raise DomainError(_("The form is incomplete; open the page again."))
    rows = []
    for name, source_id, kind, rate, ceiling in zip(names, ids, kinds, rates, ceilings, strict=True):
        if not name.strip():  # a blank new row, or an existing source removed
            continue
        try:
            sid = db_id(source_id) if source_id else None
        except ValueError:
            raise NotFound(_("Funding source not found.")) from None
        if kind not in {k.value for k in FundingKind}:
            raise DomainError(_("Choose the kind of funding source."))
        try:
            rows.append(SourceData(name[:201], FundingKind(kind), parse_percent(rate[:40]), parse_money(ceiling[:40]),
                                   id=sid))
        except MoneyError as error:
            raise DomainError(f"{name.strip()[:80]}: {error}") from None
    return rows


@bp.post("/projects/<code>/funding")
@login_required
def save_funding(code):
    project = _funding_project(code)
    commit_or_explain(lambda: set_sources(current_actor(), current_user, project, _rows()),
                      _("Funding sources saved."))
    return redirect(url_for("portfolio.funding", code=code))


@bp.app_template_global()
def fund_name(project) -> str:
    """The project's funding sources as one name ('EFRO'; 'Ministerie van OCW + Provincie Zeeland'), once
    per request and project."""
    names = request.environ.setdefault("cofund.fund_names", {})  # this request's (g outlives it in tests)
    if project.id not in names:
        names[project.id] = fund_label(sources_of(project))
    return names[project.id]


@bp.app_template_global()
def funding_shares(claim):
    return claim_shares(claim)
