"""The auditor's workspace: the project's audit trail (filtered, paged on the server, each event in words,
with an extract of the selection) and the verification of the hash chain against its signed checkpoint."""
from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reports import labels as report_labels

from ..errors import NotFound
from ..i18n import current_language
from ..i18n import gettext as _
from ..permissions import can_see_audit_trail, can_verify_chain, project_or_404, require
from ..services import history
from ..services.statements import jobs, trail, verification
from ..services.statements.anchor import anchor
from ..views import commit_or_explain, position_args

bp = Blueprint("audit", __name__, url_prefix="/projects")


def _trail_project(code):
    project = project_or_404(current_user, code)
    if not can_see_audit_trail(current_user, project):
        raise NotFound()
    return project


@bp.get("/<code>/audit")
@login_required
def trail_page(code):
    project = _trail_project(code)
    flt, errors = trail.TrailFilter.from_values(request.args)
    for error in errors:
        flash(error, "error")
    labels = history.action_labels()
    lang = current_language()
    page = trail.trail_page(project, flt, **position_args())
    return render_template("audit/trail.html", project=project, flt=flt, page=page,
                           users=trail.trail_users(project), actions=sorted(labels.items(), key=lambda kv: kv[1]),
                           object_types=[(t, report_labels.object_type(t, lang)) for t in trail.OBJECT_TYPES],
                           query=flt.as_values(), role_name=lambda value: report_labels.role(value, lang),
                           object_name=lambda value: report_labels.object_type(value, lang))


@bp.get("/<code>/audit/chain")
@login_required
def chain(code):
    project = _trail_project(code)
    latest = jobs.latest_verification(project)
    report = json.loads(latest.result) if latest and latest.result else None
    return render_template("audit/chain.html", project=project, latest=latest, report=report,
                           said=verification.in_words(report) if report else None, anchor=anchor(),
                           can_run=can_verify_chain(current_user, project))


@bp.post("/<code>/audit/chain")
@login_required
def run_chain(code):
    project = _trail_project(code)
    require(can_verify_chain(current_user, project), _("Only finance officers and auditors verify the audit chain."))
    ok, job = commit_or_explain(lambda: jobs.verify_now_or_queue(current_user, project),
                                _("The audit chain is being verified."))
    if ok and job.status == "queued":
        jobs.enqueue(job.id)
        return redirect(url_for("statements.job", code=code, job_id=job.id))
    return redirect(url_for("audit.chain", code=code))
