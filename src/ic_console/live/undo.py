"""What a recorded command did, in one line, and the command that takes it back.

The IC acts on numbers said aloud ("task 3 is done"), often while talking: each change to a task
or a decision is confirmed with its number, owner and text (in the words of the event
vocabulary), and can be taken back for a few seconds. Taking back records the reverse event
(re-open, un-acknowledge); history is never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.describe import Narrator
from ic_console.domain.state import IncidentState

#: How long a change can be taken back with one key.
UNDO_SECONDS = 10.0
#: The changes that are confirmed in a line of their own (a log entry shows in the log).
_CONFIRMED = frozenset({"task", "decision"})
#: The commands that make such changes: only for these is the state looked at beforehand.
CONFIRMED_COMMANDS = (
    cmd.AssignTask,
    cmd.AcknowledgeTask,
    cmd.ExtendTask,
    cmd.ReassignTask,
    cmd.CompleteTask,
    cmd.CancelTask,
    cmd.RaiseObjection,
    cmd.AcceptDecision,
    cmd.WithdrawDecision,
)


@dataclass(frozen=True)
class Confirmation:
    """One line saying what was recorded (user text raw), and how to take it back."""

    text: str
    undo: cmd.Command | None = None


def reverse(command: cmd.Command, before: IncidentState) -> cmd.Command | None:
    """The command that takes `command` back, given the state it was decided on."""
    match command:
        case cmd.AcknowledgeTask(number=number):
            return cmd.UnacknowledgeTask(number=number)
        case cmd.CompleteTask(number=number) | cmd.CancelTask(number=number):
            return cmd.ReopenTask(number=number)
        case cmd.ExtendTask(number=number) if number in before.tasks:
            task = before.tasks[number]
            return cmd.UndoExtension(number=number, timebox=task.timebox, deadline=task.deadline)
        case cmd.ReassignTask(number=number) if number in before.tasks:
            task = before.tasks[number]
            return cmd.ReassignTask(number=number, owner=task.owner, timebox=task.timebox)
        case cmd.AcceptDecision(number=number) | cmd.WithdrawDecision(number=number):
            return cmd.ReopenDecision(number=number)
    return None


def confirm(
    command: cmd.Command,
    narrator: Narrator,
    state: IncidentState,
    undo: cmd.Command | None,
    recorded: list[ev.Event],
) -> Confirmation | None:
    """The confirmation of what `command` recorded. `narrator` and `undo` were made from the
    state before it ran (`reverse`), since the state is folded in place. None when nothing about
    a task or decision was recorded."""
    lines: list[str] = []
    for event in recorded:
        words = narrator.describe(event.data)
        if words.category not in _CONFIRMED:
            continue
        data = event.data
        if isinstance(data, ev.TaskAcknowledged):
            # The timeline says who acknowledged; the IC wants the task named, like the others.
            label = narrator.task_label(data.number)
            lines.append(f"{label[:1].upper()}{label[1:]} acknowledged.")
        elif isinstance(data, ev.DecisionAccepted | ev.DecisionWithdrawn):
            # "Decision 2 (roll back) accepted over 1 objection."
            decision = state.decisions.get(data.number)
            named = f"Decision {data.number}"
            text = f"{named} ({decision.text})" if decision else named
            lines.append(words.said.replace(named, text, 1))
        else:
            lines.append(f"{words.long}.")
    if not lines:
        return None
    if isinstance(command, cmd.AssignTask):
        assigned = [e.data for e in recorded if isinstance(e.data, ev.TaskAssigned)]
        undo = cmd.CancelTask(number=assigned[0].number) if assigned else None
    return Confirmation(" ".join(lines), undo)
