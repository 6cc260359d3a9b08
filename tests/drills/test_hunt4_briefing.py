"""The fourth hunt: injects wait while the briefing is on screen, as the drill clock does."""

from __future__ import annotations

from pathlib import Path

from helpers.console import stored, until
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.content.scenarios import parse_scenario
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.live.drill import start_drill
from ic_console.tui.drill_app import DrillApp
from ic_console.tui.factory import make_app
from ic_console.tui.screens.briefing import BriefingScreen

from .conftest import START

SCENARIO = """
id = "joins-at-once"
title = "Everyone joins at once"
severity = 1
briefing = "Checkout is failing. Read this before the call starts."

[[people]]
name = "Jordan"
about = "database on-call"

[[people]]
name = "Priya"
about = "checkout on-call"

[[injects]]
at = "0"
by = "Jordan"
kind = "join"

[[injects]]
at = "0"
by = "Priya"
kind = "report"
text = "A third of checkouts fail."
"""


def test_injects_wait_until_the_briefing_is_closed(home: Path, tmp_path: Path) -> None:
    """`ic drill start --from ID` on a past incident of twelve responders: everyone who was on
    the call "joins" at minute 0, and twelve toasts covered the briefing at 80x24 while the
    trainee was still reading it (the clock "stands still while the briefing is on screen",
    but the injects due at 0 came anyway). They arrive once Enter starts the clock."""
    path = tmp_path / "joins.toml"
    path.write_text(SCENARIO)
    scenario = parse_scenario(path)
    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=base, held=True)
    console = make_app(
        home,
        "Alex",
        incident_id=started.incident_id,
        clock=started.clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )
    app = DrillApp.around(console, scenario)
    spoken = (ev.ParticipantJoined, ev.LogEntryAdded)

    def said() -> list[str]:
        return [
            e.actor
            for e in stored(home, started.incident_id)
            if isinstance(e.data, spoken) and e.actor in ("Jordan", "Priya")
        ]

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, BriefingScreen))
            for _ in range(5):  # ticks and polls while the trainee reads
                app.drill_step()
                await pilot.pause(0.05)
            assert said() == []
            assert not app._notifications
            await pilot.press("enter")
            await until(pilot, lambda: not isinstance(app.screen, BriefingScreen))
            app.drill_step()
            await until(pilot, lambda: said() == ["Jordan", "Priya"])

    import asyncio

    asyncio.run(main())
