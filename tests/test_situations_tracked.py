"""The situations kept current from one second to the next (issue 13) are exactly the ones
worked out from scratch: same situations, same order, same values, late tasks never hidden.

The oracle is the straightforward computation the console ran every second before
(`helpers/situations_oracle.py`); the tracker is checked against it after every command and at
many instants between, including exact half-minute boundaries and the microsecond either side,
time standing still and time going backwards.
"""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import START, Runner
from helpers.alerts_oracle import OracleAlertPolicy
from helpers.situations_oracle import oracle_situations
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.domain import situations as situations_module
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Role
from ic_console.domain.situations import (
    SituationTracker,
    current_situations,
    live_overdue,
    live_situations,
    live_tracker,
)
from ic_console.live.alerts import AlertPolicy
from test_properties import commands, endings

CADENCE = {1: timedelta(minutes=15), 2: timedelta(minutes=30), 3: None}

#: Steps of the clock between two looks: a tick, a microsecond, exact half minutes, standing
#: still, a long pause, and (rarely) back in time.
steps = st.one_of(
    st.sampled_from(
        [
            timedelta(seconds=1),
            timedelta(microseconds=1),
            timedelta(seconds=30),
            timedelta(seconds=29, microseconds=999_999),
            timedelta(0),
            timedelta(minutes=7),
            timedelta(seconds=-3),
        ]
    ),
    st.integers(min_value=1, max_value=120_000_000).map(lambda us: timedelta(microseconds=us)),
)


def check(tracker: SituationTracker, runner: Runner, **kwargs: object) -> None:
    state, now = runner.state, runner.clock.now()
    expected = oracle_situations(state, now, **kwargs)  # type: ignore[arg-type]
    assert tracker.situations(state, now) == expected
    # The values' keys come in the same order too (the phrasebook fills them by name, but a
    # reader of a dump would see them moved).
    assert [list(s.values) for s in tracker.situations(state, now)] == [
        list(s.values) for s in expected
    ]
    assert tracker.overdue(state, now) == state.overdue_tasks(now)
    assert current_situations(state, now, **kwargs) == expected  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(commands, st.lists(steps, min_size=1, max_size=6)), max_size=30),
    st.lists(endings, max_size=1),
    st.sampled_from([None, CADENCE]),
    st.sampled_from([None, "Priya"]),
)
def test_kept_current_is_worked_out_from_scratch(
    script: list[tuple[c.Command, list[timedelta]]],
    ending: list[c.Command],
    cadence: dict[int, timedelta | None] | None,
    me: str | None,
) -> None:
    runner = Runner(FakeClock(START))
    tracker = SituationTracker(cadence=cadence, me=me)
    check(tracker, runner, cadence=cadence, me=me)  # not declared yet
    runner.run(c.Declare(incident_id="inc-1", title="Random", severity=1))
    check(tracker, runner, cadence=cadence, me=me)  # nobody in command
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    for command, pauses in [*script, *((end, [timedelta(seconds=5)]) for end in ending)]:
        with suppress(DomainError):
            runner.run(command)
        for pause in pauses:
            runner.clock.set(runner.clock.now() + pause)
            check(tracker, runner, cadence=cadence, me=me)


def busy(tasks: int, seed: int) -> Runner:
    """An incident with `tasks` open tasks assigned at scattered instants (to the microsecond),
    a third acknowledged, people on the call long enough to rotate, open decisions."""
    rng = random.Random(seed)
    runner = Runner(FakeClock(START))
    runner.run(c.Declare(incident_id="busy", title="Busy", severity=1))
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    for person in range(8):
        runner.run(c.Join(name=f"Responder {person}"))
    runner.run(c.ProposeDecision(text="Fail over"))
    runner.run(c.RaiseObjection(number=1, text="Not yet", by="Responder 1"))
    runner.run(c.ProposeDecision(text="Roll back"))
    for number in range(1, tasks + 1):
        runner.clock.set(runner.clock.now() + timedelta(microseconds=rng.randrange(3_000_000)))
        runner.run(
            c.AssignTask(
                owner=f"Responder {number % 8}",
                text=f"check shard {number}",
                timebox=timedelta(seconds=rng.choice([30, 60, 300, 317, 900, 1800])),
            )
        )
        if rng.random() < 0.33:
            runner.run(c.AcknowledgeTask(number=number), actor=f"Responder {number % 8}")
    return runner


