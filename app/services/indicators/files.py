"""The progress report as a file (XLSX or PDF, Dutch or English), for whoever sees the project's indicators;
every download is an event of the audit trail, as for every statement."""
from __future__ import annotations

import hashlib

from flask_babel import force_locale

from reports.formatting import LANGUAGES
from reports.indicators import progress_pdf, progress_xlsx
from reports.statements import Header

from ...errors import DomainError, NotFound
from ...i18n import gettext as _
from ...models import Project, User
from ...models.types import utcnow
from ...permissions import can_see_indicators, role_label
from .. import audit
from ..audit import Actor
from ..statements.anchor import anchor
from .progress import progress_report

FORMATS = ("xlsx", "pdf")


def make(actor: Actor, user: User, project: Project, fmt: str, lang: str, generated_by: str) -> tuple[str, bytes]:
    """(file name, content) of the progress report; the download is recorded."""
    if not can_see_indicators(user, project):
        raise NotFound()
    if fmt not in FORMATS:
        raise DomainError(_("Unknown format %(fmt)s; choose xlsx or pdf.", fmt=fmt[:10]))
    if lang not in LANGUAGES:
        raise DomainError(_("Unknown language %(lang)s; choose nl or en.", lang=lang[:10]))
    now = utcnow()
    with force_locale(lang):
        header = Header(project.programme.name, project.code, project.name, now, generated_by, anchor())
        data = progress_report(user, project, header)
        content = progress_xlsx(data, lang) if fmt == "xlsx" else progress_pdf(data, lang)
    name = f"{project.code}_indicator-progress_{now.date().isoformat()}.{fmt}"
    audit.record(actor, "statement.downloaded", role=role_label(user, project), object_type="project",
                 object_id=project.id, project_id=project.id, after={
                     "statement": "indicator-progress", "format": fmt, "lang": lang, "filename": name,
                     "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
                     "indicators": [i.code for i in data.indicators]})
    return name, content
