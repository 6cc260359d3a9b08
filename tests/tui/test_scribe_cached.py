"""The console opened on the rows cache with a tail after it (issue 13, items 5 and 7): the last
rows are on screen right after the open (at 80x24 once the log's tab is shown), and Home, Page
Down and End land on the right rows, decoded from the cache as they are shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from helpers.console import console, drive
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.store.rows_cache import StoredRows
from ic_console.synthetic import write_busy_incident
from ic_console.tui.screens.console import ConsoleScreen

ID = "cached"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
LATER = START + timedelta(days=1)


def _visible(widget: Any) -> list[str]:
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text for y in range(height)]


def _cached_with_tail(home: Path) -> int:
    """800 events, the rows cache written by a console, then a tail of entries after it; the
    seq the cache covers."""
    write_busy_incident(home, ID, 800, start=START)
    settings = LiveSettings(actor="Alex", clock=FakeClock(LATER))
    first = LiveIncident.open(home, ID, settings, shipped_phrasebook())
    first.close()
    covered = first.state.last_seq
    second = LiveIncident.open(home, ID, settings, shipped_phrasebook())
    for n in range(5):
        assert second.execute(c.AddLogEntry(text=f"tail {n}")).ok
    second.leave()  # not closed: the cache stays behind the log
    return covered


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_cached_console_opens_on_the_last_rows_and_scrolls(
    home: Path, size: tuple[int, int]
) -> None:
    narrow = size == (80, 24)
    covered = _cached_with_tail(home)
    app = console(home, FakeClock(LATER), ID)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        live = app.live
        assert live is not None and live.log.cached_seq == covered
        rows = live.rows
        assert isinstance(rows.base, StoredRows) and len(rows.added) == 5
        scribe = screen.scribe
        last = len(rows) - 1
        assert scribe.row_count == len(rows) and scribe.cursor == last
        if narrow:  # one pane under tabs: the log is the second
            await pilot.press("2")
            await pilot.pause()
        shown = _visible(scribe)
        assert "tail 4" in shown[-1] and "tail 3" in shown[-2], shown
        scribe.focus()
        await pilot.press("home")
        await pilot.pause()
        assert scribe.cursor == 0 and int(scribe.scroll_y) == 0
        top = _visible(scribe)
        assert rows[0].text[:20] in top[0] and rows[1].text[:20] in top[1], top
        height = scribe.scrollable_content_region.height
        await pilot.press("pagedown")
        await pilot.pause()
        assert scribe.cursor == height - 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert scribe.cursor == 2 * (height - 1)
        shown = _visible(scribe)
        assert rows[scribe.cursor].text[:20] in shown[-1], shown
        await pilot.press("end")
        await pilot.pause()
        assert scribe.cursor == last
        assert "tail 4" in _visible(scribe)[-1]
        assert not rows.base.faults  # type: ignore[union-attr]

    drive(app, scenario, size=size)


def test_the_opening_line_says_when_the_rows_are_built_from_the_whole_log(home: Path) -> None:
    """The first console on an incident describes every event once: it says so while it reads;
    a console opened on the rows cache does not."""
    write_busy_incident(home, ID, 200, start=START)
    said: list[str] = []

    async def scenario(pilot: Pilot[int]) -> None:
        label = pilot.app.screen_stack[0].query_one("#opening", Label)
        said.append(str(label.render()))

    drive(console(home, FakeClock(LATER), ID), scenario)  # closing writes the rows cache
    drive(console(home, FakeClock(LATER), ID), scenario)
    assert "Reading the whole log once" in said[0], said
    assert "Opening incident cached" in said[1] and "whole log" not in said[1], said
