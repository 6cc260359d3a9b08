"""With several incidents active, `ic` asks which one: Enter opens the first incident listed
(found by the second hunt: the highlight started on "+ Declare a new incident", so an IC who
pressed Enter got the declare form instead of the incident)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.factory import make_app
from ic_console.tui.screens.picker import PickerScreen

from .conftest import START


def test_enter_opens_the_first_incident_listed(home: Path) -> None:
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
            picker = app.screen
            assert isinstance(picker, PickerScreen)
            first = picker.incidents[0].incident_id
            await pilot.press("enter")
            for _ in range(100):  # the incident loads in a worker
                await pilot.pause(0.05)
                if app.live is not None:
                    break
            assert not isinstance(app.screen, PickerScreen)
            assert app.live is not None and app.live.state.incident_id == first

    asyncio.run(main())
