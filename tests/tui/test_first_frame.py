"""The console's first frame is the incident (issue 13, point 5), and nothing waits for later.

The console gives the screen its rows and state before Textual first lays it out, focuses the
task board there, composes the footer's keys with the screen, and draws the roster at its first
size. These tests catch any of that arriving late or never, a key pressed while the incident is
still loading doing something, and the garbage collector's freeze keeping a replaced incident.
"""

from __future__ import annotations

import asyncio
import gc
import re
import threading
import weakref
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Tabs

from helpers.console import screen_text, until
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.live.incident import LiveIncident
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import freeze_long_lived
from ic_console.tui.factory import make_app
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.incident import IncidentScreen
from ic_console.tui.widgets.quiet_footer import KeyRow, QuietFooter
from ic_console.tui.widgets.task_board import TaskBoard

from .conftest import console, stored

PEOPLE = 60
TASKS = 30
ENTRIES = 80


@pytest.fixture
def busy(incident: IncidentStore) -> IncidentStore:
    """More people than the roster holds, more tasks and log lines than the screen has rows."""
    for n in range(PEOPLE):
        incident.execute(cmd.Join(name=f"Person {n:02d}"))
    for n in range(TASKS):
        incident.execute(
            cmd.AssignTask(
                owner=f"Person {n:02d}", text=f"check shard {n}", timebox=timedelta(minutes=30)
            )
        )
    for n in range(ENTRIES):
        incident.execute(cmd.AddLogEntry(text=f"entry number {n}"))
    return incident


def _run(app: Any, scenario: Any, size: tuple[int, int]) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await scenario(pilot)

    asyncio.run(main())


