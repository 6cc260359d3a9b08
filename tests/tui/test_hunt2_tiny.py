"""Second hostile-new-user hunt: a terminal squeezed to almost nothing (a tmux pane dragged
shut) with each list screen open. Each test here failed before its fix."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.factory import make_app
from ic_console.tui.screens.picker import PickerScreen

from .conftest import START, console


async def _squeeze(pilot: object) -> None:
    for size in ((1, 1), (2, 3), (5, 2), (80, 24)):
        await pilot.resize_terminal(*size)  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]


def test_the_incident_picker_survives_a_terminal_one_column_wide(home: Path) -> None:
    """With two incidents active, `ic` shows the picker; the pane squeezed to one column
    stopped the console with rich's "range() arg 3 must not be zero" (the list's text had no
    width left to wrap in)."""
    clock = FakeClock(START)
    for name in ("one", "two"):
        IncidentStore.create(
            home,
            cmd.Declare(incident_id=name, title=f"Incident {name}", severity=2),
            clock=clock,
            actor="Alex",
        )
    app = make_app(home, "Alex", clock=clock, phrasebook=shipped_phrasebook())

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, PickerScreen)
            await _squeeze(pilot)
            assert isinstance(app.screen, PickerScreen)

    asyncio.run(main())
    assert app.return_code in (None, 0)


@pytest.mark.parametrize("key", ["v", "k", "b"])
def test_list_screens_survive_a_terminal_one_column_wide(
    home: Path, clock: FakeClock, incident: IncidentStore, key: str
) -> None:
    app = console(home, clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            if key == "v":
                await pilot.press("4")  # the phrasebook's tab: its responses
                await pilot.pause(1.1)
            await pilot.press(key)
            await pilot.pause()
            opened = app.screen
            assert opened is not app.screen_stack[0]
            await _squeeze(pilot)
            assert app.screen is opened

    asyncio.run(main())
    assert app.return_code in (None, 0)
