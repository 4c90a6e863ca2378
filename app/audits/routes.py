"""Audits: the project's audits with filters, one audit with its scope and findings; auditors record them."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.routes import current_actor
from ..errors import DomainError, NotFound
from ..extensions import db
from ..guards import db_id, db_id_or_none, db_ids
from ..i18n import gettext as _
from ..models import AuditBody, AuditStatus, Claim, CostCategory, ErrorType, Partner, ReportingPeriod
from ..models.claim import FINAL_STATES
from ..money import parse_money
from ..permissions import can_book_corrections, can_record_audits, can_see_audits, project_or_404
from ..services import audits as svc
from ..services import history
from ..services.corrections.booking import PROCUREMENT_RATES
from ..views import commit_or_explain

bp = Blueprint("audits", __name__, url_prefix="/projects")


def _project(code):
    project = project_or_404(current_user, code)
    if not can_see_audits(current_user, project):
        raise NotFound()
    return project


def _date(name: str, required: bool = True) -> date | None:
    raw = request.form.get(name, "").strip()
    if not raw and not required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(_("Enter a valid date.")) from None


def _enum(enum, name: str):
    try:
        return enum(request.form.get(name, ""))
    except ValueError:
        raise DomainError(_("Choose a value from the list.")) from None


def _choices(project):
    return {
        "partners": list(db.session.scalars(select(Partner).where(Partner.project_id == project.id)
                                            .order_by(Partner.number))),
        "claims": list(db.session.scalars(select(Claim).where(Claim.project_id == project.id,
                                                              Claim.status.in_(FINAL_STATES)).order_by(Claim.id))),
        "periods": list(db.session.scalars(select(ReportingPeriod).where(ReportingPeriod.project_id == project.id)
                                           .order_by(ReportingPeriod.number))),
        "bodies": list(AuditBody), "statuses": list(AuditStatus), "error_types": list(ErrorType),
    }


@bp.get("/<code>/audits")
@login_required
def index(code):
    project = _project(code)
    flt = svc.AuditFilter.from_args(request.args)
    return render_template("audits/index.html", project=project, audits=svc.audits_of(current_user, project, flt),
                           flt=flt, can_record=can_record_audits(current_user, project), **_choices(project))


@bp.post("/<code>/audits")
@login_required
def create(code):
    project = _project(code)
    form = request.form

    def action():
        data = svc.AuditData(
            _enum(AuditBody, "body"), form.get("reference", ""), _date("started_on"), _date("ended_on", False),
            _enum(AuditStatus, "status"), form.get("scope_note", ""), db_ids(form.getlist("partner_ids")),
            db_ids(form.getlist("claim_ids")), db_ids(form.getlist("period_ids")),
            db_ids(form.get("line_ids", "").replace(",", " ").replace("#", " ").split()))
        return svc.create_audit(current_actor(), current_user, project, data)
    ok, record = commit_or_explain(action, _("Audit recorded."))
    if ok:
        return redirect(url_for("audits.detail", code=code, audit_id=record.id))
    return redirect(url_for("audits.index", code=code))


@bp.get("/<code>/audits/<int:audit_id>")
@login_required
def detail(code, audit_id):
    project = _project(code)
    record = svc.audit_or_404(current_user, project, audit_id)
    categories = list(db.session.scalars(select(CostCategory).where(CostCategory.project_id == project.id)
                                         .order_by(CostCategory.position)))
    return render_template("audits/detail.html", project=project, audit=record,
                           can_record=can_record_audits(current_user, project),
                           can_book=can_book_corrections(current_user, project), categories=categories,
                           rates=PROCUREMENT_RATES, history=history.of_object(project.id, "programme_audit", record.id),
                           **_choices(project))


@bp.post("/<code>/audits/<int:audit_id>/status")
@login_required
def status(code, audit_id):
    project = _project(code)
    record = svc.audit_or_404(current_user, project, audit_id)
    commit_or_explain(lambda: svc.set_status(current_actor(), current_user, project, record,
                                             _enum(AuditStatus, "status"), _date("ended_on", False)),
                      _("Status of the audit saved."))
    return redirect(url_for("audits.detail", code=code, audit_id=audit_id))


@bp.post("/<code>/audits/<int:audit_id>/findings")
@login_required
def add_finding(code, audit_id):
    project = _project(code)
    record = svc.audit_or_404(current_user, project, audit_id)
    form = request.form

    def action():
        raw_amount = form.get("amount", "").strip()
        line = form.get("claim_line_id", "").strip().lstrip("#")
        return svc.add_finding(
            current_actor(), current_user, project, record, description=form.get("description", ""),
            error_type=_enum(ErrorType, "error_type"), claim_line_id=db_id_or_none(line) if line else None,
            claim_id=form.get("claim_id", type=db_id), partner_id=form.get("partner_id", type=db_id),
            amount=parse_money(raw_amount) if raw_amount else None, irregularity=form.get("irregularity") == "1",
            files=[f for f in request.files.getlist("files") if f and f.filename])
    commit_or_explain(action, _("Finding recorded."))
    return redirect(url_for("audits.detail", code=code, audit_id=audit_id))


@bp.get("/<code>/audits/documents/<int:link_id>")
@login_required
def document(code, link_id):
    project = _project(code)
    path, content_type, name = svc.finding_document(current_actor(), current_user, project, link_id)
    db.session.commit()
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
