"""Time is injected: the domain never reads a clock of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that says what time it is, always as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to; for tests, snapshots and demos."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = ensure_utc(start or datetime(2026, 11, 23, 14, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0, *, delta: timedelta | None = None) -> datetime:
        self._now += delta if delta is not None else timedelta(seconds=seconds)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = ensure_utc(when)


def ensure_utc(when: datetime) -> datetime:
    """Return `when` as an aware UTC datetime; naive values are taken to be UTC."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
