"""A command about one task, decision or exit criterion, held to the one the person chose, not to
its number.

With two laptops, numbers can change under the IC: a task recorded on the other laptop a moment
earlier arrives by sync, the merged fold numbers it first, and the IC's "task 2" (Sam's) becomes
task 3 while task 2 is now Kim's. A key pressed on Sam's row, or a form opened for Sam's task,
built `CompleteTask(number=2)`: decided after the store had read Kim's task in, it closed Kim's.

`Pinned` carries the command with the id of the event that created its task or decision (the
fold's `task_refs` / `decision_refs`). It is decided, as every command is, under the incident's
lock after reading what arrived, and refuses when the number no longer names that task
(`NumberMoved`); `LiveIncident.execute` then aims the command at the task's number now and runs
it again, so the change lands on the task the person chose and its confirmation says its new
number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ic_console.domain import commands as cmd
from ic_console.domain import scale
from ic_console.domain.errors import DomainError
from ic_console.domain.state import IncidentState

#: Commands that name a task by its number.
TASK_COMMANDS = (
    cmd.AcknowledgeTask,
    cmd.ExtendTask,
    cmd.ReassignTask,
    cmd.CompleteTask,
    cmd.CancelTask,
)
#: Commands that name a decision by its number.
DECISION_COMMANDS = (cmd.RaiseObjection, cmd.AcceptDecision, cmd.WithdrawDecision)
#: Commands that name an exit criterion by its number (numbered in fold order as tasks are:
#: two laptops that each add one while apart end with one of them renumbered).
EXIT_COMMANDS = (scale.MeetExitCriterion, scale.UnmeetExitCriterion, scale.DropExitCriterion)

Kind = Literal["task", "decision", "exit criterion"]

#: Times a pinned command is aimed again when a renumbering was read in while it was decided
#: (each time the store has read everything there was): more than one is a sync per attempt.
PIN_ATTEMPTS = 3


class NumberMoved(DomainError):
    """The number no longer names the pinned task or decision: aim again and retry."""


def _refs(state: IncidentState, kind: Kind) -> dict[str, int]:
    if kind == "exit criterion":
        return state.exit_refs
    return state.task_refs if kind == "task" else state.decision_refs


def ref_of(state: IncidentState, kind: Kind, number: int) -> str | None:
    """The id of the event that created task (or decision) `number` in `state`."""
    return next((ref for ref, n in _refs(state, kind).items() if n == number), None)


def number_of(state: IncidentState, kind: Kind, ref: str) -> int | None:
    """The number the task (or decision) created by event `ref` has in `state` now."""
    return _refs(state, kind).get(ref)


class Pinned(cmd.Command):
    """`command`, decided only while its number still names the task or decision created by
    event `ref`."""

    command: cmd.Command
    kind: Kind
    ref: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> cmd.Events:
        number = getattr(self.command, "number", None)
        if number_of(state, self.kind, self.ref) != number:
            raise NumberMoved(f"The {self.kind} numbers changed: {self.kind} {number} moved.")
        return self.command.decide(state, now, actor)

    def aimed(self, state: IncidentState) -> Pinned | None:
        """This command with the number its task or decision has in `state`; None when that
        task or decision is not there at all."""
        number = number_of(state, self.kind, self.ref)
        if number is None:
            return None
        if number == getattr(self.command, "number", None):
            return self
        moved = self.command.model_copy(update={"number": number})
        return Pinned(command=moved, kind=self.kind, ref=self.ref)


def gone(pinned: Pinned) -> str:
    """Why a pinned command was not recorded when its task or decision cannot be found."""
    number = getattr(pinned.command, "number", "?")
    return (
        f"Not recorded: {pinned.kind} {number} as it was shown is no longer in the incident "
        "(the numbers changed when another laptop's changes arrived). Look at the board and "
        "name it again."
    )


def pin(state: IncidentState | None, command: cmd.Command) -> cmd.Command:
    """`command` pinned to the task or decision its number names in `state` (what the screen
    showed when the person chose it); other commands, and numbers `state` does not know, as
    they are."""
    if state is None:
        return command
    kind: Kind
    if isinstance(command, TASK_COMMANDS):
        kind = "task"
    elif isinstance(command, DECISION_COMMANDS):
        kind = "decision"
    elif isinstance(command, EXIT_COMMANDS):
        kind = "exit criterion"
    else:
        return command
    return held_to(ref_of(state, kind, command.number), kind, command)


def held_to(ref: str | None, kind: Kind, command: cmd.Command) -> cmd.Command:
    """`command` pinned to the task or decision created by event `ref` (as it is when `ref` is
    None: a number the state did not know)."""
    return command if ref is None else Pinned(command=command, kind=kind, ref=ref)


def undo_kind(undo: cmd.Command) -> Kind | None:
    """What the command that takes a change back names by number (as `live.undo.mark` reads
    it): a decision for a reopen of one, else a task; None when it names nothing."""
    if not isinstance(getattr(undo, "number", None), int):
        return None
    if isinstance(undo, EXIT_COMMANDS):
        return "exit criterion"
    return "decision" if isinstance(undo, cmd.ReopenDecision) else "task"


def aimed_undo(
    state: IncidentState, undo: cmd.Command, expect: tuple[object, ...] | None, ref: str | None
) -> tuple[cmd.Command, tuple[object, ...] | None]:
    """The undo of a change to the task (or decision) created by event `ref`, and what that
    task must look like for it (`expect`, from `live.undo.mark`), at the number it has in
    `state`: another laptop's task may have taken the number it had when it was changed."""
    kind = undo_kind(undo)
    if ref is None or kind is None:
        return undo, expect
    number = number_of(state, kind, ref)
    if number is None or number == getattr(undo, "number", None):
        return undo, expect
    moved = undo.model_copy(update={"number": number})
    if expect is not None and len(expect) > 1:
        expect = (expect[0], number, *expect[2:])  # mark's second item is the number
    return moved, expect
