"""Scrolling a large log (issue 13, item 5): the rows on screen after each scrolling key, and the
finished rows the log keeps so a key redraws the screen cheaply (`LineList.keeps_rows`).

Timing is the bench's business (`bench/bench_load.py`, on a terminal); these tests check what the
keys show: the right rows, one row drawn as the cursor, and kept rows dropped whenever their
look changes (focus, theme, new rows), while the task board's countdowns still move on."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from rich.style import Style
from textual.pilot import Pilot

from helpers.console import console, drive
from ic_console.domain.clock import FakeClock
from ic_console.domain.log_rows import LogRow
from ic_console.synthetic import write_scribe_incident
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.widgets.line_list import LineList
from ic_console.tui.widgets.scribe_log import ScribeLog

ID = "long-log"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
ENTRIES = 6_000


@pytest.fixture
def long_log(home: Path) -> Path:
    write_scribe_incident(home, ID, log_entries=ENTRIES, tasks=30, start=START)
    return home


def visible(widget: LineList) -> list[str]:
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text for y in range(height)]


def cursor_lines(widget: LineList) -> list[int]:
    """The lines on screen drawn in the cursor's style (focused: its colours; not: reversed),
    on every cell: adding the cursor's style to theirs changes nothing."""
    cursor = widget.get_component_rich_style("line-list--cursor", partial=True)
    height = widget.scrollable_content_region.height
    drawn = []
    for y in range(height):
        styles = [segment.style or Style() for segment in widget.render_line(y)]
        if styles and all(style + cursor == style for style in styles):
            drawn.append(y)
    return drawn


def entry(n: int) -> str:
    return f"Observation {n}: "


async def _log_focused(pilot: Pilot[int]) -> ScribeLog:
    screen = pilot.app.screen
    assert isinstance(screen, ConsoleScreen)
    await pilot.press("2")  # the log pane (one pane at a time at 80x24), with the focus
    await pilot.pause()
    scribe = screen.scribe
    assert pilot.app.focused is scribe
    return scribe


def test_home_page_down_and_end_show_the_right_rows_at_80x24(long_log: Path) -> None:
    app = console(long_log, FakeClock(START + timedelta(minutes=5)), ID)

    async def scenario(pilot: Pilot[int]) -> None:
        scribe = await _log_focused(pilot)
        rows = scribe.rows
        last = len(rows) - 1
        height = scribe.scrollable_content_region.height
        assert height > 5
        # Opened at the end: the newest entry on the last line, drawn as the cursor.
        assert scribe.cursor == last and entry(ENTRIES - 1) in visible(scribe)[-1]
        assert cursor_lines(scribe) == [height - 1]

        await pilot.press("home")
        await pilot.pause()
        shown = visible(scribe)
        assert scribe.cursor == 0 and int(scribe.scroll_y) == 0
        assert rows[0].text[:20] in shown[0] and rows[height - 1].text[:20] in shown[-1], shown
        assert cursor_lines(scribe) == [0]

        # The first page down moves the cursor to the last line on screen; the next ones
        # scroll a page each, the cursor on the last line.
        await pilot.press("pagedown")
        await pilot.pause()
        assert scribe.cursor == height - 1 and int(scribe.scroll_y) == 0
        assert cursor_lines(scribe) == [height - 1]
        for page in (2, 3):
            await pilot.press("pagedown")
            await pilot.pause()
            at = page * (height - 1)
            shown = visible(scribe)
            assert scribe.cursor == at and int(scribe.scroll_y) == at - height + 1
            assert rows[at - height + 1].text[:20] in shown[0], shown
            assert rows[at].text[:20] in shown[-1], shown
            assert cursor_lines(scribe) == [height - 1]

        await pilot.press("end")
        await pilot.pause()
        shown = visible(scribe)
        assert scribe.cursor == last and entry(ENTRIES - 1) in shown[-1]
        assert entry(ENTRIES - height) in shown[0], shown
        assert cursor_lines(scribe) == [height - 1]

        await pilot.press("home", "end", "pageup")
        await pilot.pause()
        assert scribe.cursor == last - (height - 1)
        assert entry(ENTRIES - height) in visible(scribe)[0]
        assert cursor_lines(scribe) == [0]

    drive(app, scenario, size=(80, 24))


