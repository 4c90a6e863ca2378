"""Bulk import of expenditure lines for one partner from an XLSX or CSV file, and the templates to fill in."""
import re

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import formatting
from ..auth.routes import current_actor
from ..extensions import db
from ..i18n import current_language, ngettext
from ..i18n import gettext as _
from ..models import Partner, Project
from ..permissions import can_register_for, project_or_404, require, require_partner
from ..services import imports
from ..services.budget import categories_of, periods_of
from ..services.imports import COLUMNS, MAX_ROWS, ImportRejected, explanations
from .forms import ImportForm

bp = Blueprint("imports", __name__, url_prefix="/projects")

SHOWN_ERRORS = 1000  # a rejected file lists at most this many problems on the page
SHOWN_DUPLICATES = 15



def _download(data: bytes, mimetype: str, project: Project, extension: str) -> Response:
    safe_code = re.sub(r"[^A-Za-z0-9_-]", "_", project.code)
    name = _("expenditures-%(code)s-template", code=safe_code)
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{extension}"',
        "Cache-Control": "no-store",
    })


@bp.get("/<code>/expenditures/import-template.xlsx")
@login_required
def template(code):
    project = project_or_404(current_user, code)
    return _download(imports.template_xlsx(project), imports.XLSX_MIMETYPE, project, "xlsx")


@bp.get("/<code>/expenditures/import-template.csv")
@login_required
def template_csv(code):
    project = project_or_404(current_user, code)
    return _download(imports.template_csv(project), "text/csv; charset=utf-8", project, "csv")


def _duplicates_message(duplicates) -> str:
    shown = "; ".join(d.describe() for d in duplicates[:SHOWN_DUPLICATES])
    if len(duplicates) > SHOWN_DUPLICATES:
        shown = _("%(shown)s; and %(more)s more", shown=shown, more=len(duplicates) - SHOWN_DUPLICATES)
    return ngettext("Note, possible double financing: %(num)d line has the same supplier and invoice number as "
                    "another expenditure of the project: %(lines)s.",
                    "Note, possible double financing: %(num)d lines have the same supplier and invoice number as "
                    "another expenditure of the project: %(lines)s.", len(duplicates), lines=shown)


@bp.route("/<code>/partners/<int:partner_id>/expenditures/import", methods=["GET", "POST"])
@login_required
def upload(code, partner_id):
    project = project_or_404(current_user, code)
    partner = require_partner(current_user, db.session.get(Partner, partner_id), project)
    require(can_register_for(current_user, partner),
            _("Only the partner itself or a finance officer registers expenditures."))
    form = ImportForm()
    rejected = None
    if form.validate_on_submit():
        try:
            result = imports.import_expenditures(current_actor(), current_user, partner, form.file.data.filename,
                                                 form.content)
        except ImportRejected as error:
            db.session.rollback()
            rejected = error
        else:
            db.session.commit()
            flash(ngettext("%(num)d expenditure imported (total %(total)s).",
                           "%(num)d expenditures imported (total %(total)s).", result.count,
                           total=formatting.money(result.total)), "success")
            if result.duplicates:
                flash(_duplicates_message(result.duplicates), "warning")
            return redirect(url_for("expenditures.index", code=project.code, partner=partner.id))
    flat_rate_ids = {fr.category_id for fr in partner.flat_rates}
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", project=project, partner=partner, form=form, columns=COLUMNS,
                           explanations=explanations(_, current_language()),
                           categories=categories_of(project), periods=periods_of(project),
                           flat_rate_ids=flat_rate_ids, rejected=rejected, shown_errors=SHOWN_ERRORS,
                           max_rows=MAX_ROWS), status
