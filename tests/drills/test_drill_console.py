"""A drill run to completion in the console: a fake clock at 60x (one second of the clock under
it is one drill minute), scripted trainee keys, injects from the simulated people, and the
scorecard on screen with figures computed by hand."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from helpers.console import screen_text, stored, type_text, until
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.content.scenarios import Scenario
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.live.drill import start_drill
from ic_console.tui.drill_app import DrillApp
from ic_console.tui.factory import make_app
from ic_console.tui.screens.briefing import BriefingScreen
from ic_console.tui.screens.scorecard import ScorecardScreen

from .conftest import START


def _drill_app(home: Path, scenario: Scenario, base: FakeClock) -> tuple[DrillApp, str]:
    started = start_drill(home, scenario, trainee="Alex", speed=60, base_clock=base)
    console = make_app(
        home,
        "Alex",
        incident_id=started.incident_id,
        clock=started.clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )
    return DrillApp.around(console, scenario), started.incident_id


@pytest.mark.slow  # about ten seconds of typed keys: left out of make test-fast
def test_a_scenario_runs_to_completion_with_the_trainees_keys(home: Path, scenario: Scenario):
    base = FakeClock(START)
    app, incident_id = _drill_app(home, scenario, base)

    async def at(pilot: Pilot[int], minutes: float) -> None:
        """Move the clock under the drill to `minutes` of drill time and let the drill step."""
        base.set(START + timedelta(seconds=minutes))  # 60x: a clock second per drill minute
        app.drill_step()
        await pilot.pause()

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.drill_step()  # the briefing first, the drill clock held until Enter
            await pilot.pause()
            assert isinstance(app.screen, BriefingScreen)
            assert "Jordan (database on-call)" in screen_text(app)
            await pilot.press("enter")
            # The briefing closes and the console mounts: on a busy machine, after a pause.
            await until(pilot, lambda: not isinstance(app.screen, BriefingScreen))
            await until(pilot, lambda: bool(app.screen.query("#header-drill")))
            assert app.screen.query_one("#header-drill", Label).display
            await at(pilot, 0.5)
            await pilot.press("g")
            await type_text(pilot, "ic")
            await pilot.press("enter")
            await type_text(pilot, "Alex")
            await pilot.press("enter")
            await at(pilot, 2)  # Jordan has joined and reported
            await pilot.press("t")
            await type_text(pilot, "Jordan")
            await pilot.press("enter")
            await type_text(pilot, "fence it")
            await pilot.press("enter")
            app.screen.query_one("#field-timebox", Input).value = ""
            await type_text(pilot, "5m")
            await pilot.press("enter")
            await at(pilot, 2.5)  # Jordan acknowledges
            await at(pilot, 5)  # Jordan reports back
            await pilot.press("p")
            await type_text(pilot, "fail over")
            await pilot.press("enter")
            await at(pilot, 5 + 20 / 60)  # twenty seconds of "any strong objections?"
            await pilot.press("y", "enter")
            await at(pilot, 6)  # Morgan asks for an ETA
            await pilot.press("g")
            await type_text(pilot, "deputy")
            await pilot.press("enter")
            await type_text(pilot, "Priya")
            await pilot.press("enter")
            await at(pilot, 7.5)  # the timebox ran out at 7:00: followed up within a minute
            await pilot.press("x")
            await type_text(pilot, "10m")
            await pilot.press("enter")
            await at(pilot, 9)
            await pilot.press("u", "enter")
            await type_text(pilot, "next in 20m")
            await pilot.press("enter")
            await at(pilot, 12)
            await pilot.press("d")
            await pilot.pause()
            await pilot.press("R", "enter")
            await until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
            text = screen_text(app)
            assert "Drill over: Small failover" in text
            assert "met 6 of 7" in text

    asyncio.run(main())

    events = stored(home, incident_id)
    by = {(e.actor, type(e.data).__name__) for e in events}
    assert ("Jordan", "ParticipantJoined") in by
    assert ("Jordan", "TaskAcknowledged") in by
    assert ("Morgan", "LogEntryAdded") in by
    notes = [(e.actor, e.data.text) for e in events if isinstance(e.data, ev.LogEntryAdded)]
    assert notes == [
        ("Jordan", "Replica lag is 40 s and growing."),
        ("Jordan", "Lag is down to 8 s."),
        ("Morgan", "What's the ETA?"),
    ]
    assert [d.line for d in app.deliveries][-1] == "Morgan: What's the ETA?"
    card = app.card
    assert card is not None
    figures = card.drill
    # By hand: IC at 0:30; task at 2:00 (deadline 7:00) extended at 7:30, done at 12:00;
    # decision proposed 5:00, accepted 5:20; one update at 9:00 (due by 20:00); resolved 12:00.
    assert figures.to_ic is not None and figures.to_ic.total_seconds() == 30
    assert figures.to_first_task is not None and figures.to_first_task.total_seconds() == 120
    assert (figures.tasks, figures.tasks_without_owner_or_timebox) == (1, 0)
    assert (figures.timeboxes_run_out, figures.followed_up_on_time) == (1, 1)
    assert (figures.decisions_accepted, figures.decisions_polled) == (1, 1)
    assert (figures.updates_due, figures.updates_on_cadence) == (1, 1)
    assert [r.value for r in figures.roles_filled] == ["ic", "deputy"]
    assert figures.duration.total_seconds() == 12 * 60
    assert figures.met == (6, 7)
