"""When the postmortem is due: a number of business days after resolution.

The default policy is SEV-1 within three business days and SEV-2 within five; other severities
have no set due date unless configured. Weekends are skipped, and so are public holidays when a
country code is given (from the `holidays` package, never a hand-made list).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ic_console.domain.durations import business_days_after
from ic_console.domain.errors import DomainError

#: Business days from resolution to the postmortem being due, by severity.
DEFAULT_DUE_DAYS: dict[int, int] = {1: 3, 2: 5}


@dataclass(frozen=True)
class DuePolicy:
    """How due dates are worked out: days per severity and an optional holiday calendar."""

    days: Mapping[int, int] = field(default_factory=lambda: dict(DEFAULT_DUE_DAYS))
    #: ISO 3166 country code (optionally "CC-SUBDIV", like "US-CA" or "DE-BY").
    holiday_country: str | None = None


def holiday_dates(country: str, years: range) -> frozenset[date]:
    """Public holidays of `country` in `years`; a clear error for an unknown code."""
    import holidays

    code, _, subdiv = country.strip().upper().partition("-")
    try:
        calendar = holidays.country_holidays(code, subdiv=subdiv or None, years=list(years))
    except NotImplementedError:
        raise DomainError(
            f'"{country}" is not a country the holiday calendar knows: use an ISO 3166 code '
            'such as "US", "GB" or "DE" (or "US-CA" for a state).'
        ) from None
    return frozenset(calendar.keys())


def due_date(
    resolved: datetime | None, severity: int, policy: DuePolicy | None = None
) -> date | None:
    """The date the postmortem is due, or None when the policy sets none for `severity` or the
    incident is not resolved. The resolution date is taken in UTC, like every stored time."""
    rule = policy or DuePolicy()
    days = rule.days.get(severity)
    if resolved is None or days is None:
        return None
    start = resolved.astimezone(UTC).date()
    skip: frozenset[date] = frozenset()
    if rule.holiday_country:
        # Generous span: even 30 business days with a fortnight of holidays fit in two years.
        skip = holiday_dates(rule.holiday_country, range(start.year, start.year + 2))
    return business_days_after(start, days, skip)


def describe_policy(severity: int, policy: DuePolicy | None = None) -> str:
    """One line saying how the due date was set, for the draft."""
    rule = policy or DuePolicy()
    days = rule.days.get(severity)
    if days is None:
        return f"no due date is set for SEV-{severity}"
    where = (
        f", skipping weekends and {rule.holiday_country.upper()} public holidays"
        if (rule.holiday_country)
        else ", skipping weekends"
    )
    return f"SEV-{severity}: {days} business days after resolution{where}"


def parse_due_days(items: list[str]) -> dict[int, int]:
    """`["1=3", "2=5", "3=10"]` as a policy table on top of the defaults."""
    table = dict(DEFAULT_DUE_DAYS)
    for item in items:
        level, sep, days = item.partition("=")
        try:
            severity, count = int(level.strip().upper().removeprefix("SEV-")), int(days)
        except ValueError:
            severity, count = 0, -1
        if not sep or severity not in range(1, 6) or count < 0 or count > 60:
            raise DomainError(
                f'"{item}" is not a due-days rule: write SEVERITY=DAYS, like "1=3" or "3=10" '
                "(severity 1-5, 0-60 business days)."
            )
        table[severity] = count
    return table