def test_a_kept_row_is_handed_back_as_is_until_its_look_changes(long_log: Path) -> None:
    """The same strip for an unchanged row (Textual's caches on it then answer); a new one, in
    the new look, once the focus leaves (the cursor's colour) or the theme changes."""
    app = console(long_log, FakeClock(START + timedelta(minutes=5)), ID)

    async def scenario(pilot: Pilot[int]) -> None:
        scribe = await _log_focused(pilot)

        def cursor_line() -> int:
            return scribe.cursor - int(scribe.scroll_y)

        first, cursor_row = scribe.render_line(0), scribe.render_line(cursor_line())
        assert scribe.render_line(0) is first
        focused_cursor = next(iter(cursor_row)).style

        # The log loses the focus (and, with it, its detail pane: it grows a few lines).
        pilot.app.screen.set_focus(pilot.app.screen.query_one("#tasks", LineList))
        await pilot.pause()
        blurred = scribe.render_line(cursor_line())
        assert blurred.text == cursor_row.text and next(iter(blurred)).style != focused_cursor
        assert cursor_lines(scribe) == [cursor_line()]

        before = scribe.render_line(0)
        pilot.app.theme = "textual-light" if pilot.app.theme != "textual-light" else "nord"
        await pilot.pause()
        after = scribe.render_line(0)
        assert after.text == before.text and after is not before
        assert [s.style for s in after] != [s.style for s in before]

    drive(app, scenario, size=(120, 40))


def test_new_rows_replace_kept_ones(long_log: Path) -> None:
    app = console(long_log, FakeClock(START + timedelta(minutes=5)), ID)

    async def scenario(pilot: Pilot[int]) -> None:
        scribe = await _log_focused(pilot)
        old = visible(scribe)
        template = scribe.rows[-1]
        fresh = [
            LogRow(
                seq=n + 1,
                recorded_at=template.recorded_at,
                author="Priya",
                kind=template.kind,
                text=f"replacement {n}",
            )
            for n in range(len(scribe.rows))  # as many: the same indices on screen
        ]
        scribe.set_rows(fresh)
        await pilot.pause()
        shown = visible(scribe)
        assert shown != old and f"replacement {len(fresh) - 1}" in shown[-1], shown
        assert all("Observation" not in line for line in shown), shown

    drive(app, scenario, size=(120, 40))


def test_task_board_countdowns_move_on_at_each_tick(long_log: Path) -> None:
    """The task board keeps no rows: its countdowns change by themselves."""
    app = console(long_log, FakeClock(START + timedelta(minutes=5)), ID)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        board = screen.tasks
        assert not board.keeps_rows and board.row_count == 30
        before = board.render_line(0).text
        board.tick(START + timedelta(minutes=12))
        await pilot.pause()
        after = board.render_line(0).text
        assert before != after and after.split("#")[1][:3] == before.split("#")[1][:3], (
            before,
            after,
        )

    drive(app, scenario, size=(120, 40))


def _terminal_bench() -> ModuleType:
    """`bench/scroll_latency.py`, the bench's terminal (the bench folder is not a package)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "scroll_latency.py"
    spec = importlib.util.spec_from_file_location("scroll_latency", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["scroll_latency"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_terminal_bench_sees_the_frame_of_every_scrolling_key(long_log: Path) -> None:
    """The bench's figure needs, for each key, the console's cursor moving and then the bytes of
    a frame with the cursor row read back from a real pseudo-terminal: all three, in order.
    What it measures is reported by `make bench`, never asserted here."""
    bench = _terminal_bench()
    summary = bench.measure(
        long_log, ID, (START + timedelta(minutes=5)).isoformat(), size=(80, 24), rounds=1
    )
    for key in ("home", "pagedown", "end"):
        assert summary[f"{key}_presses"] == bench.ROUND.count(key)
        assert 0 < summary[f"{key}_handled"] <= summary[f"{key}_written"]
        assert summary[f"{key}_written"] <= summary[f"{key}_seen"]
