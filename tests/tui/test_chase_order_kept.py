"""The Deputy's chase list in the same order as before it stopped working out each task's
overdue seconds every tick: the old `chase_order` is the oracle, compared on the tracker's
situations second by second and on hypothesis-made tasks whose times sit microseconds apart,
share deadlines, or lie decades away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import START, Runner
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import TaskStatus
from ic_console.domain.situations import Situation, SituationTracker, current_situations
from ic_console.domain.state import IncidentState, Task
from ic_console.tui.widgets.chase_list import CHASED, SOON, _running_out, chase_order


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


@settings(max_examples=300, deadline=None)
@given(
    tasks=st.lists(
        st.tuples(
            st.integers(min_value=-400, max_value=400).map(lambda s: timedelta(seconds=s / 2)),
            st.sampled_from(list(TaskStatus)),
        ),
        max_size=30,
    ),
    chased=st.sets(st.integers(min_value=1, max_value=35), max_size=10),
)
@example(  # on both edges: ending right now (late, chased) and in exactly SOON (listed)
    tasks=[(timedelta(0), TaskStatus.OPEN), (SOON, TaskStatus.OPEN), (SOON, TaskStatus.DONE)],
    chased=set(),
)
def test_what_runs_out_next_is_what_sorting_every_open_task_gave(
    tasks: list[tuple[timedelta, TaskStatus]], chased: set[int]
) -> None:
    """The "next to run out" list, from one pass over the tasks, against the way it was made
    before: every open task sorted by deadline, then those not late, ending within `SOON`,
    and not already in the chase list. Deadlines on the very edges (now, now + SOON), shared,
    closed or cancelled tasks."""
    now = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    state = IncidentState()
    for number, (offset, status) in enumerate(tasks, start=1):
        state.tasks[number] = Task(
            number=number,
            owner="Sam",
            text="check",
            assigned_at=now - timedelta(minutes=10),
            assigned_by="Alex",
            timebox=timedelta(minutes=5),
            deadline=now + offset,
            status=status,
        )
    chase = [Situation("task-expired", {"task_number": str(number)}) for number in chased]
    listed = {str(number) for number in chased}
    expected = [
        task
        for task in state.open_tasks()
        if not task.is_overdue(now)
        and task.remaining(now) <= SOON
        and str(task.number) not in listed
    ]
    assert [t.number for t in _running_out(state, now, chase)] == [t.number for t in expected]


def test_the_order_kept_between_ticks_is_the_order_worked_out_again() -> None:
    """The chase list sorts again only when the state moved on or the situations are about
    other tasks: over twenty minutes of a busy incident, ticking every few seconds while tasks
    are extended, acknowledged, closed and assigned, its order is `chase_order`'s every time;
    and on the seconds when nothing but the words changed ("late 6 minutes"), it did not sort."""
    from ic_console.content.phrasebook import shipped_phrasebook
    from ic_console.tui.widgets import chase_list

    clock = FakeClock(START)
    runner = Runner(clock)
    runner.run(c.Declare(incident_id="inc-1", title="Checkout errors", severity=1))
    for number in range(1, 61):
        clock.advance(number % 5 * 0.5)
        runner.run(
            c.AssignTask(
                owner=f"Responder {number % 9}",
                text=f"check shard {number}",
                timebox=timedelta(minutes=1 + number % 4),
            )
        )
    widget = chase_list.ChaseList(shipped_phrasebook())
    tracker = SituationTracker()
    sorted_for: list[int] = []
    real = chase_list._chase_order

    def counting(
        state: IncidentState, now: datetime, situations: list[Situation]
    ) -> tuple[list[Situation], bool]:
        sorted_for.append(second)
        return real(state, now, situations)

    chase_list._chase_order = counting  # type: ignore[assignment]
    changes = {
        90: c.ExtendTask(number=3, timebox=timedelta(minutes=5)),
        201: c.AcknowledgeTask(number=7),
        333: c.CompleteTask(number=11),
        501: c.AssignTask(owner="Sam", text="late one", timebox=timedelta(minutes=1)),
    }
    try:
        start = clock.now()
        for second in range(0, 20 * 60, 3):
            if second in changes:
                runner.run(changes[second])
            now = start + timedelta(seconds=second)
            situations = tracker.situations(runner.state, now)
            got = widget._ordered(runner.state, now, situations)
            assert [id(s) for s in got] == [
                id(s) for s in oracle_chase_order(runner.state, now, situations)
            ], second
    finally:
        chase_list._chase_order = real  # type: ignore[assignment]
    assert set(changes) <= set(sorted_for)  # each change of the state sorted again
    assert len(sorted_for) < 100, sorted_for  # most of the 400 ticks took the order kept


def test_the_order_is_worked_out_again_when_the_state_moves_on() -> None:
    """The same situations (kind and task, in the same order) over a state whose fold moved
    on, moving one task's deadline behind another's: the order is sorted again, not kept."""
    from ic_console.content.phrasebook import shipped_phrasebook
    from ic_console.tui.widgets.chase_list import ChaseList

    now = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    state = IncidentState()
    for number, late in ((1, 10), (2, 7)):
        state.tasks[number] = Task(
            number=number,
            owner="Sam",
            text="check",
            assigned_at=now - timedelta(minutes=20),
            assigned_by="Alex",
            timebox=timedelta(minutes=5),
            deadline=now - timedelta(minutes=late),
        )

    def situations() -> list[Situation]:  # made again each second, as words change
        return [Situation("task-expired", {"task_number": str(n)}) for n in (1, 2)]

    widget = ChaseList(shipped_phrasebook())
    first = widget._ordered(state, now, situations())
    assert [s.values["task_number"] for s in first] == ["1", "2"]
    state.tasks[1].deadline = now - timedelta(minutes=5)  # extended: the fold moves on
    state.last_seq += 1
    again = situations()
    got = widget._ordered(state, now, again)
    assert [s.values["task_number"] for s in got] == ["2", "1"]
    assert [id(s) for s in got] == [id(s) for s in chase_order(state, now, again)]
