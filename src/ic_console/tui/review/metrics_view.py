"""The review's metrics tab as one scrolling view that renders only the lines on screen.

A busy incident has thousands of tasks, decisions and observations. Built as one Rich `Group`
in a `Static`, every row became `Text` objects when the screen was composed and every line was
rendered when the tab was first shown: 35 seconds and 150 MB more on a 100,000-event incident
with 10,000 tasks. Here the tab is a list of sections, laid out per width from the cells'
lengths (no rendering), and a line is rendered only when it is on screen; the few rendered
lines kept are bounded (`KEPT_LINES`).

The small fixed tables (the response figures, time at each severity) are Rich renderables,
rendered whole: a few dozen lines. The long ones (`TableSection`, `BulletSection`) draw the
same box as Rich's default table, one row at a time, wrapping a cell that is wider than its
column (never cutting it), so every task, decision, person and observation stays reachable.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import ClassVar, Generic, Protocol, TypeVar

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

T = TypeVar("T")

#: What a cell is given as: plain text, or Text where part of it is styled.
Cell = str | Text

_TITLE = Style(bold=True, italic=True)
_HEADER = Style(bold=True)
#: Rich's default table box (`box.HEAVY_HEAD`): the head in heavy lines, the body in light.
_TOP = ("┏", "━", "┳", "┓")
_HEAD_ROW = ("┃", "┃", "┃")
_HEAD_RULE = ("┡", "━", "╇", "┩")
_ROW = ("│", "│", "│")
_BOTTOM = ("└", "─", "┴", "┘")
#: Rich's `min_width` of the review's tables: a narrow table is widened to this.
MIN_TABLE_WIDTH = 40


class Section(Protocol):
    """A part of the view: how many lines it takes at a width, and each line."""

    def layout(self, width: int) -> int: ...

    def line(self, index: int, width: int) -> list[Segment]: ...


class RenderedSection:
    """A small Rich renderable, rendered whole at each width (a few dozen lines at most)."""

    def __init__(self, renderable: RenderableType, console: Callable[[], Console]) -> None:
        self.renderable = renderable
        self._console = console
        self._lines: list[list[Segment]] = []

    def layout(self, width: int) -> int:
        console = self._console()
        self._lines = console.render_lines(
            self.renderable, console.options.update_width(width), pad=False
        )
        return len(self._lines)

    def line(self, index: int, width: int) -> list[Segment]:
        return self._lines[index]


def _wrap(cell: Text, width: int, console: Console) -> list[Text]:
    """The cell's lines at `width` cells: words wrapped, a word longer than the line folded."""
    if cell.cell_len <= width:
        return [cell]
    return list(cell.wrap(console, max(1, width), overflow="fold"))


def _as_text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def _length(cell: Cell) -> int:
    if isinstance(cell, Text):
        return cell.cell_len
    # Most cells are plain ASCII (numbers, durations, names): their length is their width,
    # without filling Rich's cache of widths with thousands of one-off strings.
    return len(cell) if cell.isascii() and cell.isprintable() else cell_len(cell)


