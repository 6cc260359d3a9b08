"""Parsing and showing durations and points in time, the way people type and read them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ic_console.domain.errors import DomainError
from ic_console.domain.zones import offset_zone

#: The longest timebox a task may be given. Longer work is a follow-up item, not a task on the call.
MAX_TIMEBOX = timedelta(hours=12)

_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    # Days only make sense for how long ago something happened (`--at -2d`); a timebox of a day
    # is refused by MAX_TIMEBOX with its own message.
    "d": 86400,
    "day": 86400,
    "days": 86400,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

DURATION_HELP = 'a number with a unit, like "5m", "20 min", "90s" or "1h30m"'

#: Each unit's kind, by its length in seconds, as a refusal names it.
_UNIT_NAMES = {1: "seconds", 60: "minutes", 3600: "hours", 86400: "days"}
#: What a refusal quotes back of what was typed, at most: the start says which field it was.
_SHOWN = 40


def _shown(text: str) -> str:
    """`text` as a refusal quotes it: stripped, and cut when long (a pasted page, a
    5,000-digit number) so that the message stays one line that says what to do."""
    stripped = text.strip()
    return stripped if len(stripped) <= _SHOWN else stripped[: _SHOWN - 1] + "…"


def parse_duration(text: str, *, maximum: timedelta = MAX_TIMEBOX) -> timedelta:
    """Parse a timebox such as "5m", "20 min", "1h30m" or "1:30" (hours:minutes).

    Refuses zero, negative, unit-less and absurdly long values with a message that says why.
    """
    raw = text.strip().lower()
    shown = _shown(text)
    if not raw:
        raise DomainError(f"The timebox is empty: give {DURATION_HELP}.")
    if raw.startswith("-"):
        raise DomainError(f'The timebox "{shown}" is negative: give {DURATION_HELP}.')
    clock = _CLOCK.match(raw)
    if clock:
        hours, minutes, secs = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        if minutes > 59 or secs > 59:
            raise DomainError(
                f'The timebox "{shown}" is not hours:minutes: minutes and seconds go '
                f"up to 59. Give {DURATION_HELP}."
            )
        seconds = hours * 3600 + minutes * 60 + secs
    else:
        if re.fullmatch(r"\d+(?:\.\d+)?", raw):
            if float(raw) == 0:
                raise DomainError(f'The timebox "{shown}" is zero: give {DURATION_HELP}.')
            raise DomainError(
                f'The timebox "{shown}" has no unit: did you mean "{_shown(raw + "m")}"? '
                f"Give {DURATION_HELP}."
            )
        seconds_f = 0.0
        position = 0
        given: set[int] = set()
        for match in _PART.finditer(raw):
            if raw[position : match.start()].strip():
                break
            number, unit = match.groups()
            if unit not in _UNITS:
                raise DomainError(
                    f'The timebox "{shown}" has an unknown unit "{_shown(unit)}": '
                    f"use s, m or h, as in {DURATION_HELP}."
                )
            if _UNITS[unit] in given:  # "5m5m": a slip of the fingers, not ten minutes
                raise DomainError(
                    f'The timebox "{shown}" gives the {_UNIT_NAMES[_UNITS[unit]]} twice: '
                    f"give each once, as in {DURATION_HELP}."
                )
            given.add(_UNITS[unit])
            seconds_f += float(number) * _UNITS[unit]
            position = match.end()
        if position == 0 or raw[position:].strip():
            raise DomainError(f'The timebox "{shown}" is not a duration: give {DURATION_HELP}.')
        if seconds_f > maximum.total_seconds():  # also infinity, from a 400-digit number
            seconds_f = maximum.total_seconds() + 1
        seconds = round(seconds_f)
    if seconds <= 0:
        raise DomainError(f'The timebox "{shown}" is zero: give {DURATION_HELP}.')
    if seconds > maximum.total_seconds():
        raise DomainError(
            f'The timebox "{shown}" is longer than {format_duration(maximum)}: '
            "split the work, or log it as a follow-up item instead."
        )
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """A short human duration: "45s", "5m", "1h 30m", "2d 3h"."""
    return format_seconds(int(abs(delta.total_seconds())))


def format_seconds(total: int) -> str:
    """`format_duration` of a count of seconds, any size: a stored timebox may exceed what a
    timedelta can hold, and must still be shown rather than crash the reader."""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m {seconds}s" if seconds and minutes < 10 else f"{minutes}m"
    return f"{seconds}s"


def format_countdown(delta: timedelta) -> str:
    """A countdown as mm:ss (or h:mm:ss past an hour), without a sign; the caller says which way."""
    total = int(abs(delta.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


def whole_minutes(delta: timedelta) -> int:
    """Minutes as a person would say them aloud: rounded, never below one."""
    return max(1, round(delta.total_seconds() / 60))


#: How far back "-10m" (how long ago) may reach: as far as a log entry may (7 days).
AGO_LIMIT = timedelta(days=7)
AGO_HELP = (
    'give how long ago with a unit, like "-10m", "-2h" or "-2d", a local "HH:MM", or an ISO-8601 '
    "time (2026-11-23T14:05Z)"
)
#: How long before an incident was declared a log entry may say it happened: what led up to it
#: (the first alert, the deploy) is part of the record; days earlier is a typing mistake.
BEFORE_DECLARATION = timedelta(hours=24)

#: How far from now a typed time may be: further is a typing mistake, and far enough
#: (year 1 or 9999) would overflow when turned into UTC or shown.
MAX_DISTANCE = timedelta(days=3660)


def parse_when(
    text: str,
    *,
    now: datetime,
    local_zone: tzinfo | None = None,
    within: timedelta | None = MAX_DISTANCE,
    yesterday: bool = True,
) -> datetime:
    """Parse when something happened: ISO-8601, a local "HH:MM", or a relative "-10m".

    A local clock time later than now is taken to mean yesterday (noticed after midnight);
    `describe_day` says so before it is recorded. With `yesterday=False` (a script, which cannot
    be asked) such a time is refused instead, naming the explicit forms. Local times are resolved
    by the zone's rules for that date: one that does not exist or happens twice (a
    daylight-saving change) is refused with both candidates named. Times further than `within`
    from now are refused. Returns an aware UTC datetime; every failure is a DomainError.
    """
    raw = text.strip()
    shown = _shown(raw)
    if not raw:
        raise DomainError('The time is empty: give an ISO-8601 time, a local "HH:MM" or "-10m".')
    zone = local_zone or offset_zone()
    try:
        # A log entry's "-10m" reaches back at most AGO_LIMIT; with no limit on the distance
        # (a filter over months of incidents: `ic list --since -30d`) neither has "-30d".
        limit = AGO_LIMIT if within is not None else None
        result = _parse_when(raw, now, zone, yesterday=yesterday, ago_limit=limit)
    except (OverflowError, ValueError):
        result = None
    if result is None:
        raise DomainError(f'"{shown}" is out of range: give a time after year 1 and before 9999.')
    if within is not None and abs(result - now) > within:
        raise DomainError(
            f'"{shown}" is too far from now: give a time within {within.days // 365} years.'
        )
    return result


def _parse_when(
    raw: str,
    now: datetime,
    zone: tzinfo,
    *,
    yesterday: bool = True,
    ago_limit: timedelta | None = AGO_LIMIT,
) -> datetime:
    shown = _shown(raw)
    if raw.startswith("-"):
        return now - _parse_ago(raw, ago_limit)
    clock = _CLOCK.match(raw)
    if clock:
        hours, minutes, seconds = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        if hours > 23 or minutes > 59 or seconds > 59:
            raise DomainError(f'"{shown}" is not a time of day: use HH:MM, like "14:05".')
        local_now = now.astimezone(zone)
        day = local_now.date()
        if datetime.combine(day, time(hours, minutes, seconds)) > (
            local_now.replace(tzinfo=None) + timedelta(minutes=1)
        ):
            if not yesterday:
                typed = f"{hours:02d}:{minutes:02d}"
                raise DomainError(
                    f'"{raw}" is later than now ({local_now:%H:%M}): log what has happened. '
                    f"If you meant {typed} yesterday, give the date: "
                    f"{day - timedelta(days=1)}T{typed}."
                )
            day -= timedelta(days=1)
        return resolve_local(datetime.combine(day, time(hours, minutes, seconds)), zone)
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise DomainError(
            f'"{shown}" is not a time: give an ISO-8601 time (2026-11-23T14:05Z), '
            'a local "HH:MM", or how long ago, like "-10m".'
        ) from None
    if parsed.tzinfo is None:
        return resolve_local(parsed, zone)
    return parsed.astimezone(UTC)


def _parse_ago(raw: str, limit: timedelta | None = AGO_LIMIT) -> timedelta:
    """ "-10m", "-2h", "-2d": how long ago, at most AGO_LIMIT, in the words of times."""
    shown = _shown(raw)
    body = raw[1:].strip()
    if not body:
        raise DomainError(f'"{shown}" is not a time: {AGO_HELP}.')
    try:
        delta = parse_duration(body, maximum=timedelta(days=36600))
    except DomainError as error:
        # The duration's own reason ("is zero", "has no unit"), in the words of a time.
        reason = str(error).split(": ")[0].replace(f'The timebox "{_shown(body)}"', f'"{shown}"')
        raise DomainError(f"{reason}: {AGO_HELP}.") from None
    if limit is not None and delta > limit:
        raise DomainError(
            f'"{shown}" is more than {AGO_LIMIT.days} days ago: a log entry may reach back at most '
            f"{AGO_LIMIT.days} days. Check the number and its unit."
        )
    return delta


def check_before_declaration(occurred: datetime, declared_at: datetime | None) -> None:
    """Refuse a time more than BEFORE_DECLARATION before the incident was declared."""
    if declared_at is None or occurred >= declared_at - BEFORE_DECLARATION:
        return
    hours = int(BEFORE_DECLARATION.total_seconds() // 3600)
    raise DomainError(
        f"That time is {format_duration(declared_at - occurred)} before the incident was "
        f"declared: a log entry may be at most {hours} hours earlier than the declaration. "
        "Check the date, or log it as a note without --at."
    )


def resolve_local(naive: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time in `zone` as UTC, by the zone's rules for that date.

    Refuses, naming both candidates, a time skipped when the clocks go forward and a time that
    happens twice when they go back."""
    early = naive.replace(tzinfo=zone, fold=0)
    late = naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early.astimezone(UTC)
    first, second = sorted((early.astimezone(UTC), late.astimezone(UTC)))
    shown = f"{naive:%H:%M} on {naive:%Y-%m-%d}"
    if early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise DomainError(
            f"{shown} does not exist in this time zone (the clocks went forward): "
            f"say {_at(first, zone)} or {_at(second, zone)}."
        )
    raise DomainError(
        f"{shown} happens twice in this time zone (the clocks went back): say which, as "
        f"{first:%Y-%m-%dT%H:%MZ} ({_at(first, zone)}) or "
        f"{second:%Y-%m-%dT%H:%MZ} ({_at(second, zone)})."
    )


def _at(instant: datetime, zone: tzinfo) -> str:
    local = instant.astimezone(zone)
    return f"{local:%H:%M} {local.tzname() or ''}".strip()


def describe_day(when: datetime, now: datetime, zone: tzinfo | None = None) -> str:
    """ "23:59", "yesterday 23:59" or "2026-03-27 23:59": the day a typed time will mean."""
    local, today = when.astimezone(zone), now.astimezone(zone)
    clock = f"{local:%H:%M}"
    if local.date() == today.date():
        return clock
    if local.date() == today.date() - timedelta(days=1):
        return f"yesterday {clock}"
    return f"{local:%Y-%m-%d} {clock}"


def business_days_after(
    start: date, days: int, skip: frozenset[date] | set[date] = frozenset()
) -> date:
    """The date `days` business days after `start`, skipping weekends and the given holidays."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in skip:
            remaining -= 1
    return current
