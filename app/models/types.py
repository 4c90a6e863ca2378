"""Column types shared by the models."""
from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator

_clock: ContextVar[list[datetime] | None] = ContextVar("cofund_clock", default=None)


def utcnow() -> datetime:
    """The current time in UTC: the real time, or inside :func:`clock_at` the time that block sets."""
    fixed = _clock.get()
    if fixed is None:
        return datetime.now(UTC)
    fixed[0] += timedelta(seconds=1)  # each step a second later, so events keep their order
    return fixed[0]


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Run a block as if it happened at ``moment`` (timezone-aware): the demo seed tells its story on the
    dates of the project's periods. Only ever used for demo data and tests."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime; use timezone-aware UTC")
    token = _clock.set([moment.astimezone(UTC)])
    try:
        yield
    finally:
        _clock.reset(token)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """An enum stored as its value in a VARCHAR with a CHECK constraint (portable, easy to migrate)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
