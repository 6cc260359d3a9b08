"""A scrolling list that renders only the rows on screen (Textual's Line API), with a cursor.

The task board and the scribe log both build on it, so 100,000 log entries cost no more to show
than twenty: each frame renders the visible rows, and scrolling never touches the rest.

A scrolling key redraws every row on screen, so a row costs as little as it can: the list's
own style and the cursor's are worked out once a frame, not once a row (each walks every
ancestor's styles), and a list whose rows never change (`keeps_rows`) keeps each finished row.
Giving Textual back the same `Strip` also lets its own caches on that strip (the crops and
filters every frame applies) answer, instead of making new strips for every row of every frame.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ic_console.tui.actions import bindings


class LineList(ScrollView, can_focus=True):
    """Rows of one line each; subclasses say how many and how each one looks."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("list")

    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-list--cursor"}
    # Rows are cut to the width, never scrolled sideways. A horizontal scrollbar (the virtual
    # width counted the vertical scrollbar's cells) took a row after the cursor was revealed,
    # hiding the newest log entry under it. The virtual width is 0 for the same reason, and so
    # that a new width (the first layout, a resize) asks for no second layout.
    DEFAULT_CSS = """
    LineList { overflow-x: hidden; }
    LineList > .line-list--cursor { text-style: reverse; }
    LineList:focus > .line-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """

    cursor: reactive[int] = reactive(-1, init=False)

    class Highlighted(Message):
        """The cursor moved to `index` (-1 when the list is empty)."""

        def __init__(self, list_: LineList, index: int) -> None:
            super().__init__()
            self.list = list_
            self.index = index

        @property
        def control(self) -> LineList:
            return self.list

    #: Shown dimmed on the first line while the list is empty.
    empty_text = ""
    #: Whether a row, once drawn, looks the same until `forget_rows` (the scribe log: entries
    #: never change). A list whose rows move on by themselves (countdowns) draws them anew.
    keeps_rows: ClassVar[bool] = False
    #: Finished rows kept at most: some forty screens of rows, about 2 kB each.
    KEPT_ROWS: ClassVar[int] = 1024

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id, classes=classes)
        self._count = 0
        #: The list's style and the cursor's, as of the frame being drawn (None: work them out).
        self._styles: tuple[Style, Style] | None = None
        #: Finished rows by (index, width, selected), for a list that `keeps_rows`.
        self._strips: dict[tuple[int, int, bool], Strip] = {}

    # -- what subclasses provide --------------------------------------------------------------

    def render_row(self, index: int, width: int, selected: bool) -> list[Segment]:
        """The segments of row `index`, at most `width` cells (an empty row by default)."""
        return []

    def forget_rows(self) -> None:
        """The rows' content changed: draw every row anew (for a list that `keeps_rows`)."""
        self._strips.clear()

    # -- size and cursor -----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._count

    def set_row_count(self, count: int, *, follow: bool = False) -> None:
        """Tell the list how many rows there are; `follow` keeps the cursor on the last row."""
        at_end = self.cursor >= self._count - 1
        self._count = count
        self.virtual_size = Size(0, count)
        if not self.size and count > self.app.size.height:
            # Not laid out yet, and more rows than the screen has lines: the scrollbar is
            # certain. Known now, the first layout has it, instead of finding it and laying the
            # whole screen out again for it.
            self.show_vertical_scrollbar = True
        if count == 0:
            self.cursor = -1
        elif follow and at_end:
            self.cursor = count - 1
        elif self.cursor >= count or self.cursor < 0:
            self.cursor = min(max(self.cursor, 0), count - 1)
        self.refresh()
        # Before the first layout the list has no height to scroll within: reveal it again after.
        self.call_after_refresh(self.reveal_cursor)

    def reveal_cursor(self) -> None:
        if self.cursor >= 0:
            self.scroll_to_region_y(self.cursor)

    def watch_cursor(self, old: int, new: int) -> None:
        if new >= 0:
            self.scroll_to_region_y(new)
        self.refresh()
        self.post_message(self.Highlighted(self, new))

    def scroll_to_region_y(self, index: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        if self._count:
            self.cursor = min(max(self.cursor + step, 0), self._count - 1)

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        if self._count:
            self.cursor = 0

    def action_last(self) -> None:
        if self._count:
            self.cursor = self._count - 1

    def on_resize(self) -> None:
        self.call_after_refresh(self.reveal_cursor)

    # -- rendering -----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Once a frame: the styles every row uses. A new theme, the focus (the cursor's colour)
        # or an ancestor's background changes them, and the kept rows with them.
        styles = self._frame_styles()
        if styles != self._styles:
            self._strips.clear()
        self._styles = styles
        return super().render_lines(crop)

    def _frame_styles(self) -> tuple[Style, Style]:
        return self.rich_style, self.get_component_rich_style("line-list--cursor", partial=True)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base, cursor = self._styles or self._frame_styles()
        if index >= self._count or width <= 0:
            if index == 0 and self._count == 0 and self.empty_text and width > 0:
                hint = Segment(self.empty_text, base + Style(dim=True))
                return Strip([hint]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        selected = index == self.cursor
        key = (index, width, selected)
        kept = self._strips.get(key)
        if kept is not None:
            return kept
        strip = Strip(self.render_row(index, width, selected)).crop_extend(0, width, None)
        if selected:
            strip = Strip([Segment(t, (st or Style()) + cursor, c) for t, st, c in strip])
        strip = strip.apply_style(base)
        if self.keeps_rows:
            if len(self._strips) >= self.KEPT_ROWS:
                self._strips.clear()
            self._strips[key] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
