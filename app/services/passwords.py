"""The password rule: at least 12 characters, and not a common password.

Common means: in the list shipped with the code (app/data/common-passwords.txt, the 10,000 most common
passwords), also when written in capitals or with digits and punctuation added before or after
(``Password1234!``, ``2024iloveyou``); a repeated pattern (``aaaaaaaaaaaa``, ``abcabcabcabc``,
``121212121212``); or the user's own e-mail name. Shared by the password forms, the admin's user form and
``flask create-user``."""
from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

from ..errors import DomainError
from ..i18n import gettext as _

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
COMMON_LIST = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
_EDGES = string.digits + string.punctuation + " "


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _repeats(password: str) -> bool:
    """One short unit repeated (aaaa..., abcabc..., 1212...), or hardly any different characters."""
    if len(set(password)) <= 3:
        return True
    return re.fullmatch(r"(.{1,6}?)\1+.{0,5}", password, re.S) is not None


def problem(password: str, email: str | None = None) -> str | None:
    """Why this password may not be used, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("A password has at least %(length)s characters.", length=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("A password has at most %(length)s characters.", length=MAX_PASSWORD_LENGTH)
    if "\x00" in password:
        return _("The password contains an invisible NUL character.")
    lowered = password.lower()
    stem = lowered.strip(_EDGES)
    common = common_passwords()
    if lowered in common or (len(stem) >= 4 and stem in common) or _repeats(lowered):
        return _("This password is too common or too easy to guess. Choose a longer phrase of several words.")
    name = (email or "").split("@")[0].lower()
    if len(name) >= 4 and name in lowered:
        return _("A password may not contain your e-mail address.")
    return None


def check(password: str, email: str | None = None) -> None:
    """Raise DomainError with the reason when the password may not be used."""
    reason = problem(password, email)
    if reason:
        raise DomainError(reason)