class _Rows(Generic[T]):
    """Rows of a long section, laid out per width from their cells' lengths alone.

    The lengths are kept flat in an array (four bytes a cell, not a tuple of ints a row), and
    `starts[i]`, the first line of row `i`, only when some row takes more than one line; rows
    are rendered one at a time when one of their lines is on screen.
    """

    def __init__(self, items: Sequence[T], cells: Callable[[T], Sequence[Cell]]) -> None:
        self.items = items
        self.cells = cells
        #: Every row's cell lengths, row after row, measured once (they do not depend on the
        #: width); `columns` of them a row.
        self._lengths: array[int] | None = None
        self.columns = 0
        #: Each row's first line, or None while every row takes one line.
        self.starts: array[int] | None = None
        self.total = 0
        self._last: tuple[int, tuple[int, ...], list[list[Text]]] | None = None

    def lengths(self) -> array[int]:
        if self._lengths is None:
            lengths = array("I")
            cells = self.cells
            for item in self.items:
                row = [_length(cell) for cell in cells(item)]
                self.columns = len(row)
                lengths.extend(row)
            self._lengths = lengths
        return self._lengths

    def widest(self) -> list[int]:
        """Each column's widest cell (no columns without rows)."""
        lengths, columns = self.lengths(), self.columns
        return [max(lengths[n::columns]) for n in range(columns)] if columns else []

    def layout(self, widths: Sequence[int], console: Console) -> int:
        """Lay the rows out in columns of `widths`; the lines they take."""
        lengths, columns = self.lengths(), self.columns
        starts: array[int] | None = None
        line = 0
        for index in range(len(self.items)):
            height = 1
            at = index * columns
            for column in range(columns):
                if lengths[at + column] > widths[column]:
                    cell = _as_text(self.cells(self.items[index])[column])
                    height = max(height, len(_wrap(cell, widths[column], console)))
            if height > 1 and starts is None:
                starts = array("I", range(index))
            if starts is not None:
                starts.append(line)
            line += height
        self.starts = starts
        self.total = line
        self._last = None
        return line

    def find(self, line: int) -> tuple[int, int]:
        """(row, line within the row) of line `line` of the rows."""
        if self.starts is None:
            return line, 0
        row = bisect_right(self.starts, line) - 1
        return row, line - self.starts[row]

    def wrapped(self, row: int, widths: Sequence[int], console: Console) -> list[list[Text]]:
        """Row `row`'s cells, each as its lines at its column's width (the last row kept)."""
        key = tuple(widths)
        if self._last is not None and self._last[:2] == (row, key):
            return self._last[2]
        cells = self.cells(self.items[row])
        lines = [_wrap(_as_text(cell), widths[n], console) for n, cell in enumerate(cells)]
        self._last = (row, key, lines)
        return lines


class TableSection(Generic[T]):
    """A titled table of one row per item, drawn like Rich's default table."""

    def __init__(
        self,
        title: str,
        columns: Sequence[str],
        items: Sequence[T],
        cells: Callable[[T], Sequence[Cell]],
        console: Callable[[], Console],
    ) -> None:
        self.title = title
        self.columns = tuple(columns)
        self._console = console
        self.rows = _Rows(items, cells)
        self._header = _Rows([self.columns], lambda names: [Text(n, style=_HEADER) for n in names])
        self.widths: list[int] = []
        self._natural: list[int] | None = None
        self._rows_from = 0

    def natural_widths(self) -> list[int]:
        """Each column's widest cell, header included."""
        if self._natural is None:
            widest = self.rows.widest() or [0] * len(self.columns)
            self._natural = [
                max(cell_len(name), w) for name, w in zip(self.columns, widest, strict=True)
            ]
        return self._natural

    def column_widths(self, width: int) -> list[int]:
        """The columns' widths in a view `width` cells wide, as Rich would share it out: each
        column as wide as its widest cell; a table too wide narrows its widest columns first;
        a narrow one is widened to `MIN_TABLE_WIDTH`, in proportion."""
        natural = self.natural_widths()
        count = len(natural)
        frame = 3 * count + 1  # a border before each column and at the end, a space each side
        room = max(count, width - frame)
        if sum(natural) > room:
            return _capped(natural, room)
        short = min(MIN_TABLE_WIDTH, width) - frame - sum(natural)
        if short <= 0:
            return list(natural)
        total = sum(natural) or 1
        extra = [short * w // total for w in natural]
        extra[-1] += short - sum(extra)
        return [w + e for w, e in zip(natural, extra, strict=True)]

    def layout(self, width: int) -> int:
        console = self._console()
        self.widths = self.column_widths(width)
        head = self._header.layout(self.widths, console)
        body = self.rows.layout(self.widths, console)
        # Title, top rule, header lines, the rule under them, the rows, the bottom rule.
        self._rows_from = 2 + head + 1
        return self._rows_from + body + 1

    def _rule(self, parts: tuple[str, str, str, str]) -> list[Segment]:
        left, fill, cross, right = parts
        return [Segment(left + cross.join(fill * (w + 2) for w in self.widths) + right)]

    def line(self, index: int, width: int) -> list[Segment]:
        console = self._console()
        if index == 0:
            table_width = sum(self.widths) + 3 * len(self.widths) + 1
            return [Segment(self.title.ljust(table_width), _TITLE)]
        if index == 1:
            return self._rule(_TOP)
        if index < self._rows_from - 1:
            return self._row_line(self._header, index - 2, _HEAD_ROW, console)
        if index == self._rows_from - 1:
            return self._rule(_HEAD_RULE)
        if index - self._rows_from < self.rows.total:
            return self._row_line(self.rows, index - self._rows_from, _ROW, console)
        return self._rule(_BOTTOM)

    def _row_line(
        self,
        rows: _Rows[T] | _Rows[tuple[str, ...]],
        line: int,
        edges: tuple[str, str, str],
        console: Console,
    ) -> list[Segment]:
        row, within = rows.find(line)
        cells = rows.wrapped(row, self.widths, console)
        left, between, right = edges
        segments = [Segment(left)]
        for n, (lines, width) in enumerate(zip(cells, self.widths, strict=True)):
            if n:
                segments.append(Segment(between))
            part = lines[within] if within < len(lines) else Text()
            segments.append(Segment(" "))
            segments.extend(part.render(console, end=""))
            segments.append(Segment(" " * (width - part.cell_len + 1)))
        segments.append(Segment(right))
        return segments


def _capped(natural: Sequence[int], room: int) -> list[int]:
    """Widths within `room`: the widest columns cut down to one cap, as few as need be."""
    low, high = 1, max(natural)
    while low < high:  # the largest cap that fits
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in natural) <= room:
            low = cap
        else:
            high = cap - 1
    widths = [min(w, low) for w in natural]
    spare = room - sum(widths)
    for n, w in enumerate(natural):  # what is left over goes to the columns that were cut
        if spare <= 0:
            break
        if w > widths[n]:
            widths[n] += 1
            spare -= 1
    return widths


