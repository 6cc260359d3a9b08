"""The review timeline as a list that renders only the rows on screen.

A reviewed incident can hold 100,000 entries; a `DataTable` builds a row object for each before
the first paint (seconds, and hundreds of megabytes). This list, on the console's `LineList`,
renders the visible rows from the entries themselves, so opening and filtering cost no more
than the filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from rich.segment import Segment
from rich.style import Style

from ic_console.review.text import duration
from ic_console.review.timeline import TimelineEntry
from ic_console.tui.text import fit, literal, truncate
from ic_console.tui.widgets.line_list import LineList

WHEN_WIDTH = 14
KIND_WIDTH = 10
WHO_WIDTH = 16
LATE_WIDTH = 6


def late_label(entry: TimelineEntry) -> str:
    """ "+15m" when an entry was recorded after it happened."""
    late = entry.recorded_late
    return f"+{duration(late)}" if late is not None and late > timedelta(0) else ""


class TimelineList(LineList):
    """When, kind, who, how late it was recorded, and what: one line per entry."""

    empty_text = "Nothing matches the filters. Press Escape to clear them."

    def __init__(
        self,
        stamp: Callable[[datetime], str],
        *,
        id: str | None = None,  # noqa: A002
        when_width: int = WHEN_WIDTH,
    ) -> None:
        super().__init__(id=id)
        self.stamp = stamp
        #: The "When" column's width: wider when each stamp names its zone (the clocks changed).
        self.when_width = max(WHEN_WIDTH, when_width)
        self.entries: Sequence[TimelineEntry] = ()
        self._stripe = Style(dim=True)

    def show(self, entries: Sequence[TimelineEntry]) -> None:
        self.entries = entries
        self.set_row_count(len(entries))

    @staticmethod
    def header(zone: str, when_width: int = WHEN_WIDTH) -> str:
        return (
            f"{'When (' + zone + ')':<{max(WHEN_WIDTH, when_width)}} {'Kind':<{KIND_WIDTH}} "
            f"{'Who':<{WHO_WIDTH}} {'Late':<{LATE_WIDTH}} What"
        )

    def row_text(self, index: int, width: int = 400) -> str:
        """The row as plain text (what a person reads on that line)."""
        return "".join(segment.text for segment in self.render_row(index, width, False))

    def render_row(self, index: int, width: int, selected: bool) -> list[Segment]:
        entry = self.entries[index]
        cells = (
            f"{self.stamp(entry.when):<{self.when_width}} "
            f"{entry.kind.value:<{KIND_WIDTH}} "
            f"{fit(literal(entry.actor), WHO_WIDTH)} "
            f"{late_label(entry):<{LATE_WIDTH}} "
        )
        what = truncate(literal(entry.text), max(0, width - len(cells)))
        return [Segment(cells, self._stripe if index % 2 else None), Segment(what)]
