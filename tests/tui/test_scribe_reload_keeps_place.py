"""When the console reads the log again (a file replaced; two laptops' lines folded in their
place when one arrived late), a reader scrolled up in the scribe log stays where they were;
a cursor on the last row follows the end."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot

from helpers.console import console, drive, until
from ic_console.domain.clock import FakeClock
from ic_console.synthetic import write_busy_incident
from ic_console.tui.screens.console import ConsoleScreen

ID = "busy"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
LATER = START + timedelta(days=1)


def _read_again(path: Path) -> None:
    """The same lines in a new file put in its place: the console reads the whole log again."""
    copy = path.with_name(path.name + ".copy")
    shutil.copy2(path, copy)
    os.replace(copy, path)


def test_a_reader_scrolled_up_stays_there_when_the_log_is_read_again(home: Path) -> None:
    write_busy_incident(home, ID, 300, start=START)
    app = console(home, FakeClock(LATER), ID)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        live = app.live
        assert live is not None
        scribe = screen.scribe
        scribe.focus()
        await pilot.press("home", "pagedown")
        await pilot.pause()
        place = scribe.cursor
        assert 0 < place < scribe.row_count - 1
        reloads = live.store.reloads
        _read_again(live.store.events_path)
        await until(pilot, lambda: live.store.reloads > reloads)
        await pilot.pause()
        assert scribe.cursor == place  # not thrown to the end
        await pilot.press("end")
        await pilot.pause()
        reloads = live.store.reloads
        _read_again(live.store.events_path)
        await until(pilot, lambda: live.store.reloads > reloads)
        await pilot.pause()
        assert scribe.cursor == scribe.row_count - 1

    drive(app, scenario)
