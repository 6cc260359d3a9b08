"""Per task: its timeboxes, extensions, reassignments, acknowledgement and time past deadline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ic_console.domain import events as ev
from ic_console.domain.model import (
    TaskStatus,
)
from ic_console.domain.state import TASK_EVENTS, IncidentState, replay
from ic_console.review.response_times import call_end, span

#: Every event about a task, its creation included: the tally numbers them as the fold does.
NUMBERED_TASKS: frozenset[type[Any]] = TASK_EVENTS | {ev.TaskAssigned}


@dataclass(frozen=True, slots=True)
class Extension:
    at: datetime
    timebox: timedelta
    deadline: datetime


@dataclass(frozen=True, slots=True)
class TaskFigures:
    number: int
    #: The owner at the end (after any reassignment).
    owner: str
    text: str
    assigned_at: datetime
    #: The timebox first given.
    timebox: timedelta
    extensions: tuple[Extension, ...]
    reassignments: int
    acknowledged_at: datetime | None
    status: TaskStatus
    closed_at: datetime | None
    #: Total time spent past a deadline before it was extended, reassigned or closed.
    overrun: timedelta

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        return span(self.assigned_at, self.acknowledged_at) if self.acknowledged_at else None

    @property
    def never_acknowledged(self) -> bool:
        return self.acknowledged_at is None


class TaskTally:
    """The task figures gathered event by event: each task's first timebox, its current
    deadline, its extensions and the time it has run past its deadlines so far. Only these few
    facts are kept, never the events themselves."""

    def __init__(self) -> None:
        self.first_box: dict[int, timedelta] = {}
        self.deadlines: dict[int, datetime] = {}
        self.overruns: dict[int, timedelta] = {}
        self.extensions: dict[int, list[Extension]] = {}
        self.closed: set[int] = set()
        #: The creating event's id -> the task's number in fold order.
        self._refs: dict[str, int] = {}

    def _run_to(self, number: int, at: datetime) -> None:
        late = at - self.deadlines[number]
        if late > timedelta(0):
            self.overruns[number] += late

    def add(self, event: ev.Event) -> None:
        data: Any = event.data
        if type(data) in NUMBERED_TASKS:
            data = self._as_folded(event)
        if isinstance(data, ev.TaskAssigned):
            self.first_box[data.number] = timedelta(seconds=data.timebox_seconds)
            self.deadlines[data.number] = data.deadline
            self.overruns[data.number] = timedelta(0)
            self.extensions[data.number] = []
        elif isinstance(data, ev.TaskExtended):
            self._run_to(data.number, event.at)
            self.deadlines[data.number] = data.deadline
            self.extensions[data.number].append(
                Extension(event.at, timedelta(seconds=data.timebox_seconds), data.deadline)
            )
        elif isinstance(data, ev.TaskReassigned):
            self._run_to(data.number, event.at)
            self.deadlines[data.number] = data.deadline
        elif isinstance(data, ev.TaskDone | ev.TaskCancelled):
            self._run_to(data.number, event.at)
            self.closed.add(data.number)
        elif isinstance(data, ev.TaskReopened):
            # Closed by mistake and taken back: it runs on against its deadline as before.
            self.closed.discard(data.number)
        elif isinstance(data, ev.TaskExtensionUndone):
            self.deadlines[data.number] = data.deadline
            if self.extensions[data.number]:
                self.extensions[data.number].pop()

    def _as_folded(self, event: ev.Event) -> Any:
        """The payload with its task numbered as the fold numbers it (`resolve_numbers`): in
        fold order, later events finding their task by the creating event's id, so a merge
        that renumbered two laptops' tasks keeps each figure with its task."""
        data: Any = event.data
        if type(data) is ev.TaskAssigned:
            number = len(self.first_box) + 1
            self._refs[event.id] = number
        else:
            number = self._refs.get(event.ref, data.number) if event.ref else data.number
        return data if number == data.number else data.model_copy(update={"number": number})

    def figures(self, folded: IncidentState, end: datetime | None) -> list[TaskFigures]:
        """Per task, with the tasks still open run to `end` (the tally itself is unchanged)."""
        figures: list[TaskFigures] = []
        for number in sorted(folded.tasks):
            task = folded.tasks[number]
            overrun = self.overruns[number]
            if number not in self.closed and end is not None:
                late = end - self.deadlines[number]
                if late > timedelta(0):
                    overrun += late
            figures.append(
                TaskFigures(
                    number=number,
                    owner=task.owner,
                    text=task.text,
                    assigned_at=task.assigned_at,
                    timebox=self.first_box[number],
                    extensions=tuple(self.extensions[number]),
                    reassignments=task.reassignments,
                    acknowledged_at=task.acknowledged_at,
                    status=task.status,
                    closed_at=task.closed_at,
                    overrun=overrun,
                )
            )
        return figures


def task_figures(
    events: Sequence[ev.Event],
    *,
    state: IncidentState | None = None,
    end: datetime | None = None,
) -> list[TaskFigures]:
    """Per task: timebox, extensions, reassignments, acknowledgement and overrun."""
    end = end or call_end(events)
    tally = TaskTally()
    for event in events:
        tally.add(event)
    folded = state if state is not None else replay(events)
    return tally.figures(folded, end)


def unacknowledged_tasks(events: Sequence[ev.Event]) -> list[TaskFigures]:
    """Tasks whose (last) owner never acknowledged them: "Understood?" went unanswered."""
    return [task for task in task_figures(events) if task.never_acknowledged]
