"""Statements: a claim's statement and certificate downloaded from the claim's page, the fund register from
the register page; project-wide statements made in the background, with a progress page and the file offered
when ready."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from reports.statements import MIMETYPES

from ..auth.routes import current_actor
from ..errors import DomainError, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import current_language
from ..i18n import gettext as _
from ..permissions import project_or_404
from ..services.statements import fund as fund_data
from ..services.statements import jobs
from ..services.statements.produce import INLINE_KINDS, Spec, make, record_download
from ..views import commit_or_explain

bp = Blueprint("statements", __name__, url_prefix="/projects")
EVENT_FIELDS = ("from", "to", "user", "action", "object_type", "object_id")


def _send(content: bytes, filename: str, fmt: str):
    response = send_file(io.BytesIO(content), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _who() -> str:
    return f"{current_user.full_name} ({current_user.email})"


@bp.get("/<code>/claims/<int:claim_id>/<any('claim-statement', 'certificate'):kind>.<any(xlsx, pdf):fmt>")
@login_required
def claim_statement(code, claim_id, kind, fmt):
    """A claim's statement of expenditure or verification certificate, made now and audited."""
    project = project_or_404(current_user, code)
    lang = request.args.get("lang") or current_language()
    try:
        spec = Spec.parse(kind, fmt, lang, claim=claim_id)
    except DomainError:
        abort(404)
    try:
        filename, content = make(current_user, project, spec, _who())
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:  # e.g. a certificate of a claim not yet certified: say so on the claim's page
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("claims.detail", code=code, claim_id=claim_id))
    record_download(current_actor(), current_user, project, spec, filename, content)
    db.session.commit()
    return _send(content, filename, fmt)


@bp.get("/<code>/fund/register.<any(xlsx, pdf):fmt>")
@login_required
def fund_register(code, fmt):
    """The fund's register as a statement, with the register page's filters (from the query string, as the
    page reads them) and its rule for personal data; small enough to make in the request, and audited."""
    project = project_or_404(current_user, code)
    lang = request.args.get("lang") or current_language()
    try:
        spec = Spec.parse("fund-register", fmt, lang if lang in ("nl", "en") else current_language(),
                          fund_filters=fund_data.filter_values(fund_data.filters_from(request.args)))
    except DomainError:
        abort(404)
    filename, content = make(current_user, project, spec, _who())
    record_download(current_actor(), current_user, project, spec, filename, content)
    db.session.commit()
    return _send(content, filename, fmt)


@bp.post("/<code>/exports")
@login_required
def create_export(code):
    """A project-wide statement (or a claim's, for a batch), made by a background job."""
    project = project_or_404(current_user, code)
    form = request.form
    kind = form.get("kind", "")
    if kind in INLINE_KINDS:
        abort(404)
    events = {name: form[name] for name in EVENT_FIELDS if form.get(name)} if kind == "audit-extract" else None

    def action():
        at = (form.get("at") or None) if kind == "financial-report" else None
        spec = Spec.parse(kind, form.get("format", ""), form.get("lang") or current_language(), at=at,
                          events=events)
        return jobs.create(current_user, project, spec)
    ok, job = commit_or_explain(action, _("The statement is being made; it is offered here when it is ready."))
    if not ok:
        from .. import same_site_referrer
        return redirect(same_site_referrer() or url_for("projects.overview", code=code))
    jobs.enqueue(job.id)
    return redirect(url_for("statements.job", code=code, job_id=job.id))


@bp.get("/<code>/exports/<job_id>")
@login_required
def job(code, job_id):
    project = project_or_404(current_user, code)
    export = jobs.job_for(current_user, project, job_id)
    return render_template("statements/job.html", project=project, job=export, spec=_spec_or_none(export))


def _spec_or_none(export):
    return Spec.from_json(export.params) if export.kind != jobs.CHAIN else None


@bp.get("/<code>/exports/<job_id>/status")
@login_required
def job_status(code, job_id):
    project = project_or_404(current_user, code)
    export = jobs.job_for(current_user, project, job_id)
    percent = 100 if export.status == "finished" else (
        int(export.done * 100 / export.total) if export.total else 0)
    return jsonify(status=export.status, done=export.done, total=export.total, percent=min(percent, 100),
                   error=export.error, file_name=export.file_name,
                   download=url_for("statements.job_file", code=code, job_id=export.id)
                   if export.status == "finished" and export.file_name else None)


@bp.get("/<code>/exports/<job_id>/file")
@login_required
def job_file(code, job_id):
    project = project_or_404(current_user, code)
    export = jobs.job_for(current_user, project, job_id)
    path = jobs.result_path(export)
    content = path.read_bytes()
    record_download(current_actor(), current_user, project, Spec.from_json(export.params), export.file_name, content)
    db.session.commit()
    return _send(content, export.file_name, export.format)
