"""Making a statement: which one (:class:`Spec`, the same for a download, a background job and the CLI),
who may have it, the data gathered in the statement's language, the file built, the download audited."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from flask_babel import force_locale
from sqlalchemy import func, select

from reports.formatting import LANGUAGES
from reports.statements import FORMATS, KINDS, Header, build, file_name

from ...errors import DomainError, NotFound, OutOfScope, PermissionDenied
from ...extensions import db
from ...guards import db_id
from ...i18n import gettext as _
from ...models import Claim, ClaimLine, Project, User
from ...models.claim import FINAL_STATES
from ...models.types import utcnow
from ...permissions import can_download_certificate, can_download_claim_statement, can_export_project, role_label
from .. import audit
from ..audit import Actor
from ..fund.register import personal_data_rule
from . import claims, trail
from . import fund as fund_data
from . import project as project_data
from .anchor import anchor

CLAIM_KINDS = ("claim-statement", "certificate")
INLINE_KINDS = (*CLAIM_KINDS, "fund-register")  # made in the request, downloaded at once (no background job)


@dataclass(frozen=True)
class Spec:
    """Which statement: its kind, format and language, and its selectors (a claim; a date; the events)."""

    kind: str
    fmt: str
    lang: str
    claim_id: int | None = None
    at: date | None = None
    events: dict[str, str] = field(default_factory=dict)  # the audit trail's filter, as query values
    fund_filters: dict[str, str] = field(default_factory=dict)  # the fund register's filters, as query values
    personal: bool = True  # the fund register: contact persons where the reader may see them (False: none)

    @classmethod
    def parse(cls, kind: str, fmt: str, lang: str, claim: str | int | None = None, at: str | date | None = None,
              events: dict | None = None, fund_filters: dict | None = None, personal: bool = True) -> Spec:
        """Check the selectors; DomainError says what is wrong (for a page, a job or the command line)."""
        if kind not in KINDS:
            raise DomainError(_("Unknown statement %(kind)s; choose one of %(kinds)s.", kind=kind,
                                kinds=", ".join(KINDS)))
        if fmt not in FORMATS:
            raise DomainError(_("Unknown format %(fmt)s; choose xlsx or pdf.", fmt=fmt))
        if lang not in LANGUAGES:
            raise DomainError(_("Unknown language %(lang)s; choose nl or en.", lang=lang))
        claim_id = None
        if kind in CLAIM_KINDS:
            try:
                claim_id = db_id(claim if claim is not None else "")
            except ValueError:
                raise DomainError(_("A %(kind)s needs a claim number (--claim).", kind=kind)) from None
        elif claim is not None:
            raise DomainError(_("A %(kind)s is not about one claim: leave out the claim number.", kind=kind))
        day = None
        if kind == "financial-report":
            if isinstance(at, date):
                day = at
            elif at:
                try:
                    day = date.fromisoformat(str(at))
                except ValueError:
                    raise DomainError(_("The date %(value)s is not a date (YYYY-MM-DD).", value=str(at)[:20])) from None
            else:
                day = utcnow().date()
        elif at is not None:
            raise DomainError(_("Only the financial report is made at a date: leave out the date."))
        values = {}
        if kind == "audit-extract":
            flt, errors = trail.TrailFilter.from_values(events or {})
            if errors:
                raise DomainError(" ".join(errors))
            values = flt.as_values()
        elif events:
            raise DomainError(_("Only the audit-trail extract selects events: leave out the event filters."))
        register_values = {}
        if kind == "fund-register":
            register_values = _register_values(fund_filters or {})
        elif fund_filters:
            raise DomainError(_("Only the fund register selects actions: leave out the register's filters."))
        return cls(kind, fmt, lang, claim_id, day, values, register_values, bool(personal))

    def to_json(self) -> str:
        data = asdict(self)
        data["at"] = self.at.isoformat() if self.at else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Spec:
        data = json.loads(text)
        data["at"] = date.fromisoformat(data["at"]) if data.get("at") else None
        return cls(**data)

    @property
    def filter(self) -> trail.TrailFilter:
        return trail.TrailFilter.from_values(self.events)[0]


def _register_values(given: dict) -> dict[str, str]:
    """The register's filters, checked: a value the register does not know is an error here (the page and
    its download links pass only known ones), not silently no filter."""
    values = {k: str(v).strip() for k, v in given.items() if v is not None and str(v).strip()}
    unknown = sorted(set(values) - set(fund_data.FILTER_FIELDS))
    if unknown:
        raise DomainError(_("Unknown filter %(name)s; the register filters on %(names)s.", name=unknown[0],
                            names=", ".join(fund_data.FILTER_FIELDS)))
    known = fund_data.filter_values(fund_data.filters_from(values))
    for name, value in values.items():
        if known.get(name) != value:
            raise DomainError(_("The register cannot filter on %(name)s %(value)s.", name=name, value=value[:40]))
    return known


def claim_for(user: User | None, project: Project, spec: Spec) -> Claim:
    """The claim a claim statement is about, if the user may have it; otherwise 404 (ids are not probed)."""
    claim = claims.claim_with_details(spec.claim_id)
    if claim is None or claim.project_id != project.id:
        raise NotFound(_("Claim #%(id)s does not exist in project %(project)s.", id=spec.claim_id,
                         project=project.code))
    if user is not None and not can_download_claim_statement(user, claim):
        raise OutOfScope(_("Claim #%(id)s does not exist in project %(project)s.", id=spec.claim_id,
                           project=project.code), "claim", claim.id, project.id)
    if spec.kind == "certificate" and claim.status not in FINAL_STATES:
        raise DomainError(_("Claim #%(id)s is not certified: a verification certificate is made once it is.",
                            id=claim.id))
    if spec.kind == "certificate" and user is not None and not can_download_certificate(user, claim):
        raise NotFound(_("Claim #%(id)s does not exist in project %(project)s.", id=spec.claim_id,
                         project=project.code))
    return claim


def check(user: User | None, project: Project, spec: Spec) -> Claim | None:
    """May the user have this statement? (None: the operator on the command line, who may have all.)"""
    if spec.kind in CLAIM_KINDS:
        return claim_for(user, project, spec)
    if spec.kind == "fund-register":
        fund_data.fund_for(user, project)  # every member sees the register (404 without a fund)
        return None
    if user is not None and not can_export_project(user, project):
        raise PermissionDenied(_("Only finance officers, auditors and administrators make project-wide "
                                 "statements."))
    return None


def rows_to_write(project: Project, spec: Spec) -> int:
    """How many rows the statement's long table will have (for a progress bar)."""
    if spec.kind == "audit-extract":
        return trail.count(project, spec.filter)
    if spec.kind in CLAIM_KINDS:
        return db.session.scalar(select(func.count()).select_from(ClaimLine)
                                 .where(ClaimLine.claim_id == spec.claim_id)) or 0
    return 0


