"""DRILL in the header of the console and of `ic watch`, never on a real incident; an inject
arrives in the log pane from the simulated person, with a toast and the bell."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Label

from helpers.console import notifications, stored
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.content.scenarios import Scenario
from ic_console.domain import commands as c
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.live.drill import start_drill
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.drill_app import DrillApp
from ic_console.tui.factory import make_app

from .conftest import START


def _header_says_drill(app: ConsoleApp) -> bool:
    async def main() -> bool:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            label = app.screen.query_one("#header-drill", Label)
            return bool(label.display) and "DRILL" in str(label.render())

    return asyncio.run(main())


@pytest.mark.parametrize("watch", [False, True])
def test_drill_header_on_console_and_watch(home: Path, scenario: Scenario, watch: bool) -> None:
    base = FakeClock(START)
    drill = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=base)
    IncidentStore.create(
        home,
        c.Declare(incident_id="real-one", title="Real", severity=2),
        clock=base,
        actor="Alex",
    )
    for incident_id, expected in ((drill.incident_id, True), ("real-one", False)):
        app = make_app(
            home,
            "Alex",
            incident_id=incident_id,
            clock=base,
            phrasebook=shipped_phrasebook(),
            background_load=False,
            watch=watch,
        )
        assert _header_says_drill(app) is expected, incident_id


def test_an_inject_arrives_in_the_log_with_the_bell(home: Path, scenario: Scenario) -> None:
    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=60, base_clock=base, held=True)
    base.advance(20)  # a slow start: the clock stands still until the briefing is read
    console = make_app(
        home,
        "Alex",
        incident_id=started.incident_id,
        clock=started.clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )
    app = DrillApp.around(console, scenario)
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]

    async def main() -> None:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            app.drill_step()  # the briefing: the clock is held while it is read
            await pilot.pause()
            base.advance(30)
            await pilot.press("enter")
            await pilot.pause()
            app.drill_step()
            assert not bells  # nothing is due at the start, however long the briefing took
            held = [
                e.data for e in stored(home, started.incident_id) if e.type == "drill.clock_started"
            ]
            assert held == [ev.DrillClockStarted(held_seconds=50)]  # 20 s to open, 30 s reading
            base.advance(2)  # two drill minutes: Jordan joins and reports
            app.drill_step()
            await pilot.pause()
            assert len(bells) == 1
            assert "Jordan: Replica lag is 40 s and growing." in notifications(app)
            row = app.rows[-1]
            assert (row.author, row.kind, row.text) == (
                "Jordan",
                "status",
                "Replica lag is 40 s and growing.",
            )

    asyncio.run(main())
