"""Injects on the drill clock: at their offsets scaled by speed, waiting for the trainee's
actions, a quiet person held until followed up; a past incident replayed at its recorded
offsets."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.content.scenarios import Inject, Person, Scenario
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.events import LogEntryAdded, ParticipantJoined
from ic_console.domain.model import LogKind, Role
from ic_console.live.drill import DrillClock, DrillRunner, replay_scenario, start_drill
from ic_console.review.source import load_events
from ic_console.store.incident import IncidentStore

from .conftest import START


def _run(home: Path, scenario: Scenario, speed: float) -> tuple[FakeClock, DrillRunner]:
    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=speed, base_clock=base)
    store = IncidentStore.open(home, started.incident_id, clock=started.clock, actor="Alex")
    return base, DrillRunner(store, scenario, started.clock)


def _deliver_until(base: FakeClock, runner: DrillRunner, seconds: int) -> list[tuple[float, str]]:
    """Step the clock under the drill one second at a time; (seconds, line) of each delivery."""
    out: list[tuple[float, str]] = []
    for _ in range(seconds):
        base.advance(1)
        for delivery in runner.tick():
            out.append(((base.now() - START).total_seconds(), delivery.line))
    return out


def test_drill_clock_runs_speed_times_as_fast() -> None:
    base = FakeClock(START)
    clock = DrillClock(base, 10)
    base.advance(30)
    assert clock.now() == START + timedelta(minutes=5)
    assert clock.base_time(START + timedelta(minutes=5)) == base.now()
    with pytest.raises(DomainError, match="out of range"):
        DrillClock(base, 0)


def test_injects_wait_for_the_trainee(home: Path, scenario: Scenario) -> None:
    base, runner = _run(home, scenario, speed=60)
    # Jordan joins at 1m and reports at 2m; Morgan asks at 6m; nothing waits on a task yet.
    assert _deliver_until(base, runner, 10) == [
        (1, "Jordan joined the call."),
        (2, "Jordan: Replica lag is 40 s and growing."),
        (6, "Morgan: What's the ETA?"),
    ]
    assert not runner.finished and runner.next_due() is None  # waiting for a task for Jordan
    runner.store.execute(c.AssignTask(owner="Jordan", text="fence", timebox=timedelta(minutes=5)))
    # Assigned at drill minute 10: the ack 30 s later, the report 3 minutes later.
    assert _deliver_until(base, runner, 4) == [
        (11, "Jordan: acknowledged."),
        (13, "Jordan: Lag is down to 8 s."),
    ]
    assert runner.finished
    assert runner.store.state.tasks[1].acknowledged_at == START + timedelta(minutes=10, seconds=60)


def test_a_quiet_person_answers_only_when_followed_up(home: Path) -> None:
    scenario = Scenario(
        id="quiet",
        title="Quiet",
        people=[Person(name="Priya")],
        injects=[
            Inject(by="Priya", kind="silence", when="assigned", at=timedelta(minutes=1)),
            Inject(by="Priya", kind="report", text="still busy", at=timedelta(minutes=5)),
            Inject(by="Priya", kind="report", text="sorry, done", when="followup"),
        ],
    )
    base, runner = _run(home, scenario, speed=60)
    runner.store.execute(c.AssignTask(owner="Priya", text="pool", timebox=timedelta(minutes=5)))
    assert _deliver_until(base, runner, 20) == [(1, "Priya has gone quiet.")]
    runner.store.execute(c.ExtendTask(number=1, timebox=timedelta(minutes=5)))
    assert [line for _at, line in _deliver_until(base, runner, 1)] == [
        "Priya: still busy",
        "Priya: sorry, done",
    ]


def _past_incident(home: Path) -> IncidentStore:
    """Riley commands; Sam joins at 3m and reports at 7m and 12m; Riley's own notes are hidden."""
    clock = FakeClock(START)
    store = IncidentStore.create(
        home,
        c.Declare(incident_id="20261120-checkout", title="Checkout errors", severity=2),
        clock=clock,
        actor="Riley",
    )
    store.execute(c.AssignRole(role=Role.IC, name="Riley"))
    clock.advance(3 * 60)
    store.execute(c.Join(name="Sam"))
    clock.advance(4 * 60)
    store.execute(c.AddLogEntry(text="errors from the card API", kind=LogKind.STATUS), actor="Sam")
    clock.advance(3 * 60)
    store.execute(c.AddLogEntry(text="rolling back now", kind=LogKind.ACTION))  # Riley's: hidden
    clock.advance(2 * 60)
    store.execute(c.AddLogEntry(text="card API recovered"), actor="Sam")
    store.execute(c.Resolve())
    return store


