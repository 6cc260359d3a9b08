"""The Deputy's chase list in the same order as before it stopped working out each task's
overdue seconds every tick: the old `chase_order` is the oracle, compared on the tracker's
situations second by second and on hypothesis-made tasks whose times sit microseconds apart,
share deadlines, or lie decades away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import START, Runner
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.situations import Situation, SituationTracker, current_situations
from ic_console.domain.state import IncidentState, Task
from ic_console.tui.widgets.chase_list import CHASED, chase_order


def oracle_chase_order(
    state: IncidentState, now: datetime, situations: list[Situation]
) -> list[Situation]:
    """`chase_order` as it was: a key of seconds overdue (or waiting) worked out at `now`."""

    def task_of(situation: Situation) -> Task | None:
        number = situation.values.get("task_number", "")
        return state.tasks.get(int(number)) if number.isdigit() else None

    def key(situation: Situation) -> tuple[int, float, int]:
        task = task_of(situation)
        number = task.number if task is not None else 0
        if situation.id == "task-expired":
            overdue = (now - task.deadline).total_seconds() if task is not None else 0.0
            return (0, -overdue, number)
        waiting = (now - task.assigned_at).total_seconds() if task is not None else 0.0
        return (1, -waiting, number)

    return sorted((s for s in situations if s.id in CHASED), key=key)


def same(state: IncidentState, now: datetime, situations: list[Situation]) -> None:
    expected = oracle_chase_order(state, now, situations)
    got = chase_order(state, now, situations)
    assert [id(s) for s in got] == [id(s) for s in expected]


def test_the_same_order_as_before_every_second_of_a_busy_incident() -> None:
    clock = FakeClock(START)
    runner = Runner(clock)
    runner.run(c.Declare(incident_id="inc-1", title="Checkout errors", severity=1))
    for number in range(1, 121):
        clock.advance(number % 7 * 0.25)  # several tasks assigned in the same instant
        runner.run(
            c.AssignTask(
                owner=f"Responder {number % 9}",
                text=f"check shard {number}",
                timebox=timedelta(minutes=(5, 10, 15)[number % 3]),
            )
        )
        if number % 4 == 0:
            runner.run(c.AcknowledgeTask(number=number))
    tracker = SituationTracker()
    start = clock.now()
    for second in range(0, 20 * 60, 7):
        now = start + timedelta(seconds=second, microseconds=second % 3)
        situations = tracker.situations(runner.state, now)
        same(runner.state, now, situations)
        same(runner.state, now, current_situations(runner.state, now))


_times = st.integers(min_value=-(100 * 365 * 86400 * 10**6), max_value=100 * 365 * 86400 * 10**6)
_near = st.integers(min_value=-3, max_value=3)


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.booleans(), st.one_of(_near, _times), st.one_of(_near, _times)),
        max_size=30,
    ),
    extra=st.lists(st.sampled_from(["", "999", "x", "calm"]), max_size=3),
    shuffle=st.randoms(use_true_random=False),
)
def test_the_same_order_as_before_for_any_times(
    data: list[tuple[bool, int, int]], extra: list[str], shuffle: object
) -> None:
    """Deadlines and assignment times microseconds apart, equal, or a century either side of
    now; situations for tasks that are gone or never were; any order of arrival."""
    now = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    state = IncidentState()
    situations: list[Situation] = []
    for number, (expired, deadline_us, assigned_us) in enumerate(data, start=1):
        deadline = now + timedelta(microseconds=deadline_us)
        assigned = now + timedelta(microseconds=assigned_us)
        state.tasks[number] = Task(
            number=number,
            owner="Sam",
            text="check",
            assigned_at=assigned,
            assigned_by="Alex",
            timebox=timedelta(minutes=5),
            deadline=deadline,
        )
        kind = "task-expired" if expired else "task-unacknowledged"
        situations.append(Situation(kind, {"task_number": str(number)}))
    for number in extra:
        if number == "calm":
            situations.append(Situation("calm"))
        else:
            situations.append(Situation("task-expired", {"task_number": number}))
            situations.append(Situation("task-unacknowledged", {"task_number": number}))
    shuffle.shuffle(situations)  # type: ignore[attr-defined]
    same(state, now, situations)
