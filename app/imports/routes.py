"""Bulk import of expenditure lines for one partner from an XLSX or CSV file, and the templates to fill in."""
import re

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import formatting
from ..auth.routes import current_actor
from ..extensions import db
from ..models import Partner, Project
from ..permissions import can_register_for, project_or_404, require, require_partner
from ..services import imports
from ..services.budget import categories_of, periods_of
from ..services.imports import COLUMNS, MAX_ROWS, ImportRejected
from .forms import ImportForm

bp = Blueprint("imports", __name__, url_prefix="/projects")

SHOWN_ERRORS = 1000  # a rejected file lists at most this many problems on the page
SHOWN_DUPLICATES = 15



def _download(data: bytes, mimetype: str, project: Project, extension: str) -> Response:
    safe_code = re.sub(r"[^A-Za-z0-9_-]", "_", project.code)
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="uitgaven-{safe_code}-sjabloon.{extension}"',
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
    more = f"; en nog {len(duplicates) - SHOWN_DUPLICATES}" if len(duplicates) > SHOWN_DUPLICATES else ""
    noun = "lijn heeft" if len(duplicates) == 1 else "lijnen hebben"
    return (f"Let op, mogelijke dubbele financiering: {len(duplicates)} {noun} dezelfde leverancier en hetzelfde "
            f"factuurnummer als een andere uitgave van het project: {shown}{more}.")


@bp.route("/<code>/partners/<int:partner_id>/expenditures/import", methods=["GET", "POST"])
@login_required
def upload(code, partner_id):
    project = project_or_404(current_user, code)
    partner = require_partner(current_user, db.session.get(Partner, partner_id), project)
    require(can_register_for(current_user, partner),
            "Alleen de partner zelf of een financieel medewerker registreert uitgaven.")
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
            noun = "uitgave" if result.count == 1 else "uitgaven"
            flash(f"{result.count} {noun} geïmporteerd (totaal {formatting.money(result.total)}).", "success")
            if result.duplicates:
                flash(_duplicates_message(result.duplicates), "warning")
            return redirect(url_for("expenditures.index", code=project.code, partner=partner.id))
    flat_rate_ids = {fr.category_id for fr in partner.flat_rates}
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", project=project, partner=partner, form=form, columns=COLUMNS,
                           categories=categories_of(project), periods=periods_of(project),
                           flat_rate_ids=flat_rate_ids, rejected=rejected, shown_errors=SHOWN_ERRORS,
                           max_rows=MAX_ROWS), status