def test_a_big_incident_tick_by_tick() -> None:
    """300 tasks over two hours of ticks, with work done between: every tick matches."""
    rng = random.Random(13)
    runner = busy(300, seed=13)
    tracker = SituationTracker(cadence=CADENCE, me="Alex")
    for tick in range(7_200):
        runner.clock.set(
            runner.clock.now() + timedelta(microseconds=rng.randrange(700_000, 1_300_000))
        )
        if tick % 97 == 0:
            number = rng.randrange(1, 301)
            command = rng.choice(
                [
                    c.CompleteTask(number=number),
                    c.ExtendTask(number=number, timebox=timedelta(minutes=5)),
                    c.AcknowledgeTask(number=number),
                    c.AddLogEntry(text="still looking"),
                    c.PostUpdate(audience=rng.choice(list(c.Audience)), text="update"),
                ]
            )
            with suppress(DomainError):
                runner.run(command)
        if tick % 7 == 0 or tick < 100:  # the oracle is slow: look at one tick in seven
            check(tracker, runner, cadence=CADENCE, me="Alex")
        else:
            tracker.situations(runner.state, runner.clock.now())


def test_each_tick_works_out_only_what_changed(monkeypatch: object) -> None:
    """At 2,000 open tasks, a tick says again only the durations whose minute count can have
    changed since the last one, not every task's."""
    runner = busy(2_000, seed=2)
    runner.clock.set(runner.clock.now() + timedelta(minutes=20))
    said: list[timedelta] = []
    real = situations_module.spoken_duration

    def counting(delta: timedelta) -> str:
        said.append(delta)
        return real(delta)

    tracker = SituationTracker()
    now = runner.clock.now()
    setattr(situations_module, "spoken_duration", counting)  # noqa: B010
    try:
        first = tracker.situations(runner.state, now)
        from_scratch = len(said)
        said.clear()
        for second in range(1, 61):
            assert tracker.situations(runner.state, now + timedelta(seconds=second))
        per_tick = len(said) / 60
    finally:
        setattr(situations_module, "spoken_duration", real)  # noqa: B010
    late = sum(1 for s in first if s.id == "task-expired")
    assert late > 1_000, "the incident should have many expired timeboxes"
    assert from_scratch >= 2 * late
    # Each expired task's durations change about four times a minute: a tenth of the work.
    assert per_tick < from_scratch / 8, (from_scratch, per_tick)
    assert tracker.situations(runner.state, now + timedelta(seconds=61)) == oracle_situations(
        runner.state, now + timedelta(seconds=61)
    )


def test_the_shared_tracker_follows_the_state_it_is_given() -> None:
    """The screen and the alerts share one tracker; another state, cadence or person gets a
    fresh one, and a change to the state is seen at once."""
    runner = busy(40, seed=5)
    now = runner.clock.now() + timedelta(minutes=3)
    tracker = live_tracker(runner.state, cadence=CADENCE, me="Alex")
    assert live_tracker(runner.state, cadence=dict(CADENCE), me="Alex") is tracker
    assert live_situations(runner.state, now, cadence=CADENCE, me="Alex") == oracle_situations(
        runner.state, now, cadence=CADENCE, me="Alex"
    )
    assert live_tracker(runner.state, cadence=CADENCE, me="Sam") is not tracker
    other = busy(10, seed=6)
    assert live_situations(other.state, now, me="Alex") == oracle_situations(
        other.state, now, me="Alex"
    )
    runner.clock.set(now)
    runner.run(c.CompleteTask(number=1))
    runner.run(c.AssignTask(owner="Sam", text="page the DBA", timebox=timedelta(seconds=1)))
    for later in (now, now + timedelta(seconds=2)):
        assert live_situations(
            runner.state, later, cadence=CADENCE, me="Alex"
        ) == oracle_situations(runner.state, later, cadence=CADENCE, me="Alex")


