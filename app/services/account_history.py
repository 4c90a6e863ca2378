"""How the audit trail names the events of accounts and sign-ins (used by app/services/history.py)."""
from __future__ import annotations

from ..i18n import gettext as _


def labels() -> dict[str, str]:
    return {
        "auth.second_factor_failed": _("wrong second-factor code"),
        "access.denied": _("access refused"),
        "user.password_changed": _("password changed"),
        "user.password_reset": _("password reset by an admin"),
        "user.deactivated": _("account deactivated"),
        "user.reactivated": _("account reactivated"),
        "user.second_factor_enrolled": _("second factor set up"),
        "user.recovery_code_used": _("recovery code used"),
        "user.recovery_codes_renewed": _("new recovery codes"),
    }


def _denied(b, a, n):
    return _("HTTP %(status)s on %(method)s %(path)s.", status=a.get("status", ""), method=a.get("method", ""),
             path=a.get("path", ""))


def _recovery(b, a, n):
    return _("Recovery codes left: %(count)s.", count=a.get("left", ""))


def _quiet(b, a, n):
    return ""


DESCRIBERS = {
    "access.denied": _denied, "user.recovery_code_used": _recovery, "auth.login": _quiet,
    "user.second_factor_enrolled": _quiet, "user.password_changed": _quiet, "user.password_reset": _quiet,
    "user.deactivated": _quiet, "user.reactivated": _quiet,
}
