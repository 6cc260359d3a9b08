"""The local time zone with its rules, for turning a typed "14:05" into an instant.

Like `SystemClock`, this is where the domain meets the machine: a fixed UTC offset taken from
today (what `datetime.now().astimezone()` gives) is an hour wrong for a time on the other side
of a daylight-saving change, so the zone is looked up by name (`$TZ`, else the
`/etc/localtime` link) and only falls back to today's offset when no name can be found.

A `$TZ` that is not a zone name (a POSIX rule such as `EST5EDT,M3.2.0,M11.1.0`, or nonsense)
is still what the C library shows every time in; `/etc/localtime` is not, so a typed "08:30"
read there would land hours away from the "08:30" the screen shows. Such a `$TZ` takes the C
library's offset for today instead.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def system_zone() -> tzinfo:
    """The machine's local zone, with its daylight-saving rules when they can be found."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            return offset_zone()
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