# -- the alerts, which take the expired tasks and sentences from the same tracker ---------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(commands, st.lists(steps, min_size=1, max_size=4)), max_size=30),
    st.booleans(),
    st.sampled_from([None, CADENCE]),
)
def test_alerts_are_the_ones_raised_before(
    script: list[tuple[c.Command, list[timedelta]]],
    watch: bool,
    cadence: dict[int, timedelta | None] | None,
) -> None:
    """Same alerts, same order, at the same instants, as the policy that worked everything out
    every second; the console's screen asking for the situations in between changes nothing."""
    phrasebook = shipped_phrasebook()
    policy = AlertPolicy(phrasebook, "Priya", cadence=cadence, watch=watch)
    oracle = OracleAlertPolicy(phrasebook, "Priya", cadence=cadence, watch=watch)
    runner = Runner(FakeClock(START))
    runner.run(c.Declare(incident_id="inc-1", title="Random", severity=1))
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    for command, pauses in script:
        with suppress(DomainError):
            runner.run(command)
        for pause in pauses:
            runner.clock.set(runner.clock.now() + pause)
            now = runner.clock.now()
            live_situations(runner.state, now, cadence=cadence, me="Priya")  # the screen
            assert policy.fresh(runner.state, now) == oracle.fresh(runner.state, now)


def test_alerts_on_a_big_incident_tick_by_tick() -> None:
    """150 tasks expiring over half an hour of ticks, tasks closed and added as it goes, for the IC
    and for the Deputy: every tick raises what the old policy raised."""
    rng = random.Random(7)
    runner = busy(150, seed=7)
    phrasebook = shipped_phrasebook()
    pairs = [
        (AlertPolicy(phrasebook, who, watch=watch), OracleAlertPolicy(phrasebook, who, watch=watch))
        for who, watch in (("Alex", False), ("Priya", True))
    ]
    raised = 0
    for tick in range(1_800):
        runner.clock.set(
            runner.clock.now() + timedelta(microseconds=rng.randrange(900_000, 1_100_000))
        )
        if tick % 53 == 0:
            with suppress(DomainError):
                runner.run(
                    rng.choice(
                        [
                            c.CompleteTask(number=rng.randrange(1, 151)),
                            c.ExtendTask(
                                number=rng.randrange(1, 151), timebox=timedelta(minutes=2)
                            ),
                            c.AssignTask(owner="Sam", text="look", timebox=timedelta(seconds=45)),
                        ]
                    )
                )
        now = runner.clock.now()
        for policy, oracle in pairs:
            fresh = policy.fresh(runner.state, now)
            assert fresh == oracle.fresh(runner.state, now)
            raised += len(fresh)
    assert raised > 100


def test_a_timebox_running_out_after_another_closed_is_announced() -> None:
    """The alerts look only at the tasks expired since their last look, unless the state
    changed: closing an expired task moves the others up the list, and the next one to run out
    is still announced."""
    runner = Runner(FakeClock(START))
    runner.run(c.Declare(incident_id="inc-1", title="Three", severity=1))
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    for minutes in (1, 2, 3):
        runner.run(
            c.AssignTask(owner="Sam", text=f"look {minutes}", timebox=timedelta(minutes=minutes))
        )
    policy = AlertPolicy(shipped_phrasebook(), "Alex")
    said: list[list[str]] = []
    # Each look: a task closed, and the next one's timebox ran out since the last look.
    for seconds, close in ((90, None), (150, 1), (190, 2)):
        runner.clock.set(START + timedelta(seconds=seconds))
        if close is not None:
            runner.run(c.CompleteTask(number=close))
        said.append(policy.fresh(runner.state, runner.clock.now()))
    assert [[line.split(":")[0] for line in lines] for lines in said] == [
        ["#1 Sam"],
        ["#2 Sam"],
        ["#3 Sam"],
    ]


def test_live_overdue_is_the_state_s_overdue_tasks() -> None:
    """From the shared tracker when it follows the state, else worked out: the same tasks."""
    runner = busy(60, seed=9)
    other = busy(5, seed=10)
    for seconds in (0, 200, 400, 900):
        now = runner.clock.now() + timedelta(seconds=seconds)
        live_situations(runner.state, now, me="Alex")
        assert live_overdue(runner.state, now) == runner.state.overdue_tasks(now)
        assert live_overdue(other.state, now) == other.state.overdue_tasks(now)
        runner.run(c.CompleteTask(number=1 + seconds // 100))
        assert live_overdue(runner.state, now) == runner.state.overdue_tasks(now)
