"""A timebox typed twice over ("5m5m", a slip on a bridge call) is refused, not read as ten
minutes; and a refusal quotes back only the start of what was typed, so a pasted page or a
5,000-digit number still gets a one-line message that says what to do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ic_console.domain.durations import parse_duration, parse_when
from ic_console.domain.errors import DomainError

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("5m5m", "minutes"),
        ("5 min 5 min", "minutes"),
        ("1h 2h", "hours"),
        ("30s 1m 10s", "seconds"),
    ],
)
def test_a_unit_given_twice_is_refused(typed: str, unit: str) -> None:
    with pytest.raises(DomainError, match=f"gives the {unit} twice"):
        parse_duration(typed)


@pytest.mark.parametrize(
    ("typed", "seconds"), [("1h30m", 5400), ("2m1h", 3720), ("1h 2m 3s", 3723)]
)
def test_each_unit_once_still_adds_up(typed: str, seconds: int) -> None:
    assert parse_duration(typed).total_seconds() == seconds


def test_how_long_ago_with_a_unit_twice_is_refused_too() -> None:
    with pytest.raises(DomainError, match=r'^"-5m5m" gives the minutes twice: give how long ago'):
        parse_when("-5m5m", now=NOW)


@pytest.mark.parametrize(
    "typed",
    ["9" * 5000 + "m", "9" * 5000, "x" * 5000, "5" + "m" * 5000, "1:" + "9" * 5000],
    ids=["digits-unit", "digits", "letters", "unit", "clock"],
)
def test_a_long_timebox_is_quoted_short(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_duration(typed)
    message = str(refused.value)
    assert len(message) < 300 and "…" in message and "\n" not in message, message


@pytest.mark.parametrize(
    "typed",
    ["-" + "9" * 5000 + "m", "x" * 5000, "2026-" + "1" * 5000],
    ids=["ago", "letters", "date"],
)
def test_a_long_time_is_quoted_short(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_when(typed, now=NOW)
    message = str(refused.value)
    assert len(message) < 300 and "…" in message, message
    assert not message.startswith("The timebox"), message  # said as a time, not a timebox
