"""The runbooks, the checklists, the glance and (at 80x24) the keys cover the whole console,
header and all: a timebox that ran out while the IC read a runbook showed a toast for 8 seconds
and then nothing, until Esc. Each says what is late for as long as it is open, and stops saying
it once the task is dealt with.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from helpers.console import screen_text
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore

from .conftest import console, drive


@pytest.mark.parametrize(
    ("key", "screen_id"),
    [
        ("b", "runbooks"),
        ("k", "checklists"),
        ("equals_sign", "glance"),
        ("question_mark", "help"),
        ("v", "responses"),
    ],
)
def test_a_side_screen_says_what_is_late(
    home: Path, incident: IncidentStore, clock: FakeClock, key: str, screen_id: str
) -> None:
    incident.execute(
        cmd.AssignTask(owner="Sam", text="check the pool", timebox=timedelta(minutes=1))
    )
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press(key)
        await pilot.pause()
        assert app.screen.id == screen_id
        assert "LATE" not in screen_text(app)
        clock.advance(90)
        app.tick()
        await pilot.pause()
        app.clear_notifications()  # the toast's 8 seconds are over
        await pilot.pause()
        shown = screen_text(app)
        assert "1 LATE" in shown, shown
        assert "#1 Sam +00:30" in shown, shown
        # Dealt with in another terminal: the screen stops saying it.
        IncidentStore.open(home, "checkout-eu", clock=clock).execute(
            cmd.CompleteTask(number=1), actor="Priya"
        )
        app.poll()
        await pilot.pause()
        assert "LATE" not in screen_text(app)

    drive(app, scenario, size=(80, 24))
