"""The postmortem due date: business days after resolution, weekends and holidays skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ic_console.domain.durations import business_days_after
from ic_console.domain.errors import DomainError
from ic_console.review.duedate import (
    DuePolicy,
    describe_policy,
    due_date,
    holiday_dates,
    parse_due_days,
)


def at(day: date, hour: int = 15) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


MONDAY = date(2026, 11, 16)
FRIDAY = date(2026, 11, 20)
SATURDAY = date(2026, 11, 21)
SUNDAY = date(2026, 11, 22)


def test_sev1_is_three_business_days_and_sev2_five() -> None:
    assert due_date(at(MONDAY), 1) == date(2026, 11, 19)  # Thursday
    assert due_date(at(MONDAY), 2) == date(2026, 11, 23)  # next Monday


def test_weekends_are_skipped() -> None:
    assert due_date(at(FRIDAY), 1) == date(2026, 11, 25)  # Mon, Tue, Wed
    assert due_date(at(SATURDAY), 1) == date(2026, 11, 25)
    assert due_date(at(SUNDAY), 1) == date(2026, 11, 25)
    assert due_date(at(FRIDAY), 2) == date(2026, 11, 27)


def test_resolution_date_is_taken_in_utc() -> None:
    late_friday = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert due_date(late_friday, 1) == date(2026, 11, 25)


def test_holidays_of_the_given_country_are_skipped() -> None:
    # US Thanksgiving is Thursday 26 November 2026.
    assert date(2026, 11, 26) in holiday_dates("US", range(2026, 2027))
    assert due_date(at(FRIDAY), 2, DuePolicy(holiday_country="US")) == date(2026, 11, 30)
    assert due_date(at(FRIDAY), 2, DuePolicy(holiday_country="GB")) == date(2026, 11, 27)


def test_holidays_across_the_new_year() -> None:
    # Resolved on Wednesday 30 December 2026: 1 January 2027 is a holiday in Germany.
    resolved = at(date(2026, 12, 30))
    assert due_date(resolved, 1) == date(2027, 1, 4)
    assert due_date(resolved, 1, DuePolicy(holiday_country="DE")) == date(2027, 1, 5)


def test_subdivision_calendar() -> None:
    # Epiphany (6 January) is a holiday in Bavaria but not in Berlin.
    resolved = at(date(2027, 1, 5))
    assert due_date(resolved, 1, DuePolicy(holiday_country="DE-BY")) == date(2027, 1, 11)
    assert due_date(resolved, 1, DuePolicy(holiday_country="DE-BE")) == date(2027, 1, 8)


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(DomainError, match="not a country"):
        due_date(at(MONDAY), 1, DuePolicy(holiday_country="XX"))


def test_other_severities_and_unresolved_incidents_have_no_due_date() -> None:
    assert due_date(at(MONDAY), 3) is None
    assert due_date(None, 1) is None


def test_day_counts_are_configurable() -> None:
    policy = DuePolicy(days=parse_due_days(["1=1", "3=10"]))
    assert due_date(at(FRIDAY), 1, policy) == date(2026, 11, 23)
    assert due_date(at(FRIDAY), 2, policy) == date(2026, 11, 27)  # default kept
    assert due_date(at(FRIDAY), 3, policy) == date(2026, 12, 4)
    assert "10 business days" in describe_policy(3, policy)
    assert describe_policy(4, policy) == "no due date is set for SEV-4"


@pytest.mark.parametrize("bad", ["1", "x=3", "6=2", "1=-1", "2=99"])
def test_bad_due_day_rules_are_refused(bad: str) -> None:
    with pytest.raises(DomainError, match="SEVERITY=DAYS"):
        parse_due_days([bad])


def test_business_days_after_never_lands_on_a_weekend_or_holiday() -> None:
    skip = {date(2026, 11, 26)}
    for offset in range(14):
        start = MONDAY + timedelta(days=offset)
        for days in range(1, 6):
            due = business_days_after(start, days, skip)
            assert due.weekday() < 5 and due not in skip
