"""Breadcrumbs for every page, worked out from the page's blueprint, so a page added later gets them too:
Dashboard › Projects › the project › its section (claims, expenditures, …) › the page."""
from __future__ import annotations

from flask import request, url_for

from .i18n import lazy_gettext as _l

# blueprint -> (the section's name, the endpoint of its list page); a page of another blueprint of a project
# goes straight under the project
SECTIONS = {
    "projects": (_l("Budget overview"), "projects.overview"),
    "expenditures": (_l("Expenditures"), "expenditures.index"),
    "imports": (_l("Expenditures"), "expenditures.index"),
    "documents": (_l("Expenditures"), "expenditures.index"),
    "claims": (_l("Claims"), "claims.index"),
    "payments": (_l("Payments"), "payments.index"),
    "fund": (_l("Small-grants fund"), "fund.index"),
    "audit": (_l("Audit trail"), "audit.trail_page"),
}


def breadcrumbs(project, title: str) -> list[tuple[str, str | None]]:
    """(name, link) from the dashboard to the page itself (no link: the current page)."""
    here = title.split(" – ")[0].strip()
    trail: list[tuple[str, str | None]] = [(str(_l("Dashboard")), url_for("index"))]
    if project is None or not getattr(project, "code", None):
        if request.endpoint != "index":
            trail.append((here, None))
        return trail
    trail.append((str(_l("Projects")), url_for("projects.index")))
    if request.endpoint == "projects.overview":
        return [*trail, (project.code, None)]
    trail.append((project.code, url_for("projects.overview", code=project.code)))
    section = SECTIONS.get(request.blueprint or "")
    if section and section[1] != request.endpoint and section[1] != "projects.overview":
        trail.append((str(section[0]), url_for(section[1], code=project.code)))
    return [*trail, (here, None)]
