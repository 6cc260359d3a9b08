"""What a recorded command did, in one line, and the command that takes it back.

The IC acts on numbers said aloud ("task 3 is done"), often while talking: each change to a task
or a decision is confirmed with its number, owner and text (in the words of the event
vocabulary), and can be taken back for a few seconds. Taking back records the reverse event
(re-open, un-acknowledge); history is never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.describe import Narrator
from ic_console.domain.errors import DomainError
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


def mark(undo: cmd.Command | None, state: IncidentState) -> tuple[object, ...] | None:
    """What the task or decision that `undo` would act on looks like in `state`: taken right
    after a change and again when it is to be taken back, a difference means another terminal
    changed it since (the Deputy gave the task to Mei), and taking back would undo their
    change instead of this one."""
    number = getattr(undo, "number", None)
    if not isinstance(number, int):
        return None
    if isinstance(undo, cmd.ReopenDecision):
        decision = state.decisions.get(number)
        if decision is None:
            return ("decision", number, None)
        return ("decision", number, decision.status, len(decision.objections))
    task = state.tasks.get(number)
    if task is None:
        return ("task", number, None)
    return (
        "task",
        number,
        task.owner,
        task.status,
        task.deadline,
        task.timebox,
        task.acknowledged_at is not None,
    )


def changed_since(undo: cmd.Command, state: IncidentState) -> str:
    """The refusal of an undo whose task or decision changed elsewhere, naming it as it is."""
    number = getattr(undo, "number", 0)
    if isinstance(undo, cmd.ReopenDecision):
        decision = state.decisions.get(number)
        now = f"now {decision.status.value}" if decision else "now gone"
        return (
            f"Not undone: decision {number} changed in another terminal since ({now}). "
            "Nothing was taken back."
        )
    task = state.tasks.get(number)
    now = f"now {task.owner}'s, {task.status.value}" if task else "now gone"
    return (
        f"Not undone: task {number} changed in another terminal since ({now}). Nothing was "
        "taken back; change it with its own key if it is still wrong."
    )


class UndoUnlessChanged(cmd.Command):
    """`undo`, decided only while its task or decision is as this terminal's change left it
    (`expect`, from `mark`). It is decided as every command is, under the incident's lock and
    after reading what the other terminals appended, so a change made there a moment before
    ctrl+z is never taken back in place of this terminal's own."""

    undo: cmd.Command
    expect: tuple[object, ...] | None

    def decide(self, state: IncidentState, now: datetime, actor: str) -> cmd.Events:
        if mark(self.undo, state) != self.expect:
            raise DomainError(changed_since(self.undo, state))
        return self.undo.decide(state, now, actor)
