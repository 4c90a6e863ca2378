"""Keyset pagination: a page is "the N rows after (or before) this position" in a stable order whose last key
is unique, so a page costs what it shows (no OFFSET, no sort of the whole filtered set when an index gives
the order), and a row inserted between two requests neither repeats nor hides a row of the next page.

The position travels in the URL as ``after=<token>`` or ``before=<token>``; the token is the keys of the
boundary row, e.g. ``2024-05-03_12345``. Tokens are parsed by the list's own key types: anything that does
not parse is no position (the first page), never an error.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, or_

from ..guards import MAX_ID

FIRST, LAST = "first", "last"


@dataclass(frozen=True)
class Key:
    """One key of the order: a column, whether it sorts descending, and how its token part is parsed."""

    column: object
    descending: bool = False
    kind: str = "int"  # int | date | money | str


def _parse(kind: str, raw: str):
    if kind == "int":
        text = raw.lstrip("-")
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            raise ValueError(raw)
        value = int(raw)
        if abs(value) > MAX_ID * 1000:
            raise ValueError(raw)
        return value
    if kind == "date":
        return date.fromisoformat(raw)
    if kind == "money":
        if len(raw) > 20:
            raise ValueError(raw)
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError(raw) from None
        if not value.is_finite():
            raise ValueError(raw)
        return value.quantize(Decimal("0.01"))
    if len(raw) > 200 or "\x00" in raw:
        raise ValueError(raw)
    return raw


def _format(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def encode(values: Sequence) -> str:
    return "_".join(_format(v) for v in values)


def decode(keys: Sequence[Key], token: str | None) -> tuple | None:
    """The key values of a token, or None when it is absent or does not parse."""
    if not token:
        return None
    parts = token.split("_", len(keys) - 1)
    if len(parts) != len(keys):
        return None
    try:
        return tuple(_parse(k.kind, p) for k, p in zip(keys, parts, strict=True))
    except ValueError:
        return None


def _beyond(keys: Sequence[Key], values: tuple, forward: bool):
    """Rows strictly after ``values`` in the order (forward) or strictly before it: the lexicographic
    comparison written out, so that keys may mix ascending and descending."""
    clauses = []
    for i, key in enumerate(keys):
        later = (key.column < values[i]) if key.descending == forward else (key.column > values[i])
        equal = [keys[j].column == values[j] for j in range(i)]
        clauses.append(and_(*equal, later))
    return or_(*clauses)


def _order(keys: Sequence[Key], forward: bool) -> list:
    return [k.column.desc() if k.descending == forward else k.column.asc() for k in keys]


@dataclass
class Page:
    rows: list
    next_token: str | None  # ``after=`` of the next page, None on the last page
    prev_token: str | None  # ``before=`` of the previous page, None on the first page

    @property
    def first(self) -> bool:
        return self.prev_token is None

    @property
    def last(self) -> bool:
        return self.next_token is None


def keyset(execute: Callable[[object], list], query, keys: Sequence[Key], value_of: Callable[[object], tuple],
           size: int, after: str | None = None, before: str | None = None, position: str | None = None) -> Page:
    """One page of ``query`` in the order of ``keys``: after the row of token ``after``, before the row of
    token ``before``, the last page (``position='last'``) or else the first. ``execute`` runs a select and
    returns its rows; ``value_of`` gives a row's key values. One query (two when a page before the first
    row is asked for: then the first page is shown)."""
    start = decode(keys, after)
    end = decode(keys, before) if start is None else None
    forward = not (end is not None or (start is None and position == LAST))
    bound = start if forward else end
    q = query.where(_beyond(keys, bound, forward)) if bound is not None else query
    rows = execute(q.order_by(*_order(keys, forward)).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
        if end is not None and not more and len(rows) < size:
            # fewer rows than a page before the position: show the first page instead
            return keyset(execute, query, keys, value_of, size)
        prev_token = encode(value_of(rows[0])) if more and rows else None
        next_token = encode(value_of(rows[-1])) if rows and (end is not None) else None
        return Page(rows, next_token, prev_token)
    if start is not None and not rows:  # past the last row (a stale position): the last page
        return keyset(execute, query, keys, value_of, size, position=LAST)
    next_token = encode(value_of(rows[-1])) if more and rows else None
    prev_token = encode(value_of(rows[0])) if rows and start is not None else None
    return Page(rows, next_token, prev_token)