def test_first_layout_already_has_rows_state_focus_and_footer(
    home: Path, clock: FakeClock, busy: IncidentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the screen holds when Textual first lays it out (its first resume): not empty panes
    filled in a frame later."""
    seen: dict[str, Any] = {}
    original = IncidentScreen.on_screen_resume

    def on_first_resume(self: IncidentScreen, event: events.ScreenResume) -> None:
        if not seen:
            footer = self.query_one(QuietFooter)
            seen.update(
                rows=self.scribe.row_count,
                cursor=self.scribe.cursor,
                state=self.state,
                focused=self.focused,
                footer_keys=sum(len(row.keys) for row in footer.query(KeyRow)),
                scrollbar=self.scribe.show_vertical_scrollbar,
            )
        original(self, event)

    monkeypatch.setattr(IncidentScreen, "on_screen_resume", on_first_resume)
    app = console(home, clock)
    rows = len(busy.state.log)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        assert seen["state"] is not None and seen["state"].title == "Checkout errors in EU"
        assert seen["rows"] == screen.scribe.row_count >= ENTRIES
        assert seen["cursor"] == screen.scribe.row_count - 1  # the newest entry, at once
        assert isinstance(seen["focused"], TaskBoard)
        assert seen["footer_keys"] > 5
        assert seen["scrollbar"]  # more rows than the screen: known before the layout
        assert rows > 0

    _run(app, scenario, (160, 48))


def test_deferred_parts_arrive_and_focus_moves_nothing_in_the_footer(
    home: Path, clock: FakeClock, busy: IncidentStore
) -> None:
    """The roster, drawn at its first size, is there; the newest entry is on screen; focusing
    the log (whose keys the footer does not show) leaves the footer's keys as they were."""
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        text = screen_text(app)
        assert f"On the call ({PEOPLE + 1})" in text
        assert re.search(r"\+\d+ more", text)  # the roster pane is full, at its own height
        assert f"entry number {ENTRIES - 1}" in text
        footer = app.screen.query_one(QuietFooter)
        keys = list(footer.children)
        await pilot.press("2")  # the scribe log takes the focus
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#log")
        assert list(footer.children) == keys
        assert "? more" in screen_text(app) or not footer.cut

    _run(app, scenario, (160, 48))


def test_footer_keys_in_one_row_click_like_keys(home: Path, clock: FakeClock, busy: IncidentStore):
    """The footer draws its keys in one widget; a click on one presses it (here "? more",
    which opens the help), and the columns between keys press nothing."""
    from ic_console.tui.screens.help import HelpScreen

    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        row = app.screen.query_one(KeyRow)
        assert [key.key for key in row.keys][:2] == ["l", "t"]
        text = "".join(segment.text for segment in row.render_line(0))
        assert text.startswith("l Log t Task"), text
        gap = text.index(" t Task")  # the cell between "l Log" and "t Task"
        plain = list(row.render_line(0))
        await pilot.hover(KeyRow, offset=(gap + 1, 0))
        await pilot.pause()
        hovered = list(row.render_line(0))
        changed = [a.text for a, b in zip(plain, hovered, strict=True) if a.style != b.style]
        assert "".join(changed).strip() == "t Task"  # that key lights up, alone
        await pilot.click(KeyRow, offset=(gap, 0))
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.screen.focused is app.screen.query_one(TaskBoard)
        more = text.index("? more")
        await pilot.click(KeyRow, offset=(more, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

    _run(app, scenario, (160, 48))


def test_narrow_roster_is_drawn_when_its_tab_is_shown(
    home: Path, clock: FakeClock, busy: IncidentStore
) -> None:
    """Hidden at open (no size, so not drawn), the roster is drawn the moment it is shown."""
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        assert f"On the call ({PEOPLE + 1})" not in screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        assert f"On the call ({PEOPLE + 1})" in screen_text(app)
        assert "Person 00" in screen_text(app)

    _run(app, scenario, (80, 24))


def test_keys_pressed_while_the_incident_loads_do_nothing_and_break_nothing(
    home: Path, clock: FakeClock, busy: IncidentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI loads in a worker: keys pressed before the console is up find no incident (undo,
    task keys, the log key, Enter) and must neither crash nor record; the console then opens on
    the whole incident as usual."""
    gate = threading.Event()
    opened = LiveIncident.open

    def slow_open(*args: Any, **kwargs: Any) -> LiveIncident:
        assert gate.wait(10), "the test never let the incident open"
        return opened(*args, **kwargs)

    monkeypatch.setattr(LiveIncident, "open", slow_open)
    before = len(stored(home))
    app = make_app(home, "Alex", incident_id="checkout-eu", clock=clock, background_load=True)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        assert app.live is None
        await pilot.press("ctrl+z", "d", "l", "x", "enter", "1", "2", "escape")
        await pilot.pause()
        assert app.live is None and app.return_code is None
        gate.set()
        await until(
            pilot,
            lambda: isinstance(app.screen, ConsoleScreen) and app.screen.composed.is_set(),
        )
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        assert screen.scribe.row_count == len(app.rows) > ENTRIES
        assert screen.state is app.live.state if app.live else False
        assert f"entry number {ENTRIES - 1}" in screen_text(app)
        assert app.return_code is None

    _run(app, scenario, (160, 48))
    assert len(stored(home)) == before


def test_replacing_an_incident_gives_its_frozen_objects_back_to_the_collector() -> None:
    """The first incident's objects are frozen out of the collector's passes; a console that
    opens another one unfreezes and collects them first, and a second console in the same
    process (tests) freezes nothing more, or the first one's garbage would be kept for good."""

    class Node:
        me: object = None

    gc.collect()
    try:
        first = Node()
        first.me = first  # a cycle: only the collector frees it
        first_ref = weakref.ref(first)
        gc.freeze()  # as the first incident's open left it
        del first
        freeze_long_lived(replacing=True)
        assert first_ref() is None
        assert gc.get_freeze_count() > 0

        later = Node()
        later.me = later
        later_ref = weakref.ref(later)
        frozen = gc.get_freeze_count()
        freeze_long_lived(replacing=False)
        assert gc.get_freeze_count() == frozen
        del later
        gc.collect()
        assert later_ref() is None
    finally:
        gc.unfreeze()


def test_pane_tabs_come_when_the_screen_becomes_small(
    home: Path, clock: FakeClock, busy: IncidentStore
) -> None:
    """A wide console has no pane tabs (it never shows them); made small, it gets them, on the
    pane shown, with the late count, and they switch panes as at a small start."""
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        assert not list(screen.query("#pane-tabs"))
        await pilot.press("2")  # the log pane, chosen while wide
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.narrow
        tabs = screen.query_one("#pane-tabs", Tabs)
        assert tabs.active == "tab-log"
        assert [p.id for p in screen.query(".pane") if p.region.height] == ["pane-log"]
        await pilot.press("3")
        await pilot.pause()
        assert tabs.active == "tab-roster"
        assert "Person 00" in screen_text(app)
        await pilot.press("1")
        await pilot.pause()
        assert tabs.active == "tab-tasks"
        assert "1 Tasks" in screen_text(app)
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert not screen.narrow and not tabs.region.height

    _run(app, scenario, (160, 48))
