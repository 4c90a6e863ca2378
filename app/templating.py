"""Jinja filters and globals: how amounts, percentages, times and audit events are shown."""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user

from .money import format_money, format_percent
from .permissions import visible_partner_ids

LOCAL_TZ = ZoneInfo("Europe/Brussels")  # the projects' time zone (Flanders and the Netherlands)
ACTION_LABELS = {
    "claim.created": "declaratie aangemaakt", "claim.lines_added": "uitgaven toegevoegd",
    "claim.line_removed": "lijn verwijderd", "claim.submitted": "ingediend",
    "claim.verification_started": "verificatie gestart", "claim.line_verified": "lijn geverifieerd",
    "claim.line_parked": "lijn geparkeerd", "claim.returned": "teruggestuurd", "claim.certified": "gecertificeerd",
}


def local(moment, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """A UTC timestamp in local time."""
    return moment.astimezone(LOCAL_TZ).strftime(fmt) if moment else ""


def details(event) -> str:
    """The changed fields of an audit event, readable: 'deduction: 400.00; error_type: ...'."""
    data = json.loads(event.after) if event.after else {}
    return "; ".join(f"{k}: {v}" for k, v in data.items()
                     if k not in ("status", "categories") and v not in (None, "", []))


def share(part, whole) -> str:
    """part as a percentage of whole, one decimal, rounded half-up, Dutch notation ('44,3%')."""
    if not whole:
        return ""
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct}%".replace(".", ",")


def sees_all_partners(project) -> bool:
    """Whether the current user sees every partner of the project (not a partner user): for example,
    which other expenditure carries the same invoice."""
    return visible_partner_ids(current_user, project) is None


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(money=format_money, percent=format_percent, local=local, details=details,
                                 share=share, action_label=lambda action: ACTION_LABELS.get(action, action))
    app.jinja_env.globals["sees_all_partners"] = sees_all_partners
