"""The task board: who owns what, and how long until the IC follows up.

Countdowns are computed from stored deadlines at each app-wide tick (never decremented), so they
survive restarts and agree between terminals. An expired timebox becomes an overdue line that
counts up. Only the visible rows are rendered, so 200 running countdowns cost almost nothing.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.message import Message

from ic_console.domain.state import Task
from ic_console.tui.text import countdown, fit, literal, truncate
from ic_console.tui.widgets.line_list import LineList

OWNER_WIDTH = 12
#: Seconds after a task left from under the cursor during which a cursor key was still typed at
#: the board as it was: "Down d" typed together moved from a row the IC did not choose to one
#: they had not seen. Like the pause that tells a pane key from a number (`NUMBER_BURST`).
SEEN_AFTER = 1.0
#: The clock Textual stamps keys with (`textual._time`), to compare a key with a change.
_key_clock = time.perf_counter if sys.platform == "win32" else time.monotonic
#: Cells of the task number column ("#12 "), widened for a larger number.
NUMBER_WIDTH = 4
#: The team column, shown when there are teams (issue 15).
TEAM_WIDTH = 8


def grouped_by_team(tasks: list[Task], teams: dict[str, str]) -> list[Task]:
    """`tasks` (sorted by deadline) grouped by their owner's team, in the order of `teams`'
    values as first seen; tasks of people in no team last. Within a group, deadline order."""
    order: dict[str, int] = {}
    for name in teams.values():
        order.setdefault(name, len(order))
    return sorted(tasks, key=lambda task: order.get(teams.get(task.owner, ""), len(order)))


def _identity(task: Task) -> tuple[datetime, str, str]:
    """What tells a task from any other, whatever its number: when, by whom and what."""
    return task.assigned_at, task.assigned_by, task.text


class TaskBoard(LineList):
    """Open tasks, soonest deadline first."""

    COMPONENT_CLASSES: ClassVar[set[str]] = LineList.COMPONENT_CLASSES | {
        "task-board--number",
        "task-board--owner",
        "task-board--countdown",
        "task-board--overdue",
        "task-board--acked",
        "task-board--unacked",
        "task-board--team",
    }
    empty_text = "No open tasks. Press t to assign one to a named person, with a timebox."

    class Selected(Message):
        """The cursor is on task `number` (None when there are no open tasks)."""

        def __init__(self, number: int | None) -> None:
            super().__init__()
            self.number = number

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id, classes=classes)
        self.tasks: list[Task] = []
        self.now: datetime | None = None
        #: The team of each task owner, in the order the teams were formed (issue 15): when
        #: there are teams, the board groups by team and shows each task's team.
        self.teams: dict[str, str] = {}
        #: Cells of the "#N" column, its space included.
        self.number_width = NUMBER_WIDTH
        #: The task that was under the cursor when it left the board (closed here or in another
        #: terminal) and the cursor moved to another task without the IC moving it: the IC's
        #: next task key may have been meant for the task that left. None once the IC moves
        #: the cursor, or a task key has been told.
        self.moved_from: int | None = None
        #: When `moved_from` was set (the clock keys are stamped with).
        self._moved_at = 0.0

    @property
    def selected_task(self) -> Task | None:
        if 0 <= self.cursor < len(self.tasks):
            return self.tasks[self.cursor]
        return None

    def show(self, tasks: list[Task], now: datetime) -> None:
        """Show `tasks` (already sorted by deadline), keeping the cursor on the same task: the
        same task, not the same number, which a merge of two laptops' logs can give to
        another task ("Priya's task 'page network' is now task 4")."""
        selected = self.selected_task
        keep = selected.number if selected else None
        same = _identity(selected) if selected else None
        if self.teams:
            tasks = grouped_by_team(tasks, self.teams)
        self.tasks = tasks
        self.now = now
        # "#12 " by default; wide enough for the largest number shown ("#1801 Sam", not
        # "#1801Sam" at thousands of tasks), the same for every row so the columns line up.
        largest = max((task.number for task in tasks), default=0)
        self.number_width = max(NUMBER_WIDTH, len(str(largest)) + 2)
        self.set_row_count(len(tasks))
        if keep is not None:
            for index, task in enumerate(tasks):
                if _identity(task) == same:
                    self.cursor = index
                    break
            else:
                # The task under the cursor left the board: the row now under it is another
                # task, which the IC did not choose.
                self.moved_from = keep if self.selected_task is not None else None
                self._moved_at = _key_clock()
        self.post_message(self.Selected(self.selected_task.number if self.selected_task else None))
        self.refresh()

    def action_cursor(self, step: int) -> None:
        before = self.cursor
        super().action_cursor(step)
        self._chosen(before)

    def action_first(self) -> None:
        before = self.cursor
        super().action_first()
        self._chosen(before)

    def action_last(self) -> None:
        before = self.cursor
        super().action_last()
        self._chosen(before)

    def _chosen(self, before: int) -> None:
        """The IC moved the cursor: the row it is on now is theirs, unless the move did not
        move it (Down on the last row) or was typed before they could see the board change
        (within `SEEN_AFTER`): then the next task key is still refused once."""
        if self.moved_from is None or self.cursor == before:
            return
        typed = float(getattr(self.app, "key_typed_at", 0.0))
        if typed and typed - self._moved_at < SEEN_AFTER:
            return
        self.moved_from = None

    def tick(self, now: datetime) -> None:
        """Move the countdowns on; only the visible rows are redrawn."""
        self.now = now
        self.refresh()

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        task = self.selected_task
        self.post_message(self.Selected(task.number if task else None))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"task-board--{name}", partial=True)

    def render_row(self, index: int, width: int, selected: bool) -> list[Segment]:
        task = self.tasks[index]
        now = self.now or task.assigned_at
        remaining = task.remaining(now)
        overdue = remaining.total_seconds() <= 0
        clock = countdown(remaining).rjust(11)
        acked = task.acknowledged_at is not None
        state = "ack" if acked else "not ack"
        state_style = self._style("acked" if acked else "unacked")
        if overdue:
            clock = ("late " + countdown(remaining)).rjust(11)
        row_style = self._style("overdue") if overdue else Style()
        number = f"#{task.number}".ljust(self.number_width)
        segments = [Segment(number, self._style("number") + row_style)]
        used = 0
        if self.teams:
            team = fit(literal(self.teams.get(task.owner, "")), TEAM_WIDTH)
            segments.append(Segment(team + " ", self._style("team") + row_style))
            used += TEAM_WIDTH + 1
        segments += [
            Segment(
                fit(literal(task.owner), OWNER_WIDTH) + " ",
                self._style("owner") + row_style,
            ),
            Segment(clock + " ", self._style("overdue") if overdue else self._style("countdown")),
            Segment(state.ljust(8), state_style + row_style),
        ]
        used += self.number_width + OWNER_WIDTH + 1 + len(clock) + 1 + 8
        segments.append(Segment(truncate(literal(task.text), max(0, width - used)), row_style))
        return segments
