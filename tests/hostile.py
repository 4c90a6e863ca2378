"""What an attacker (or a clumsy user) types, as hypothesis strategies; and how a test sees that a request
was refused: a message for the user, and no row stored anywhere."""
from __future__ import annotations

import html
import re
from datetime import date

from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.money import MoneyError, parse_money

BIG_IDS = ["2147483648", "99999999999999999999", "9" * 40, "1e20", "-1", "0", "²", "١٢", "0x10", "1.0", "1_0"]


def row_counts() -> dict[str, int]:
    """Rows per table as committed. The test client shares the test's session: what a request flushed
    without committing is rolled back first, as the end of a real request would."""
    db.session.rollback()
    counts = {t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
              for t in db.metadata.sorted_tables}
    db.session.rollback()  # on SQLite every transaction holds the write lock: end this one
    return counts


_MESSAGE = re.compile(r'<p class="(?:flash flash-error|error)"[^>]*>(.*?)</p>', re.S)
_ERROR_PAGE = re.compile(r'<h1>[^<]*</h1>\s*<p>(.*?)</p>\s*<p><a href="/">', re.S)


def messages(client, response) -> list[str]:
    """The error messages the user sees for this response: on its page, or on the page it redirects to
    (flashed there)."""
    if response.status_code in (301, 302, 303):
        response = client.get(response.headers["Location"])
    text = response.get_data(as_text=True)
    found = _MESSAGE.findall(text) + (_ERROR_PAGE.findall(text) if response.status_code >= 400 else [])
    return [html.unescape(m).strip() for m in found]


def _is_money(text: str, allow_negative: bool = False) -> bool:
    try:
        parse_money(text, allow_negative=allow_negative)
    except (MoneyError, ValueError):
        return False
    return True


def with_nul(max_size: int = 20):
    """Text with a NUL character somewhere in it."""
    return st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=max_size), st.text(max_size=max_size))


blank = st.text(alphabet=" \t\r\n\u00a0\u2003", min_size=1, max_size=4)


def too_long(limit: int):
    """Text of more than ``limit`` characters, none of them spaces at the ends."""
    return st.builds(lambda core, extra: ("x" + core * (limit // max(len(core), 1) + 1) + "x")[: limit + 1 + extra],
                     st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1,
                             max_size=8),
                     st.integers(0, 40))


def huge_amount():
    """Amounts past any programme, up to far past what decimal's 28-digit context can quantize."""
    return st.one_of(
        st.integers(min_value=14, max_value=60).map(lambda n: "1" * n),
        st.integers(min_value=10**13, max_value=10**45).map(str),
        st.integers(min_value=13, max_value=400).map(lambda e: f"1e{e}"),
        st.sampled_from(["1" * 30, "1" * 27 + ",00", "-" + "9" * 30, "NaN", "Infinity", "-Infinity", "sNaN", "1e300"]),
    )


def bad_amount(allow_negative: bool = False):
    """Anything that is not an amount: huge, blank, NUL, or random text that does not parse."""
    garbage = st.text(max_size=30).filter(lambda s: s.strip() and "\x00" not in s
                                          and not _is_money(s, allow_negative))
    return st.one_of(huge_amount(), blank, with_nul(), garbage)


def bad_id():
    """Not an id of anything: too large for the database, not a plain number, or with a NUL."""
    return st.one_of(st.sampled_from(BIG_IDS), st.integers(min_value=2**31, max_value=2**80).map(str),
                     with_nul(5), st.text(alphabet="0123456789e.-+_ ²³١", min_size=1, max_size=25)
                     .filter(lambda s: not _small_int(s)))


def _small_int(text: str) -> bool:
    """What int() reads as an id that may exist ("+3", " 7", "١" all count: WTForms' coerce=int takes them)."""
    try:
        return 0 < int(text) < 100_000
    except ValueError:
        return False


def bad_date():
    return st.one_of(st.sampled_from(["99999-01-01", "2020-13-01", "2020-02-30", "0000-00-00", "31-12-2020x",
                                      "-1", "1e20", "2020-01-01\x00"]),
                     with_nul(10), st.text(max_size=20).filter(lambda s: not re.fullmatch(r"\d{4}-\d\d-\d\d", s)))


def _iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def bad_iso_date():
    """Not a date that ``date.fromisoformat`` reads (the audit-trail filter's dates), and not blank (a blank
    date there means "no limit")."""
    return bad_date().filter(lambda s: s.strip() and not _iso_date(s))


def not_one_of(*allowed: str, max_size: int = 20):
    """A value that is none of the choices a field offers (a select or radio button tampered with)."""
    return st.one_of(with_nul(5), st.text(max_size=max_size).filter(lambda s: s.strip() not in allowed))


def bad_text(limit: int | None, required: bool = True):
    """Text that a field refuses: with a NUL, too long (where the field has a limit), or blank (where it
    is required)."""
    options = [with_nul()]
    if limit:
        options.append(too_long(limit))
    if required:
        options.append(blank)
    return st.one_of(*options)