def test_a_replay_delivers_the_recorded_offsets_scaled_by_speed(home: Path) -> None:
    past = _past_incident(home)
    events, state, _notices = load_events(past.directory)
    scenario = replay_scenario("20261120-checkout", list(events), state, trainee="Alex")
    assert [p.name for p in scenario.people] == ["Sam"]
    assert scenario.paged_by == "Alerting"  # Riley declared it and commanded: the answer key
    assert [(i.kind, i.at) for i in scenario.injects] == [
        ("join", timedelta(minutes=3)),
        ("report", timedelta(minutes=7)),
        ("note", timedelta(minutes=12)),
    ]
    base = FakeClock(START)
    started = start_drill(
        home, scenario, trainee="Alex", speed=10, base_clock=base, replay_of="20261120-checkout"
    )
    store = IncidentStore.open(home, started.incident_id, clock=started.clock, actor="Alex")
    runner = DrillRunner(store, scenario, started.clock)
    # At speed 10, 3, 7 and 12 minutes of the incident come 18, 42 and 72 seconds in.
    assert _deliver_until(base, runner, 80) == [
        (18, "Sam joined the call."),
        (42, "Sam: errors from the card API"),
        (72, "Sam: card API recovered"),
    ]
    drill_events = list(load_events(store.directory)[0])
    recorded = [
        (e.at - START, e.actor)
        for e in drill_events
        if isinstance(e.data, LogEntryAdded | ParticipantJoined) and e.actor == "Sam"
    ]
    assert recorded == [
        (timedelta(minutes=3), "Sam"),
        (timedelta(minutes=7), "Sam"),
        (timedelta(minutes=12), "Sam"),
    ]
    said = [e.data.text for e in drill_events if isinstance(e.data, LogEntryAdded)]
    assert "rolling back now" not in said  # the original commander's action stays hidden


def test_a_past_incident_with_nothing_to_replay_is_refused(home: Path) -> None:
    clock = FakeClock(START)
    store = IncidentStore.create(
        home, c.Declare(incident_id="bare", title="Bare", severity=3), clock=clock, actor="Riley"
    )
    store.execute(c.AssignRole(role=Role.IC, name="Riley"))
    events, state, _ = load_events(store.directory)
    with pytest.raises(DomainError, match="nothing to replay"):
        replay_scenario("bare", list(events), state, trainee="Alex")


def test_the_trainee_cannot_be_one_of_the_simulated_people(home: Path, scenario: Scenario) -> None:
    with pytest.raises(DomainError, match="one of the scenario's people"):
        start_drill(home, scenario, trainee="jordan", speed=1, base_clock=FakeClock(START))


def test_a_held_drill_clock_stands_still_and_moves_on_from_there() -> None:
    base = FakeClock(START)
    clock = DrillClock(base, 10)
    clock.hold()
    base.advance(60)
    assert clock.now() == START and clock.held
    clock.resume()
    base.advance(6)
    assert clock.now() == START + timedelta(minutes=1)
    assert clock.base_time(START + timedelta(minutes=1)) == base.now()


def test_an_inject_that_cannot_be_written_is_reported_not_raised(
    home: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ic_console.store.errors import StoreError

    base, runner = _run(home, scenario, speed=60)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StoreError("the disk is full")

    monkeypatch.setattr(runner.store, "execute", refuse)
    assert _deliver_until(base, runner, 1) == [
        (1, "Jordan's inject could not be recorded: the disk is full")
    ]


def test_another_terminal_follows_the_drill_on_the_same_clock(home: Path, scenario: Scenario):
    from ic_console.cli import Context
    from ic_console.cli.console import build_app
    from ic_console.domain.drill import StartDrillClock
    from ic_console.live.drill import clock_for

    base = FakeClock(START)
    started = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=base, held=True)
    base.advance(45)  # the briefing is read
    started.clock.resume()
    store = IncidentStore.open(home, started.incident_id, clock=started.clock, actor="Alex")
    store.execute(StartDrillClock(held_seconds=started.clock.held_for.total_seconds()))
    base.advance(30)
    assert started.clock.now() == START + timedelta(minutes=5)
    watcher = clock_for(home, started.incident_id, base)
    assert isinstance(watcher, DrillClock) and watcher.now() == started.clock.now()
    app = build_app(Context(home=home, actor_given="Sam", clock=base), started.incident_id)
    assert app.settings.clock.now() == started.clock.now()  # `ic watch` and `ic open` alike
    assert clock_for(home, "real-incident", base) is base
