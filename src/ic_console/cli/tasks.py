"""Tasks and decisions: `ic task assign|ack|done|cancel|extend|reassign` and
`ic decide propose|object|accept|withdraw`."""

from __future__ import annotations

import argparse
import shlex
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, UsageError
from ic_console.cli.common import (
    cmd,
    done,
    due_phrase,
    ev,
    expect,
    joined_prefix,
    number_of,
    open_store,
    payloads,
    run,
    run_on,
    say,
    split_sub,
    timebox_of,
    words,
    words_verb,
)
from ic_console.domain.durations import DURATION_HELP, format_duration

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

TASK_VERBS = ("assign", "ack", "done", "cancel", "extend", "reassign")
DECIDE_VERBS = ("propose", "object", "accept", "withdraw")


def register(sub: SubParsers) -> None:
    """Add `task` and `decide` to `ic`."""
    p = words_verb(
        sub,
        "task",
        _task,
        "assign a timeboxed task to one person, and follow it up",
        "ic task [ID] assign OWNER TEXT --in DURATION\n"
        "       ic task [ID] ack|done|cancel TASK\n"
        "       ic task [ID] extend TASK --in DURATION\n"
        "       ic task [ID] reassign TASK OWNER [--in DURATION]",
        "TASK is the task's number (1, 2, 3...), as `ic show` lists it. Reassigning keeps "
        "the task's timebox unless --in gives a new one.",
    )
    p.add_argument("--in", dest="timebox", metavar="DURATION", help=f"the timebox: {DURATION_HELP}")

    words_verb(
        sub,
        "decide",
        _decide,
        'propose a decision and poll for strong objections ("hearing none...")',
        "ic decide [ID] propose TEXT\n"
        "       ic decide [ID] object DECISION TEXT [--as NAME]\n"
        "       ic decide [ID] accept|withdraw DECISION",
        "DECISION is the decision's number (1, 2, 3...), as `ic show` lists it. "
        "An objection is recorded as raised by --as (default: you).",
    )


def _task(args: argparse.Namespace, ctx: Context) -> int:
    given, action, rest = split_sub(args, TASK_VERBS, "task")
    timebox = timebox_of(args.timebox)
    if action == "assign":
        expect(rest, 2, 'ic task [ID] assign OWNER "TEXT" --in DURATION')
        if not rest[0].strip():
            raise UsageError(
                'Name the one person the task is for, like: ic task assign Sam "..." --in 5m.'
            )
        if timebox is None:
            raise UsageError(
                f"Give the task a timebox with --in, like: ic task assign {shlex.quote(rest[0])} "
                '"..." --in 5m.'
            )
        command: cmd.Command = cmd.AssignTask(owner=rest[0], text=rest[1], timebox=timebox)
    elif action == "reassign":
        expect(rest, 2, "ic task [ID] reassign TASK OWNER [--in DURATION]")
        command = cmd.ReassignTask(
            number=number_of(rest[0], "task"), owner=rest[1], timebox=timebox
        )
    elif action == "extend":
        expect(rest, 1, "ic task [ID] extend TASK --in DURATION")
        if timebox is None:
            raise UsageError(
                f"How much time do they need? Give it with --in, like: "
                f"ic task extend {rest[0]} --in 20m."
            )
        command = cmd.ExtendTask(number=number_of(rest[0], "task"), timebox=timebox)
    else:
        expect(rest, 1, f"ic task [ID] {action} TASK")
        if timebox is not None:
            raise UsageError(f"--in goes with assign, extend and reassign, not with {action}.")
        number = number_of(rest[0], "task")
        if action == "ack":
            command = cmd.AcknowledgeTask(number=number)
        elif action == "done":
            command = cmd.CompleteTask(number=number)
        else:
            command = cmd.CancelTask(number=number)
    store = open_store(ctx, given)
    before = {number: task.deadline for number, task in store.state.tasks.items()}
    events = run_on(ctx, store, command)
    now = events[-1].at  # the instant the deadline was computed from
    prefix = joined_prefix(events)
    narrator = words.Narrator.from_state(store.state)
    lines: list[str] = []
    for data in payloads(events):
        if isinstance(data, ev.ParticipantJoined):
            continue
        said = narrator.describe(data).said
        if isinstance(data, ev.TaskAssigned | ev.TaskReassigned):
            lines.append(f"{prefix}{said}, {due_phrase(data.deadline, now)}.")
        elif isinstance(data, ev.TaskExtended):
            owner = store.state.tasks[data.number].owner
            lines.append(
                f"{said}: {owner} is now {due_phrase(data.deadline, now)}"
                f"{_moved(before.get(data.number), data.deadline)}."
            )
        else:
            lines.append(said)
    _confirm(ctx, lines)
    return EXIT_OK


def _moved(previous: datetime | None, deadline: datetime) -> str:
    """ ", 5m later than before": an extension counts from now, so it may even move it earlier."""
    if previous is None or previous == deadline:
        return ""
    shift = deadline - previous
    if shift > timedelta(0):
        return f", {format_duration(shift)} later than before"
    return f", {format_duration(shift)} earlier than before"


def _confirm(ctx: Context, lines: list[str]) -> None:
    for line in lines[:-1]:
        say(ctx, line)
    if lines:
        done(ctx, lines[-1])


def _decide(args: argparse.Namespace, ctx: Context) -> int:
    given, action, rest = split_sub(args, DECIDE_VERBS, "decision")
    if action == "propose":
        expect(rest, 1, 'ic decide [ID] propose "TEXT"')
        command: cmd.Command = cmd.ProposeDecision(text=rest[0])
    elif action == "object":
        expect(rest, 2, 'ic decide [ID] object DECISION "TEXT" [--as NAME]')
        command = cmd.RaiseObjection(number=number_of(rest[0], "decision"), text=rest[1])
    else:
        expect(rest, 1, f"ic decide [ID] {action} DECISION")
        number = number_of(rest[0], "decision")
        if action == "accept":
            command = cmd.AcceptDecision(number=number)
        else:
            command = cmd.WithdrawDecision(number=number)
    store, events = run(ctx, given, command)
    narrator = words.Narrator.from_state(store.state)
    lines: list[str] = []
    for data in payloads(events):
        if isinstance(data, ev.ParticipantJoined):
            continue
        said = narrator.describe(data).said
        if isinstance(data, ev.DecisionProposed):
            said += f' Ask the call: "I propose {data.text}. Are there any strong objections?"'
        elif isinstance(data, ev.DecisionAccepted):
            objectors = list(dict.fromkeys(narrator.objections.get(data.number, [])))
            if objectors:  # the words every face uses (domain/describe.py)
                said = words.decided_over_objections(
                    data.number, objectors, store.state.ic or ctx.actor
                )
            said += f' Say: "{words.go_ahead_sentence(objectors)}"'
        lines.append(said)
    _confirm(ctx, lines)
    return EXIT_OK
