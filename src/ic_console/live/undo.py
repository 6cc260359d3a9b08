"""What a recorded command did, in one line, and the command that takes it back.

The IC acts on numbers said aloud ("task 3 is done"), often while talking: each change to a task
or a decision is confirmed with its number, owner and text, and can be taken back for a few
seconds. Taking back records the reverse event (re-open, un-acknowledge); history is never
deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.durations import format_duration
from ic_console.domain.state import IncidentState, Task

#: How long a change can be taken back with one key.
UNDO_SECONDS = 10.0


@dataclass(frozen=True)
class Confirmation:
    """One line saying what was recorded (user text raw), and how to take it back."""

    text: str
    undo: cmd.Command | None = None


def task_label(task: Task) -> str:
    return f"Task {task.number} ({task.owner}: {task.text})"


def confirm(
    command: cmd.Command, before: IncidentState, recorded: list[ev.Event]
) -> Confirmation | None:
    """The confirmation of `command`, given the state it was decided on and what it recorded.

    None for commands that need no confirmation line (a log entry shows in the log at once).
    """
    match command:
        case cmd.AssignTask():
            for event in recorded:
                if isinstance(event.data, ev.TaskAssigned):
                    data = event.data
                    return Confirmation(
                        f"Task {data.number} ({data.owner}: {data.text}) assigned, "
                        f"{format_duration(timedelta(seconds=data.timebox_seconds))}.",
                        cmd.CancelTask(number=data.number),
                    )
            return None
        case cmd.AcknowledgeTask(number=number) if number in before.tasks:
            task = before.tasks[number]
            return Confirmation(
                f"{task_label(task)} acknowledged.", cmd.UnacknowledgeTask(number=number)
            )
        case cmd.CompleteTask(number=number) if number in before.tasks:
            return Confirmation(
                f"{task_label(before.tasks[number])} done.", cmd.ReopenTask(number=number)
            )
        case cmd.CancelTask(number=number) if number in before.tasks:
            return Confirmation(
                f"{task_label(before.tasks[number])} cancelled.", cmd.ReopenTask(number=number)
            )
        case cmd.ExtendTask(number=number, timebox=timebox) if number in before.tasks:
            task = before.tasks[number]
            return Confirmation(
                f"{task_label(task)} extended: {format_duration(timebox)} from now.",
                cmd.UndoExtension(number=number, timebox=task.timebox, deadline=task.deadline),
            )
        case cmd.ReassignTask(number=number, owner=owner) if number in before.tasks:
            task = before.tasks[number]
            return Confirmation(
                f"{task_label(task)} reassigned to {owner}.",
                cmd.ReassignTask(number=number, owner=task.owner, timebox=task.timebox),
            )
        case cmd.AcceptDecision(number=number) if number in before.decisions:
            decision = before.decisions[number]
            objections = len(decision.objections)
            over = f" over {objections} objection{'s' * (objections != 1)}" if objections else ""
            return Confirmation(
                f"Decision {number} ({decision.text}) accepted{over}.",
                cmd.ReopenDecision(number=number),
            )
        case cmd.WithdrawDecision(number=number) if number in before.decisions:
            decision = before.decisions[number]
            return Confirmation(
                f"Decision {number} ({decision.text}) withdrawn.",
                cmd.ReopenDecision(number=number),
            )
        case cmd.RaiseObjection(number=number) if number in before.decisions:
            decision = before.decisions[number]
            return Confirmation(f"Objection to decision {number} ({decision.text}) recorded.")
    return None
