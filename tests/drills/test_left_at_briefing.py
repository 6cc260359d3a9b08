"""`ic open` on a drill whose trainee quit during the briefing.

It opened the plain console (no briefing, no injects, no scorecard) on a clock that ran from
the declaration: a trainee back after an hour at `--speed 10` found ten hours of drill time gone
and a drill that could no longer be run. Now it opens on the briefing again, the clock held
where the drill stood until Enter; when the scenario cannot be found any more, the clock
starts from there at once and the plain console says so. Someone other than the trainee is told
whose drill it is.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from helpers.cli_clock import fake_cli_clock
from helpers.console import until
from ic_console.cli import Context, main
from ic_console.cli.console import build_app
from ic_console.content.scenarios import Scenario
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.live.drill import DrillClock, clock_for, start_drill
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import incident_dir
from ic_console.store.presence import PresenceBoard
from ic_console.tui.app import ConsoleApp
from ic_console.tui.drill_app import DrillApp
from ic_console.tui.screens.briefing import BriefingScreen

from .conftest import START

HOUR = 3600


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[ConsoleApp]:
    """The consoles the CLI would run (not run: there is no terminal under pytest)."""
    apps: list[ConsoleApp] = []
    monkeypatch.setattr(ConsoleApp, "run", lambda self, *a, **k: apps.append(self))
    monkeypatch.setattr("ic_console.cli.common.needs_terminal", lambda verb_name="": None)
    monkeypatch.setattr("ic_console.cli.console.needs_terminal", lambda verb_name="": None)
    return apps


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def _events(home: Path, incident_id: str) -> list[ev.Event]:
    events: list[ev.Event] = []
    IncidentStore.open(home, incident_id, read_only=True, on_events=events.extend)
    return events


def test_ic_open_brings_the_briefing_back_with_the_clock_where_it_stood(
    capsys: pytest.CaptureFixture[str],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[ConsoleApp],
) -> None:
    clock = fake_cli_clock(monkeypatch, START)
    code, err = _run(capsys, "drill", "start", "bad-deploy-rollback", "--speed", "10")
    assert code == 0, err
    (first,) = opened
    drill_id = first.settings.incident_id
    assert drill_id is not None
    clock.advance(HOUR)  # the trainee quit at the briefing and comes back an hour later
    code, err = _run(capsys, "open", drill_id)
    assert code == 0, err
    app = opened[-1]
    assert isinstance(app, DrillApp), type(app)
    assert app.scenario.id == "bad-deploy-rollback"
    drill_clock = app.settings.clock
    assert isinstance(drill_clock, DrillClock) and drill_clock.held
    assert drill_clock.now() == START  # not ten hours of drill time gone
    assert "left at its briefing" in err and "press Enter" in err, err
    # Nothing recorded yet: the clock starts when the trainee presses Enter.
    assert not [e for e in _events(home, drill_id) if isinstance(e.data, ev.DrillClockStarted)]


def test_the_briefing_opened_again_starts_the_clock_from_there_on_enter(
    home: Path, scenario: Scenario
) -> None:
    from ic_console.live.drill_resume import left_at_briefing, resumed_clock

    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=base, held=True)
    base.advance(HOUR)
    left = left_at_briefing(home, started.incident_id, base)
    assert left is not None and left.trainee == "Alex" and left.stands_at == START
    resumed = resumed_clock(left, base)
    ctx = Context(home=home, actor_given="Alex", clock=resumed)
    app = DrillApp.around(build_app(ctx, started.incident_id), scenario)

    async def main_() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(pilot.app.screen, BriefingScreen))
            base.advance(60)  # reading the briefing again: no drill time passes
            assert resumed.now() == START
            await pilot.press("enter")
            await until(pilot, lambda: not resumed.held)
            base.advance(6)  # one drill minute at 10x: Jordan joins (scenario: at 1m)
            app.tick()
            await _joined(pilot, home, started.incident_id)

    asyncio.run(main_())
    (start,) = [e for e in _events(home, started.incident_id) if e.type == "drill.clock_started"]
    assert start.at == START
    # Every terminal rebuilds the same clock from the log.
    assert clock_for(home, started.incident_id, base).now() == resumed.now()
    assert resumed.now() == START + timedelta(minutes=1)


async def _joined(pilot: Pilot[int], home: Path, incident_id: str) -> None:
    def jordan() -> bool:
        return any(
            isinstance(e.data, ev.ParticipantJoined) and e.data.name == "Jordan"
            for e in _events(home, incident_id)
        )

    await until(pilot, jordan)


def test_someone_else_is_told_whose_drill_it_is(
    capsys: pytest.CaptureFixture[str], home: Path, scenario: Scenario, opened: list[ConsoleApp]
) -> None:
    started = start_drill(
        home, scenario, trainee="Alex", speed=10, base_clock=FakeClock(START), held=True
    )
    before = len(_events(home, started.incident_id))
    code, err = _run(capsys, "--as", "Priya", "open", started.incident_id)
    assert code == 2 and not opened
    assert "Alex's drill, left at its briefing" in err and "--as Alex" in err, err
    assert len(_events(home, started.incident_id)) == before


def test_a_scenario_that_is_gone_starts_the_clock_from_where_it_stood(
    capsys: pytest.CaptureFixture[str],
    home: Path,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[ConsoleApp],
) -> None:
    """The fixture's scenario is in no content folder: the drill cannot brief again."""
    clock = fake_cli_clock(monkeypatch, START)
    started = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=clock, held=True)
    clock.advance(HOUR)
    code, err = _run(capsys, "--as", "Alex", "open", started.incident_id)
    assert code == 0, err
    (app,) = opened
    assert not isinstance(app, DrillApp)
    assert "cannot be found any more" in err and "clock starts now" in err, err
    (start,) = [e for e in _events(home, started.incident_id) if e.type == "drill.clock_started"]
    assert start.at == START
    assert app.settings.clock.now() == START  # runs on from there, not from the declaration


def test_a_briefing_still_open_in_a_console_is_left_to_it(home: Path, scenario: Scenario) -> None:
    from ic_console.live.drill_resume import left_at_briefing

    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=base, held=True)
    PresenceBoard(incident_dir(home, started.incident_id), clock=base, actor="Alex").beat()
    assert left_at_briefing(home, started.incident_id, base) is None
    assert left_at_briefing(home, "checkout-eu", base) is None  # a real incident's id
