"""The palette (ctrl+p) on a large incident at 80x24.

Each palette entry looked up its key ("· key d") by walking every binding of the screen again,
which is slower still with the palette open on top: at 2,000 open tasks one keystroke in the
palette cost 0.25 s, and 500 characters pasted into it kept the console's keys waiting (Esc
closed the palette 14 s later, seen in tmux on the 100,000-event load incident). The keys are
now looked up once per search, however many tasks there are.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.palette import ConsoleCommands
from ic_console.tui.screens.console import ConsoleScreen

from .conftest import console, drive

TASKS = 60


def test_one_palette_search_looks_the_keys_up_once_not_once_per_task(
    home: Path, clock: FakeClock, incident: IncidentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(TASKS):
        incident.execute(
            cmd.AssignTask(owner=f"P{n % 7}", text=f"task {n}", timebox=timedelta(minutes=9))
        )
    lookups: list[int] = []
    real = Screen.active_bindings

    def counted(screen: Any) -> Any:
        lookups.append(1)
        return real.fget(screen)  # type: ignore[attr-defined]

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        provider = ConsoleCommands(screen)
        monkeypatch.setattr(Screen, "active_bindings", property(counted))
        titles = [str(hit.text) async for hit in provider.search("Done #5")]
        monkeypatch.undo()
        assert titles == ["Done #5 P4: task 4"], titles
        assert len(lookups) <= 2, len(lookups)
        helps = [hit.help async for hit in provider.search("Done #5")]
        assert helps == ["The task is finished · key d"], helps

    drive(console(home, clock), scenario, size=(80, 24))
