"""Evidence documents: upload to an expenditure, download (scoped to who may see the expenditure)."""
from flask import Blueprint, flash, redirect, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import MultipleFileField

from ..auth.routes import current_actor
from ..errors import DomainError, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..i18n import ngettext
from ..models import Expenditure
from ..permissions import project_or_404, require_visible
from ..services import documents

bp = Blueprint("documents", __name__, url_prefix="/projects")


class EvidenceUploadForm(FlaskForm):
    files = MultipleFileField(_l("Evidence files"))



@bp.post("/<code>/expenditures/<int:expenditure_id>/documents")
@login_required
def upload(code, expenditure_id):
    project = project_or_404(current_user, code)
    exp = require_visible(current_user, db.session.get(Expenditure, expenditure_id), project)
    detail = url_for("expenditures.detail", code=project.code, expenditure_id=exp.id)
    form = EvidenceUploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(detail)
    # A file input left empty still sends one part, without a file name (a FileStorage is falsy then); a
    # part whose file name is only a line break arrives as text, not as a file: neither is an upload.
    files = [f for f in (form.files.data or []) if isinstance(f, FileStorage) and f]
    try:
        links = documents.attach(current_actor(), current_user, exp, files)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(detail)
    db.session.commit()
    flash(ngettext("%(num)d piece of evidence added.", "%(num)d pieces of evidence added.", len(links)), "success")
    return redirect(detail)


@bp.get("/<code>/documents/<int:link_id>")
@login_required
def download(code, link_id):
    project = project_or_404(current_user, code)
    path, content_type, download_name, sha256 = documents.download(current_actor(), current_user, project, link_id)
    db.session.commit()
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=download_name,
                         etag=sha256, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-cache"  # evidence never sits in a shared cache
    return response
