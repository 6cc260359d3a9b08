"""A drill whose trainee quit during the briefing, opened again.

`ic drill start` holds the drill clock until the trainee presses Enter on the briefing. A
trainee who quit there left a drill whose clock never started: `ic open` then gave the plain
console (no briefing, no injects, no scorecard) on a clock that ran from the declaration, so at
`--speed 20` an hour away read as 20 hours of drill time. Now it opens where it was left: the
briefing again, the clock standing where the drill stood (its last event) until Enter
(`resumed_clock`); or, when its scenario cannot be found any more, the clock starts from there at
once (`start_clock_where_it_stood`), said in the log as the trainee's Enter would have said it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ic_console.domain.clock import Clock
from ic_console.domain.drill import StartDrillClock, is_drill_id
from ic_console.domain.errors import DomainError
from ic_console.domain.events import DrillStarted, Event
from ic_console.domain.model import Status
from ic_console.live.drill import DrillClock, briefing_may_be_open, wall_clock
from ic_console.store.errors import StoreError
from ic_console.store.incident import IncidentStore


@dataclass(frozen=True)
class LeftAtBriefing:
    """What a drill left at its briefing needs to go on: from its `drill.started` event and
    its log."""

    incident_id: str
    #: The scenario's title as the log has it (or "Replay of ..."), and the replayed incident.
    scenario: str
    replay_of: str | None
    trainee: str
    speed: float
    declared_at: datetime
    #: Who declared it (the scenario's `paged_by`): who says the clock started.
    declared_by: str
    #: The drill time it stands at: its last event's (the declaration, unless someone wrote
    #: to it from a shell since).
    stands_at: datetime


def left_at_briefing(home: Path, incident_id: str, base: Clock) -> LeftAtBriefing | None:
    """The drill `incident_id` if its trainee left it at the briefing: a drill, still active,
    whose clock never started and that no console has open (a console that has it open may
    still be showing the briefing, and starts the clock itself). None otherwise, and for a
    real incident (read no further than its id)."""
    if not is_drill_id(incident_id):
        return None
    try:
        state = IncidentStore.open(home, incident_id, read_only=True).state
    except (StoreError, DomainError, OSError):
        return None  # opening it as usual says what is wrong
    if (
        not state.drill
        or state.drill_clock_started
        or state.status is not Status.ACTIVE
        or state.declared_at is None
        or briefing_may_be_open(home, incident_id, state, base)
    ):
        return None
    # Its events (a few: little happens before the briefing closes), read only now, for the
    # trainee's name and where it stands; any other drill is opened as usual without them.
    events: list[Event] = []
    try:
        IncidentStore.open(home, incident_id, read_only=True, on_events=events.extend)
    except (StoreError, DomainError, OSError):
        return None
    started = next((e.data for e in events if isinstance(e.data, DrillStarted)), None)
    if started is None:
        return None
    return LeftAtBriefing(
        incident_id=incident_id,
        scenario=started.scenario,
        replay_of=started.replay_of,
        trainee=started.trainee,
        speed=started.speed,
        declared_at=state.declared_at,
        declared_by=state.declared_by,
        stands_at=max(event.at for event in events),
    )


def resumed_clock(left: LeftAtBriefing, base: Clock) -> DrillClock:
    """The drill's clock, held where the drill stands until the briefing closes: then it runs
    on from there, and the time held (the trainee's time away included) is what the drill
    app records in `drill.clock_started`, so every terminal rebuilds the same clock."""
    clock = DrillClock(wall_clock(base), left.speed, start=left.declared_at)
    clock.hold(since=clock.base_time(left.stands_at))
    return clock


def start_clock_where_it_stood(home: Path, left: LeftAtBriefing, base: Clock) -> None:
    """Start the drill's clock now, from where it stood: recorded as the trainee's Enter
    records it (the time held), so `ic open` and `ic watch` run on from there.

    Raises StoreError or OSError when it cannot be recorded."""
    clock = resumed_clock(left, base)
    store = IncidentStore.open(home, left.incident_id, clock=clock, actor=left.declared_by)
    clock.resume()
    store.execute(
        StartDrillClock(held_seconds=clock.held_for.total_seconds()), actor=left.declared_by
    )