class BulletSection(Generic[T]):
    """A bold heading, then one wrapped bullet per item."""

    def __init__(
        self,
        title: str,
        items: Sequence[T],
        text: Callable[[T], str],
        console: Callable[[], Console],
    ) -> None:
        self.title = title
        self._console = console
        self.rows = _Rows(items, lambda item: (f"• {text(item)}",))
        self._width = 0

    def layout(self, width: int) -> int:
        self._width = max(1, width)
        return 1 + self.rows.layout([self._width], self._console())

    def line(self, index: int, width: int) -> list[Segment]:
        if index == 0:
            return [Segment(self.title, _HEADER)]
        console = self._console()
        row, within = self.rows.find(index - 1)
        (lines,) = self.rows.wrapped(row, [self._width], console)
        return list(lines[within].render(console, end=""))


class MetricsView(ScrollView, can_focus=True):
    """The sections one under another, scrolled as one; only the lines on screen are drawn."""

    DEFAULT_CSS = """
    MetricsView { overflow-x: hidden; overflow-y: scroll; }
    """
    #: Rendered lines kept for scrolling back (a few screens).
    KEPT_LINES: ClassVar[int] = 512

    def __init__(self, sections: Sequence[Section], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.sections = list(sections)
        self._starts: list[int] = []
        self._width = 0
        self._lines: dict[int, Strip] = {}

    @property
    def line_count(self) -> int:
        return self.virtual_size.height

    def on_resize(self) -> None:
        self.lay_out()

    # The keys jump, as the timeline's do: an animated scroll over thousands of lines draws
    # every frame between, and a key pressed during it lands somewhere unexpected.

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self.scrollable_content_region.height, animate=False)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_y - self.scrollable_content_region.height, animate=False)

    def lay_out(self) -> None:
        """Measure every section at the view's width (nothing is rendered but the small ones)."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        self._lines.clear()
        starts: list[int] = []
        line = 0
        for section in self.sections:
            starts.append(line)
            line += section.layout(width)
        self._starts = starts
        self.virtual_size = Size(0, line)
        self.refresh()

    def line_text(self, line: int) -> str:
        """Line `line` of the view as plain text (what a person reads there)."""
        return "".join(segment.text for segment in self._segments(line))

    def _segments(self, line: int) -> list[Segment]:
        if not self._starts or not 0 <= line < self.virtual_size.height:
            return []
        part = bisect_right(self._starts, line) - 1
        return self.sections[part].line(line - self._starts[part], self._width)

    def render_line(self, y: int) -> Strip:
        line = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if width != self._width:
            self.lay_out()
        kept = self._lines.get(line)
        if kept is not None:
            return kept
        strip = Strip(self._segments(line)).crop_extend(0, width, None).apply_style(self.rich_style)
        if len(self._lines) >= self.KEPT_LINES:
            self._lines.clear()
        self._lines[line] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
