"""Timeboxes and times as people type them, and as the screens show them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ic_console.domain.durations import (
    MAX_TIMEBOX,
    business_days_after,
    format_countdown,
    format_duration,
    parse_duration,
    parse_when,
    whole_minutes,
)
from ic_console.domain.errors import DomainError

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
#: A fixed local zone, so no test depends on the machine's.
BERLIN_WINTER = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5m", timedelta(minutes=5)),
        ("20 min", timedelta(minutes=20)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("90s", timedelta(seconds=90)),
        ("1:30", timedelta(hours=1, minutes=30)),
        ("0:45", timedelta(minutes=45)),
        ("1.5h", timedelta(hours=1, minutes=30)),
        ("  10 Minutes ", timedelta(minutes=10)),
        ("2 hours", timedelta(hours=2)),
        ("12h", MAX_TIMEBOX),
    ],
)
def test_parse_duration_accepts(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", 'The timebox "0" is zero'),
        ("0m", 'The timebox "0m" is zero'),
        ("0:00", 'The timebox "0:00" is zero'),
        ("-5m", 'The timebox "-5m" is negative'),
        ("5", 'The timebox "5" has no unit: did you mean "5m"?'),
        ("99h", 'The timebox "99h" is longer than 12h: split the work'),
        ("13:00", "is longer than 12h"),
        ("abc", 'The timebox "abc" is not a duration'),
        ("5m and a bit", "is not a duration"),
        ("5 parsecs", 'has an unknown unit "parsecs"'),
        ("1:75", "minutes and seconds go up to 59"),
        ("   ", "The timebox is empty"),
    ],
)
def test_parse_duration_refuses_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_duration(text)
    assert message in str(caught.value)
    # Every refusal shows how to write one properly, or why the value cannot be a timebox.
    assert '"5m"' in str(caught.value) or "follow-up" in str(caught.value)


def test_parse_duration_maximum_is_adjustable() -> None:
    assert parse_duration("30h", maximum=timedelta(days=2)) == timedelta(hours=30)
    with pytest.raises(DomainError, match="longer than 1h"):
        parse_duration("90m", maximum=timedelta(hours=1))


def test_parse_when_iso_with_and_without_zone() -> None:
    assert parse_when("2026-11-23T13:05Z", now=NOW) == datetime(2026, 11, 23, 13, 5, tzinfo=UTC)
    assert parse_when("2026-11-23T14:05+01:00", now=NOW) == datetime(
        2026, 11, 23, 13, 5, tzinfo=UTC
    )
    # No zone: taken as local time.
    assert parse_when("2026-11-23T14:05", now=NOW, local_zone=BERLIN_WINTER) == datetime(
        2026, 11, 23, 13, 5, tzinfo=UTC
    )


def test_parse_when_local_clock_time() -> None:
    # 14:00 UTC is 15:00 in Berlin; "14:50" local is 13:50 UTC today.
    assert parse_when("14:50", now=NOW, local_zone=BERLIN_WINTER) == datetime(
        2026, 11, 23, 13, 50, tzinfo=UTC
    )


def test_parse_when_clock_time_later_than_now_means_yesterday() -> None:
    after_midnight = datetime(2026, 11, 24, 0, 10, tzinfo=UTC)
    assert parse_when("23:55", now=after_midnight, local_zone=UTC) == datetime(
        2026, 11, 23, 23, 55, tzinfo=UTC
    )


def test_parse_when_relative() -> None:
    assert parse_when("-10m", now=NOW) == NOW - timedelta(minutes=10)
    assert parse_when("-1h30m", now=NOW) == NOW - timedelta(hours=1, minutes=30)
    assert parse_when("-90s", now=NOW) == NOW - timedelta(seconds=90)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The time is empty"),
        ("yesterday-ish", "is not a time"),
        ("25:00", "is not a time of day"),
        ("-0m", "is zero"),
        ("-5", "has no unit"),
    ],
)
def test_parse_when_refuses(text: str, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_when(text, now=NOW, local_zone=UTC)
    assert message in str(caught.value)


def test_parse_when_always_returns_utc() -> None:
    parsed = parse_when("12:00", now=NOW, local_zone=BERLIN_WINTER)
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=0), "00:00"),
        (timedelta(seconds=59), "00:59"),
        (timedelta(minutes=4, seconds=5), "04:05"),
        (timedelta(minutes=-4, seconds=-5), "04:05"),
        (timedelta(hours=1, minutes=2, seconds=3), "1:02:03"),
        (timedelta(hours=12), "12:00:00"),
        (timedelta(seconds=299.9), "04:59"),
    ],
)
def test_format_countdown(delta: timedelta, shown: str) -> None:
    assert format_countdown(delta) == shown


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=5), "5m"),
        (timedelta(minutes=5, seconds=30), "5m 30s"),
        (timedelta(minutes=25, seconds=30), "25m"),
        (timedelta(hours=1, minutes=30), "1h 30m"),
        (timedelta(hours=2), "2h"),
        (timedelta(days=2, hours=3), "2d 3h"),
        (timedelta(days=7), "7d"),
    ],
)
def test_format_duration(delta: timedelta, shown: str) -> None:
    assert format_duration(delta) == shown


def test_whole_minutes_never_below_one() -> None:
    assert whole_minutes(timedelta(seconds=10)) == 1
    assert whole_minutes(timedelta(minutes=19, seconds=40)) == 20


def test_business_days_after_skips_weekends() -> None:
    friday = date(2026, 11, 27)
    assert business_days_after(friday, 1) == date(2026, 11, 30)  # Monday
    assert business_days_after(friday, 3) == date(2026, 12, 2)  # Wednesday
    monday = date(2026, 11, 23)
    assert business_days_after(monday, 5) == date(2026, 11, 30)
    assert business_days_after(monday, 0) == monday


def test_business_days_after_skips_holidays() -> None:
    wednesday = date(2026, 12, 23)
    holidays = {date(2026, 12, 24), date(2026, 12, 25)}
    assert business_days_after(wednesday, 1, holidays) == date(2026, 12, 28)
    assert business_days_after(wednesday, 3, frozenset(holidays)) == date(2026, 12, 30)
