"""`ic watch` on a drill whose briefing is still open shows the drill clock still, as the
trainee's console holds it until Enter; once the trainee starts it, the watch runs on the same
clock as the trainee's.

It showed the drill running from the declaration: the clock was rebuilt from the log, which
said nothing until `drill.clock_started`, so a Deputy watching a 10x drill saw ten minutes of
drill time pass (and timers run out) while the trainee was still reading. The state now holds
the fact that the clock started (`drill_clock_started`); a clock rebuilt from a log without it
stands still at the declaration and starts when the log says so.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Label

from helpers.console import until
from ic_console.cli import Context
from ic_console.cli.console import build_app
from ic_console.content.scenarios import Scenario
from ic_console.domain.clock import FakeClock
from ic_console.domain.drill import StartDrillClock
from ic_console.live.drill import DrillClock, clock_for, drill_clock_of, start_drill
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import incident_dir
from ic_console.store.presence import PresenceBoard
from ic_console.store.state_codec import state_body, state_from
from ic_console.tui.screens.console_at_scale import WatchAtScale

from .conftest import START


def _trainee_reading(home: Path, incident_id: str, base: FakeClock) -> PresenceBoard:
    """The trainee's console, open on the briefing: its presence heartbeat, fresh now."""
    board = PresenceBoard(incident_dir(home, incident_id), clock=base, actor="Alex")
    board.beat()
    return board


def _elapsed(pilot: Pilot[int]) -> str:
    return str(pilot.app.screen.query_one("#header-elapsed", Label).render())


def test_watch_holds_the_drill_clock_until_the_trainee_starts_it(
    home: Path, scenario: Scenario
) -> None:
    base = FakeClock(START)
    # As `ic drill start` does: the trainee's clock held for the briefing.
    started = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=base, held=True)
    _trainee_reading(home, started.incident_id, base)
    deputy = build_app(
        Context(home=home, actor_given="Priya", clock=base), started.incident_id, watch=True
    )

    async def main() -> None:
        async with deputy.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: isinstance(pilot.app.screen, WatchAtScale))
            await until(pilot, lambda: pilot.app.screen.state is not None)
            base.advance(90)  # the trainee reads for a minute and a half: 15 drill minutes
            deputy.tick()
            await pilot.pause()
            assert deputy.settings.clock.now() == START == started.clock.now()
            assert "15m" not in _elapsed(pilot)
            # The trainee presses Enter: the drill app resumes its clock and says so in the log.
            started.clock.resume()
            trainee = IncidentStore.open(
                home, started.incident_id, clock=started.clock, actor="Jordan"
            )
            trainee.execute(StartDrillClock(held_seconds=started.clock.held_for.total_seconds()))
            await until(
                pilot,
                lambda: (
                    pilot.app.screen.state is not None
                    and pilot.app.screen.state.drill_clock_started
                ),
            )
            base.advance(30)  # five drill minutes at 10x, on both clocks
            deputy.tick()
            await pilot.pause()
            assert started.clock.now() == START + timedelta(minutes=5)
            assert deputy.settings.clock.now() == started.clock.now()
            assert "5m" in _elapsed(pilot)

    import asyncio

    asyncio.run(main())


def test_a_clock_rebuilt_from_the_log_stands_still_until_the_clock_started(
    home: Path, scenario: Scenario
) -> None:
    """What `ic show`, `ic list --drills` and `ic open` rebuild: the same clock as the watch."""
    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=20, base_clock=base, held=True)
    base.advance(60)
    _trainee_reading(home, started.incident_id, base)
    during = clock_for(home, started.incident_id, base)
    assert isinstance(during, DrillClock) and during.now() == START
    store = IncidentStore.open(home, started.incident_id, read_only=True)
    assert store.state.drill and not store.state.drill_clock_started
    started.clock.resume()
    writer = IncidentStore.open(home, started.incident_id, clock=started.clock, actor="Jordan")
    writer.execute(StartDrillClock(held_seconds=started.clock.held_for.total_seconds()))
    base.advance(3)  # a minute of drill time at 20x
    after = clock_for(home, started.incident_id, base)
    assert after.now() == started.clock.now() == START + timedelta(minutes=1)
    # The one rebuilt during the briefing starts when it is shown the new state.
    during.follow(writer.state)
    assert during.now() == started.clock.now()


def test_a_briefing_left_open_by_a_console_that_is_gone_holds_nothing(
    home: Path, scenario: Scenario
) -> None:
    """The trainee quit during the briefing (no console has the drill open, or its heartbeat
    is stale): nothing will ever start the clock, so it runs from the declaration, as before
    the hold; what is recorded later is not all stamped at the declaration (found in review)."""
    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=20, base_clock=base, held=True)
    board = _trainee_reading(home, started.incident_id, base)
    base.advance(60)  # the heartbeat is a minute old: that console is gone
    clock = clock_for(home, started.incident_id, base)
    assert clock.now() == START + timedelta(minutes=20)
    board.beat()  # a console that is there after all: held
    assert clock_for(home, started.incident_id, base).now() == START
    board.leave()  # and gone again
    writer = IncidentStore.open(
        home, started.incident_id, clock=clock_for(home, started.incident_id, base), actor="Sam"
    )
    from ic_console.domain import commands as c

    (event,) = writer.execute(c.AddLogEntry(text="checked the replica"))
    assert event.at == START + timedelta(minutes=20)


def test_a_drill_without_a_briefing_runs_for_every_terminal_from_the_start(
    home: Path, scenario: Scenario
) -> None:
    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=base)
    base.advance(6)
    state = IncidentStore.open(home, started.incident_id, read_only=True).state
    assert state.drill_clock_started
    rebuilt = drill_clock_of(state, base)
    assert rebuilt is not None and rebuilt.now() == START + timedelta(minutes=1)


def test_the_snapshot_keeps_whether_the_clock_started(home: Path, scenario: Scenario) -> None:
    """And a drill's snapshot written before the field existed is not trusted for it: the
    log is folded again (a real incident's old snapshot still holds)."""
    import pytest

    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=base)
    state = IncidentStore.open(home, started.incident_id, read_only=True).state
    body = state_body(state)
    assert state_from(body).drill_clock_started is True
    older = {key: value for key, value in body.items() if key != "drill_clock_started"}
    with pytest.raises(KeyError):
        state_from(older)
    real = {**older, "drill": ""}
    assert state_from(real).drill_clock_started is False
