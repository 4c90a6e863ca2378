"""The audit trail of a project for people: filtered by date range, user, action and object, a page at a
time on the server, each event in words; and the same selection as an audit-trail extract."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import distinct, func, select

from reports.statements import AuditExtract, AuditScope, EventRow, Header

from ...extensions import db
from ...guards import db_id
from ...i18n import gettext as _
from ...models import AuditEvent, Project, User
from .. import history
from ..paging import Key, Page, keyset
from .anchor import covering_checkpoint
from .project import end_of_day

PAGE_SIZE = 50
BATCH = 1000
# The kinds of object a project's events are about (each named in reports/labels.py).
OBJECT_TYPES = ("claim", "expenditure", "payment_request", "budget_line", "partner", "project", "reporting_period",
                "membership", "expenditure_import", "fund", "fund_call", "fund_action")


def _id_or_none(raw: str) -> int | None:
    """A database id from a filter value (app/guards.py: ASCII digits, within INTEGER), else None."""
    try:
        return db_id(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class TrailFilter:
    date_from: date | None = None
    date_to: date | None = None
    user_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None

    @classmethod
    def from_values(cls, values) -> tuple[TrailFilter, list[str]]:
        """From a query string or CLI options (strings); what cannot be read is left out, with a message."""
        errors: list[str] = []

        def day(name: str, label: str) -> date | None:
            raw = (values.get(name) or "").strip()
            if not raw:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                errors.append(_("The %(field)s %(value)s is not a date (YYYY-MM-DD).",
                                field=label, value=raw[:20]))
                return None

        date_from, date_to = day("from", _("start date")), day("to", _("end date"))
        if date_from and date_to and date_from > date_to:
            errors.append(_("The start date lies after the end date; the dates were swapped."))
            date_from, date_to = date_to, date_from
        user_raw = (values.get("user") or "").strip()
        user_id = _id_or_none(user_raw)
        if user_raw and user_id is None:
            errors.append(_("Choose a user from the list."))
        action = (values.get("action") or "").strip() or None
        if action and action not in history.action_labels():
            errors.append(_("Choose an action from the list."))
            action = None
        object_type = (values.get("object_type") or "").strip() or None
        object_id = (values.get("object_id") or "").strip() or None
        if object_type and object_type not in OBJECT_TYPES:
            errors.append(_("Choose a kind of object from the list."))
            object_type = object_id = None
        if object_id and _id_or_none(object_id) is None:
            errors.append(_("An object number is a whole number."))
            object_id = None
        if object_id and not object_type:
            errors.append(_("Choose the kind of object for object number %(id)s.", id=object_id))
            object_id = None
        return cls(date_from, date_to, user_id, action, object_type, object_id), errors

    def as_values(self) -> dict[str, str]:
        """The filter as query-string values (for paging links and the extract)."""
        names = {"date_from": "from", "date_to": "to", "user_id": "user"}
        return {names.get(k, k): (v.isoformat() if isinstance(v, date) else str(v))
                for k, v in asdict(self).items() if v is not None}

    def conditions(self, project: Project) -> list:
        where = [AuditEvent.project_id == project.id]
        if self.date_from:
            where.append(AuditEvent.occurred_at >= end_of_day(self.date_from - timedelta(days=1)))
        if self.date_to:
            where.append(AuditEvent.occurred_at < end_of_day(self.date_to))
        if self.user_id is not None:
            where.append(AuditEvent.user_id == self.user_id)
        if self.action:
            where.append(AuditEvent.action == self.action)
        if self.object_type:
            where.append(AuditEvent.object_type == self.object_type)
        if self.object_id:
            where.append(AuditEvent.object_id == self.object_id)
        return where


@dataclass
class TrailPage:
    entries: list[history.Entry]
    page: Page
    total: int


TRAIL_KEYS = [Key(AuditEvent.seq, descending=True)]


def count(project: Project, flt: TrailFilter) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(*flt.conditions(project))) or 0


def trail_page(project: Project, flt: TrailFilter, after: str | None = None, before: str | None = None,
               position: str | None = None) -> TrailPage:
    """One page of events, newest first (keyset on the sequence number): a count and one page query (plus
    one for the names)."""
    page = keyset(lambda q: list(db.session.scalars(q)), select(AuditEvent).where(*flt.conditions(project)),
                  TRAIL_KEYS, lambda e: (e.seq,), PAGE_SIZE, after, before, position)
    return TrailPage(history.entries(page.rows), page, count(project, flt))


def trail_users(project: Project) -> list[tuple[int, str, str]]:
    """The users with events in the project: (id, name, e-mail), for the filter."""
    ids = select(distinct(AuditEvent.user_id)).where(AuditEvent.project_id == project.id,
                                                     AuditEvent.user_id.is_not(None))
    return list(db.session.execute(select(User.id, User.full_name, User.email).where(User.id.in_(ids))
                                   .order_by(User.full_name)).tuples())


def _events(project: Project, flt: TrailFilter, release: Callable[[], None] | None) -> Iterator[EventRow]:
    """The events in batches by sequence number (a fresh query per batch, so the job may commit its
    progress between them), each in words."""
    last = 0
    conditions = flt.conditions(project)
    while True:
        batch = list(db.session.scalars(select(AuditEvent).where(*conditions, AuditEvent.seq > last)
                                        .order_by(AuditEvent.seq).limit(BATCH)))
        if not batch:
            if release is not None:
                release()
            return
        last = batch[-1].seq
        rows = [EventRow(e.seq, e.occurred_at, e.who, e.email, e.role, e.what, e.sentence, e.object_type,
                         e.object_id, e.hash) for e in history.entries(batch)]
        for event in batch:  # keep memory flat over 100,000 events
            db.session.expunge(event)
        if release is not None:
            release()
        yield from rows


def audit_extract(project: Project, flt: TrailFilter, header: Header,
                  release: Callable[[], None] | None = None) -> AuditExtract:
    first, last, total = db.session.execute(select(func.min(AuditEvent.seq), func.max(AuditEvent.seq), func.count())
                                            .where(*flt.conditions(project))).one()
    user = db.session.get(User, flt.user_id) if flt.user_id is not None else None
    scope = AuditScope(flt.date_from, flt.date_to, f"{user.full_name} ({user.email})" if user else None,
                       history.action_labels().get(flt.action, flt.action) if flt.action else None,
                       flt.object_type, flt.object_id)
    return AuditExtract(header, scope, total, first, last, covering_checkpoint(last), _events(project, flt, release))


def budget_history(partner) -> list[history.Entry]:
    """The history of a partner's budget: the partner's own events and those of its budget lines."""
    from sqlalchemy import String, and_, cast, or_

    from ...models import BudgetLine
    lines = select(cast(BudgetLine.id, String)).where(BudgetLine.partner_id == partner.id)
    return history.entries(db.session.scalars(select(AuditEvent).where(
        AuditEvent.project_id == partner.project_id,
        or_(and_(AuditEvent.object_type == "partner", AuditEvent.object_id == str(partner.id)),
            and_(AuditEvent.object_type == "budget_line", AuditEvent.object_id.in_(lines))))
        .order_by(AuditEvent.seq)))
