"""The review's UTC stamps for many times at once: "2026-11-23 14:05:09" and "2026-11-23 14:05".

An export writes a stamp for every timeline row (100,000 of them for a long incident), and
`strftime` or `isoformat` per row was a tenth of its time. Rows come in time order, so most
times fall in the same minute as the one before: the minute's text is made once, and each row
adds its seconds from a table. A time whose zone is not a fixed zero offset (an entry logged
`--at` with a local offset, or a time with no zone) takes the plain way, so every stamp is the
one the plain way writes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

from pydantic_core import TzInfo

from ic_console.review.text import utc_short

_MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)
#: ":00" to ":59".
_SECONDS = tuple(f":{second:02d}" for second in range(60))
#: Zones of a fixed offset: UTC itself, and the UTC of times read back by pydantic.
_FIXED = (timezone, TzInfo)


def stamp(when: datetime) -> str:
    """ "2026-11-24 22:18:00": the time in UTC, to the second (the plain way)."""
    text = when.isoformat(sep=" ", timespec="seconds")
    if text.endswith("+00:00"):
        return text[:-6]
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _is_utc(zone: tzinfo | None) -> bool:
    """Whether times in `zone` are UTC times, whatever the date."""
    return type(zone) in _FIXED and zone.utcoffset(None) == _ZERO  # type: ignore[union-attr]


class Stamps:
    """`stamp` and `utc_short` of times mostly in order, each minute's text made once."""

    __slots__ = ("_minute", "_start", "_stop", "_zone")

    def __init__(self) -> None:
        #: The UTC minute last asked about: [start, stop), and its text.
        self._start = datetime.min.replace(tzinfo=UTC)
        self._stop = self._start
        self._minute = ""
        #: The last zone found to be UTC (most times share one).
        self._zone: tzinfo | None = UTC

    def _utc(self, when: datetime) -> bool:
        """Whether `when` is a UTC time with a four-digit year (whose stamps the plain ways
        write as the fast ones do); the zone is remembered."""
        zone = when.tzinfo
        if zone is not self._zone:
            if not _is_utc(zone):
                return False
            self._zone = zone
        return when.year >= 1000

    def _move(self, when: datetime) -> None:
        """Make the window the minute of `when`, a UTC time."""
        start = when.replace(second=0, microsecond=0)
        self._start, self._stop = start, start + _MINUTE
        self._minute = when.isoformat(sep=" ", timespec="minutes")[:16]

    def short(self, when: datetime) -> str:
        """`utc_short(when)`: "2026-11-23 14:05"."""
        if not self._utc(when):
            return utc_short(when)
        if not self._start <= when < self._stop:
            self._move(when)
        return self._minute

    def seconds(self, whens: list[datetime]) -> list[str]:
        """`stamp` of each of `whens`."""
        out: list[str] = []
        append = out.append
        seconds = _SECONDS
        start, stop, minute, zone = self._start, self._stop, self._minute, self._zone
        for when in whens:
            if when.tzinfo is zone and start <= when < stop:
                append(minute + seconds[when.second])
            elif self._utc(when):
                if not start <= when < stop:
                    self._move(when)
                    start, stop, minute = self._start, self._stop, self._minute
                zone = self._zone
                append(minute + seconds[when.second])
            else:
                append(stamp(when))
        return out
