"""The scribe log pane: every entry and system line, newest at the bottom, smooth at any size.

Only the rows on screen are rendered (see `LineList`), and rendered rows are kept (an entry never
changes once written), so a log of 100,000 entries opens, scrolls and grows as fast as a log of
forty.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.message import Message

from ic_console.domain.log_rows import KIND_LABELS, LogRow
from ic_console.tui.text import TimeFormat, fit, literal, truncate
from ic_console.tui.widgets.line_list import LineList

TIME_WIDTH = 8
AUTHOR_WIDTH = 10
KIND_WIDTH = 9


class ScribeLog(LineList):
    """The log rows; the cursor picks one to read in full below the list."""

    COMPONENT_CLASSES: ClassVar[set[str]] = LineList.COMPONENT_CLASSES | {
        "scribe-log--time",
        "scribe-log--author",
        "scribe-log--system",
        "scribe-log--note",
        "scribe-log--action",
        "scribe-log--status",
        "scribe-log--followup",
        "scribe-log--decision",
        "scribe-log--occurred",
    }

    keeps_rows = True

    class Selected(Message):
        """The cursor is on `row` (None when the log is empty)."""

        def __init__(self, row: LogRow | None) -> None:
            super().__init__()
            self.row = row

    def __init__(
        self,
        times: TimeFormat,
        *,
        id: str | None = None,  # noqa: A002 (Textual's own name)
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.times = times
        #: Any sequence of rows: a list, or the live incident's rows, most of them decoded
        #: from the rows cache when drawn (so only the rows on screen are ever looked at).
        self.rows: Sequence[LogRow] = []
        #: The zone names' width while the clocks have changed during the incident (each row
        #: then names its zone: `follow_zone`), else 0.
        self._zone_width = 0

    def set_rows(self, rows: Sequence[LogRow]) -> None:
        """Show `rows` (kept, not copied: append to it and call `rows_added`)."""
        self.rows = rows
        self.forget_rows()
        self.set_row_count(len(rows), follow=True)
        self.cursor = len(rows) - 1

    def rows_changed(self) -> None:
        """The shown rows were changed in place (the log read again, or a merged fold gone
        back to a mark: a peer's line folded in its place): draw them anew. The cursor stays
        on its row number (a reader scrolled up stays where they were) unless it was on the
        last row, which it follows; the row under it is told again, as it may have moved."""
        self.forget_rows()
        self.set_row_count(len(self.rows), follow=True)
        cursor = self.cursor
        self.post_message(
            self.Selected(self.rows[cursor] if 0 <= cursor < len(self.rows) else None)
        )

    def rows_added(self) -> None:
        """More rows were appended to the shown list; follow them if the cursor was at the end."""
        self.set_row_count(len(self.rows), follow=True)

    def follow_zone(self, declared_at: datetime | None, now: datetime) -> None:
        """Name each row's zone while the clocks have changed (daylight saving) between the
        declaration and `now`: across New York's clocks going back the pane said "01:50:00"
        then "01:00:00", the hour after the change reading as the hour before. Every row, not
        only those unlike the header's zone: at 80 columns the header has no room for its zone.
        An incident inside one offset is drawn as it always was. Cheap enough for every second.
        """
        width = 0
        if declared_at is not None:
            declared, here = self.times.local(declared_at), self.times.local(now)
            if declared.utcoffset() != here.utcoffset():
                width = max(len(declared.tzname() or "local"), len(here.tzname() or "local"))
        if width != self._zone_width:
            self._zone_width = width
            self.forget_rows()  # kept rows were drawn with the other column
            self.refresh()

    def _zone_said(self, when: datetime) -> str:
        """ " EDT" while the clocks have changed during the incident, else ""."""
        return " " + self.times.zone_name(when) if self._zone_width else ""

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.post_message(self.Selected(self.rows[new] if 0 <= new < len(self.rows) else None))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"scribe-log--{name}", partial=True)

    def render_row(self, index: int, width: int, selected: bool) -> list[Segment]:
        row = self.rows[index]
        when = self.times.clock(row.recorded_at)
        if self._zone_width:
            # The clocks changed: one column, wide enough for a zone, so the rows stay in line.
            when = (when + self._zone_said(row.recorded_at)).ljust(len(when) + 1 + self._zone_width)
        kind_style = self._style("system" if row.system else row.kind)
        segments = [
            Segment(when.rjust(TIME_WIDTH) + " ", self._style("time")),
            Segment(
                fit(literal(row.author), AUTHOR_WIDTH) + " ",
                self._style("author"),
            ),
            Segment(KIND_LABELS.get(row.kind, row.kind).ljust(KIND_WIDTH) + " ", kind_style),
        ]
        used = len(when.rjust(TIME_WIDTH)) + 1 + AUTHOR_WIDTH + 1 + KIND_WIDTH + 1
        text = literal(row.text)
        if row.occurred_at is not None:
            happened = (
                f"(at {self.times.clock(row.occurred_at, seconds=False)}"
                f"{self._zone_said(row.occurred_at)}) "
            )
            segments.append(Segment(happened, self._style("occurred")))
            used += len(happened)
        segments.append(Segment(truncate(text, max(0, width - used)), kind_style))
        return segments
