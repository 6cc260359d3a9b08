from __future__ import annotations

import asyncio
from pathlib import Path

from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore

from .conftest import console, stored


def test_log_line(home: Path, clock: FakeClock, incident: IncidentStore) -> None:
    async def scenario() -> None:
        app = console(home, clock)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("l")
            await pilot.press(*"rolled back 4411")
            await pilot.press("enter")
            await pilot.pause()
            app.save_screenshot("/tmp/smoke.svg")

    asyncio.run(scenario())
    texts = [e.data.text for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]
    assert texts == ["rolled back 4411"]
