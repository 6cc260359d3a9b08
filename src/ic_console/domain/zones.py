"""The local time zone with its rules, for turning a typed "14:05" into an instant.

Like `SystemClock`, this is where the domain meets the machine: a fixed UTC offset taken from
today (what `datetime.now().astimezone()` gives) is an hour wrong for a time on the other side
of a daylight-saving change, so the zone is looked up by name (`$TZ`, else the
`/etc/localtime` link) and only falls back to today's offset when no name can be found.

A `$TZ` that is not a zone name (a POSIX rule such as `EST5EDT,M3.2.0,M11.1.0`, or nonsense)
is still what the C library shows every time in; `/etc/localtime` is not, so a typed "08:30"
read there would land hours away from the "08:30" the screen shows. Such a `$TZ` is the C
library's own local time, asked for each instant (`CLibraryZone`): its rule's daylight-saving
changes included, where today's offset would be an hour off for half the year.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def system_zone() -> tzinfo:
    """The machine's local zone, with its daylight-saving rules when they can be found."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            return CLibraryZone()
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        target = ""
    marker = "zoneinfo/"
    if marker in target:
        try:
            return ZoneInfo(target.split(marker, 1)[1])
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return offset_zone()


def offset_zone() -> tzinfo:
    """The zone the C library gives for now (its offset, no rules), or UTC when it cannot give
    one (`TZ=UTC+99`, an offset out of range, makes `astimezone` raise)."""
    try:
        return datetime.now().astimezone().tzinfo or UTC
    except (OverflowError, ValueError, OSError):
        return UTC


_EPOCH = datetime(1970, 1, 1)


class CLibraryZone(tzinfo):
    """The C library's local time (what `time.localtime` gives under `$TZ`), asked for each
    instant: a POSIX rule's daylight-saving changes as the screen shows them, the hour that
    comes twice told apart by `fold` as `zoneinfo` does. Where the C library cannot say (a
    year outside its range), its standard offset."""

    def _local(self, moment: datetime) -> time.struct_time | None:
        wall = (
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
            moment.weekday(),
            0,
        )
        try:
            stamps = []
            for isdst in (1, 0):  # the wall time in summer time, then in standard time
                stamp = time.mktime((*wall, isdst))
                local = time.localtime(stamp)
                if tuple(local)[:6] == wall[:6] and local.tm_isdst == isdst:
                    stamps.append(stamp)
            if not stamps:  # in the hour skipped when the clocks go forward
                return time.localtime(time.mktime((*wall, -1)))
            stamps.sort()
            return time.localtime(stamps[-1] if moment.fold and len(stamps) > 1 else stamps[0])
        except (OverflowError, ValueError, OSError):
            return None

    def utcoffset(self, dt: datetime | None) -> timedelta:
        local = self._local(dt) if dt is not None else None
        return timedelta(seconds=local.tm_gmtoff if local is not None else -time.timezone)

    def dst(self, dt: datetime | None) -> timedelta:
        local = self._local(dt) if dt is not None else None
        if local is None or local.tm_isdst <= 0:
            return timedelta(0)
        return timedelta(seconds=time.timezone - time.altzone)

    def tzname(self, dt: datetime | None) -> str:
        local = self._local(dt) if dt is not None else None
        return local.tm_zone if local is not None else time.tzname[0]

    def fromutc(self, dt: datetime) -> datetime:
        try:
            local = time.localtime((dt.replace(tzinfo=None) - _EPOCH).total_seconds())
        except (OverflowError, ValueError, OSError):
            return dt - timedelta(seconds=time.timezone)
        wall = dt + timedelta(seconds=local.tm_gmtoff)
        first = self._local(wall)
        if first is not None and first.tm_gmtoff != local.tm_gmtoff:
            wall = wall.replace(fold=1)  # the second time this wall clock reads so
        return wall

    def __repr__(self) -> str:
        return "CLibraryZone()"
