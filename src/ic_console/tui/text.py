"""Showing what people typed, literally, and times in the reader's zone.

User text is never interpreted: no Rich or Textual markup, no terminal control sequences.
Control characters are replaced by visible stand-ins before anything reaches the screen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from ic_console.domain.durations import format_countdown
from ic_console.domain.text import literal

__all__ = [
    "TimeFormat",
    "copyable",
    "countdown",
    "literal",
    "literal_lines",
    "one_line",
    "truncate",
]


def literal_lines(text: str) -> list[str]:
    """`text` split on its own line breaks, each line made safe with `literal`."""
    return [literal(line) for line in text.splitlines()] or [""]


def copyable(sentences: list[str]) -> str:
    """The sentences as they are shown, safe to put on the clipboard: one line of text.

    Control characters become the visible stand-ins the screen shows (ESC as ␛), so a pasted
    sentence can never end a bracketed paste, press Enter or move the cursor in the terminal
    or chat it is pasted into. Line breaks inside a sentence become spaces.
    """
    return " ".join(filter(None, (one_line(sentence) for sentence in sentences)))


def one_line(text: str) -> str:
    """`text` on one safe line: its own lines (made literal) joined by single spaces."""
    return " ".join(line.strip() for line in literal_lines(text) if line.strip())


def truncate(text: str, width: int) -> str:
    """Cut `text` to `width` cells, ending in an ellipsis when cut."""
    from rich.cells import cell_len, set_cell_size

    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: cut as `truncate` does, padded with spaces. Cells, not
    characters: a name in CJK or with emoji takes two cells a character, and `str.ljust` padded
    it as one, pushing the columns after it out of line."""
    from rich.cells import cell_len

    cut = truncate(text, width)
    return cut + " " * max(0, width - cell_len(cut))


def local_time(when: datetime, zone: tzinfo | None = None) -> datetime:
    """`when` in `zone` (None: the machine's zone). A TZ the C library reads as a day or more
    off UTC ("UTC+99") is one Python refuses: the console stayed on its opening screen, each
    redraw failing. Such a time is shown in UTC."""
    try:
        return when.astimezone(zone)
    except (ValueError, OverflowError):
        return when.astimezone(UTC)


class TimeFormat:
    """Times in one zone, with dates once the incident has crossed midnight."""

    def __init__(self, zone: tzinfo | None = None, reference: date | None = None) -> None:
        self.zone = zone
        self.reference = reference

    def local(self, when: datetime) -> datetime:
        return local_time(when, self.zone)

    def zone_name(self, when: datetime) -> str:
        """The zone's short name at `when` ("UTC", "CET")."""
        return self.local(when).tzname() or "local"

    def clock(self, when: datetime, *, seconds: bool = True) -> str:
        """ "14:05:09", or "11-24 00:05:09" on a day other than the reference day."""
        local = self.local(when)
        text = local.strftime("%H:%M:%S" if seconds else "%H:%M")
        if self.reference is not None and local.date() != self.reference:
            text = f"{local:%m-%d} {text}"
        return text

    def reference_for(self, when: datetime | None) -> None:
        """Make `when` (the declaration) the day whose times need no date."""
        self.reference = self.local(when).date() if when is not None else None


def countdown(remaining: timedelta) -> str:
    """ "04:59" while time is left, "+01:12" once it has run out (counting up)."""
    if remaining.total_seconds() > 0:
        return format_countdown(remaining)
    return "+" + format_countdown(remaining)
