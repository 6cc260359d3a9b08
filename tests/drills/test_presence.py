"""Presence in a fast drill: heartbeats are stamped and compared in wall time, so at speed 20 the
other terminal on the drill is still "here" a few seconds later (drill time ran a minute on)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ic_console.content.library import load_scenarios
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain.clock import FakeClock
from ic_console.live.drill import DrillClock, clock_for, start_drill, wall_clock
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.store.presence import STALE_AFTER

from .conftest import START


def test_another_terminal_on_a_fast_drill_is_not_stale(home: Path) -> None:
    wall = FakeClock(START)
    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=20, base_clock=wall)
    # The trainee's console runs on the drill's own clock; the Deputy's `ic watch` works its
    # clock out from the log, as another process would.
    watch_clock = clock_for(home, drill.incident_id, wall)
    assert isinstance(watch_clock, DrillClock) and watch_clock.speed == 20
    trainee = LiveIncident.open(
        home,
        drill.incident_id,
        LiveSettings(actor="Alex", clock=drill.clock),
        shipped_phrasebook(),
    )
    deputy = LiveIncident.open(
        home,
        drill.incident_id,
        LiveSettings(actor="Sam", clock=watch_clock, watch=True, read_only=True),
        shipped_phrasebook(),
    )
    try:
        trainee.join()
        deputy.join()
        assert trainee.heartbeat() == []  # the first to beat sees nobody yet
        assert deputy.heartbeat() == ["Alex (no role)"]
        assert trainee.heartbeat() == ["Sam (no role, read-only)"]
        # Three wall seconds later (well inside a heartbeat's interval) drill time ran a minute,
        # three times STALE_AFTER: the other console must still be here.
        wall.advance(3)
        assert drill.clock.now() - START == timedelta(minutes=1) > STALE_AFTER
        assert deputy.heartbeat() == ["Alex (no role)"]
        assert trainee.heartbeat() == ["Sam (no role, read-only)"]
        # A console that stops beating (killed: its file stays) is still noticed, in wall time.
        deputy.presence = None
        wall.advance(delta=STALE_AFTER - timedelta(seconds=3))
        assert trainee.heartbeat() == ["Sam (no role, read-only)"]
        wall.advance(delta=timedelta(seconds=4))
        assert trainee.heartbeat() == []
    finally:
        trainee.close()
        deputy.close()


def test_wall_clock_is_the_clock_under_a_drill_clock() -> None:
    wall = FakeClock(START)
    fast = DrillClock(wall, 20)
    assert wall_clock(fast) is wall and wall_clock(wall) is wall
    fast.hold()  # held for the briefing: drill time stands still, the wall clock does not
    wall.advance(30)
    assert fast.now() == START and wall_clock(fast).now() == START + timedelta(seconds=30)
