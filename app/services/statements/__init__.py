"""Statements for people (claim statement, verification certificate, project financial report, audit-trail
extract): the data gathered from the database in :mod:`.claims`, :mod:`.project` and :mod:`.trail`, made
and audited in :mod:`.produce`, run in the background by :mod:`.jobs`; the builders live in reports/."""
from __future__ import annotations

from reports import statements

from ...i18n import current_language
from ...i18n import gettext as _

CHAIN = "chain-verification"  # the kind of a background job that verifies the audit chain


def title(kind: str) -> str:
    """The name of a statement (or of a verification of the chain) in the request's language: the title the
    statement's file carries, so a page, the history and the file name it alike."""
    if kind == CHAIN:
        return _("Verification of the audit chain")
    if kind == "indicator-progress":  # app/services/indicators/files.py
        return _("Progress report")
    return statements.title(kind, current_language())