def make(user: User | None, project: Project, spec: Spec, generated_by: str,
         progress: Callable[[int], None] | None = None,
         release: Callable[[], None] | None = None) -> tuple[str, bytes]:
    """The statement's file name and bytes, in the statement's language. ``release`` (a background job's
    commit) ends the read transaction once the data is read, before the file is laid out: on SQLite every
    transaction holds the write lock."""
    claim = check(user, project, spec)
    now = utcnow()
    with force_locale(spec.lang):
        header = Header(project.programme.name, project.code, project.name, now, generated_by, anchor())
        if spec.kind == "claim-statement":
            data = claims.claim_statement(user, claim, header)
        elif spec.kind == "certificate":
            data = claims.certificate(user, claim, header)
        elif spec.kind == "financial-report":
            data = project_data.financial_report(project, spec.at, header)
        elif spec.kind == "fund-register":
            data = fund_data.register_statement(user, project, spec.fund_filters, header, spec.personal)
        elif spec.kind == "corrections-register":
            from ..corrections.register import corrections_register
            data = corrections_register(project, header)
        else:
            data = trail.audit_extract(project, spec.filter, header, release)
        if release is not None and spec.kind in ("financial-report", "fund-register"):
            release()  # read whole; the claim statements stream their lines while the file is written
        content = build(spec.kind, spec.fmt, data, spec.lang, progress)
    return name_of(project, spec, claim, now.date()), content


def name_of(project: Project, spec: Spec, claim: Claim | None, made_on: date) -> str:
    if claim is not None:
        parts = [f"PP{claim.partner.number}-{claim.partner.name}", str(claim.id)]
    elif spec.kind == "financial-report":
        parts = [spec.at.isoformat()]
    elif spec.kind == "fund-register":
        parts = [spec.fund_filters[k] if k != "call" else f"call-{spec.fund_filters[k]}"
                 for k in fund_data.FILTER_FIELDS if k in spec.fund_filters]
    else:
        flt = spec.filter
        parts = [f"{flt.object_type}-{flt.object_id}" if flt.object_id else flt.object_type or "",
                 f"{flt.date_from or ''}-{flt.date_to or ''}" if flt.date_from or flt.date_to else ""]
    return file_name(project.code, spec.kind, parts, made_on, spec.fmt)


def record_download(actor: Actor, user: User | None, project: Project, spec: Spec, filename: str,
                    content: bytes) -> None:
    """Every download of a statement is an event of the audit trail (of the claim, or of the project)."""
    object_type, object_id = ("claim", spec.claim_id) if spec.claim_id else ("project", project.id)
    if spec.kind == "fund-register":
        object_type, object_id = "fund", fund_data.fund_for(None, project).id
    after = {"statement": spec.kind, "format": spec.fmt, "lang": spec.lang, "filename": filename,
             "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    if spec.at:
        after["at"] = spec.at
    if spec.events:
        after["events"] = spec.events
    if spec.kind == "fund-register":
        after["filters"] = spec.fund_filters
        after["personal_data"] = spec.personal and (user is None or personal_data_rule(user, fund_data.fund_for(
            None, project)) is not False)
    audit.record(actor, "statement.downloaded", role=role_label(user, project) if user else "",
                 object_type=object_type, object_id=object_id, project_id=project.id, after=after)
