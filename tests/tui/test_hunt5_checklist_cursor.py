"""A tick lands on the checklist item the IC was on, never on one that took its place.

The IC reads the "taking command" checklist, the cursor on its fourth item. In another terminal
command is handed to Sam: Alex's checklists are now the ones for someone on the call, and the
item under the cursor is gone. The cursor went to the first item of another checklist, and the
Space meant for the item that left ticked that one.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from helpers.console import notifications
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore

from .conftest import console, drive, stored


def test_space_after_the_item_left_from_under_the_cursor_ticks_nothing(
    home: Path, incident: IncidentStore, clock: FakeClock
) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("k")
        await pilot.pause()
        assert app.screen.id == "checklists"
        await pilot.press("down", "down", "down")
        await pilot.pause()
        items = app.screen.query_one("#checklist-items", OptionList)
        before = items.get_option_at_index(items.highlighted or 0).id
        assert before is not None and before.startswith("ic-")
        IncidentStore.open(home, "checkout-eu", clock=clock).execute(
            cmd.Handover(name="Sam"), actor="Alex"
        )
        app.poll()
        await pilot.pause()
        now = items.get_option_at_index(items.highlighted or 0).id
        assert now != before  # the item left; the cursor is on another
        await pilot.press("space")
        await pilot.pause()
        assert not [e for e in stored(home) if isinstance(e.data, ev.ChecklistItemTicked)]
        assert any("left" in said or "no longer" in said for said in notifications(app))
        await pilot.press("space")  # now meant for the item under the cursor
        await pilot.pause()

    drive(app, scenario, size=(80, 24))
    ticks = [e.data for e in stored(home) if isinstance(e.data, ev.ChecklistItemTicked)]
    assert len(ticks) == 1
