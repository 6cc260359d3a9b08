"""The drill scorecard's `measure` as it was before it kept open deadlines by when they run out:
each event looked at every open task's deadline (minutes at 100,000 events with a couple of
thousand tasks open). Kept as the tests' oracle: the figures must stay the same."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain.model import DEFAULT_CADENCE, Role
from ic_console.review.scorecard import (
    CORE_ROLES,
    FOLLOW_UP_GRACE,
    LIAISON_ROLES,
    LIAISON_SEVERITIES,
    POLL_WAIT,
    Figures,
    _cadence,
)


def oracle_measure(
    events: Iterable[ev.Event], cadence: dict[int, timedelta | None] | None = None
) -> Figures:
    """The figures of one response from its events, in log order."""
    table = cadence or DEFAULT_CADENCE
    declared_at: datetime | None = None
    severity = 0
    end: datetime | None = None
    last: datetime | None = None
    to_ic: timedelta | None = None
    to_first_task: timedelta | None = None
    tasks = without = 0
    #: Per open task: its deadline, and whether that deadline has run out unanswered.
    deadlines: dict[int, datetime] = {}
    run_out = on_time = 0
    proposed: dict[int, datetime] = {}
    objected: set[int] = set()
    accepted = polled = 0
    updates: list[datetime] = []
    filled: list[Role] = []
    handovers = 0
    #: Per handover: when it happened, to whom, and how long the acknowledgement took.
    handed: list[tuple[datetime, str]] = []
    acks: list[timedelta | None] = []

    def expire(until: datetime) -> None:
        """Timeboxes that ran out before `until` and were not dealt with: counted once."""
        nonlocal run_out
        for number, deadline in list(deadlines.items()):
            if deadline + FOLLOW_UP_GRACE < until:
                run_out += 1
                del deadlines[number]

    def touch(number: int, at: datetime, new_deadline: datetime | None) -> None:
        """Someone dealt with task `number` at `at`: on time within the grace of its deadline."""
        nonlocal run_out, on_time
        deadline = deadlines.pop(number, None)
        if deadline is not None and at >= deadline:
            run_out += 1
            on_time += 1
        if new_deadline is not None:
            deadlines[number] = new_deadline

    for event in events:
        data = event.data
        at = event.at
        last = at
        if end is None:
            expire(at)
        if isinstance(data, ev.IncidentDeclared):
            declared_at, severity = at, data.severity
        elif isinstance(data, ev.SeverityChanged):
            severity = data.severity
        elif declared_at is None or end is not None:
            continue
        elif isinstance(data, ev.RoleAssigned | ev.CommandHandedOver):
            role = data.role if isinstance(data, ev.RoleAssigned) else Role.IC
            if isinstance(data, ev.CommandHandedOver):
                handovers += 1
                handed.append((at, data.name.casefold()))
                acks.append(None)
            if role is Role.IC and to_ic is None:
                to_ic = at - declared_at
            if role not in filled:
                filled.append(role)
        elif isinstance(data, ev.TaskAssigned):
            tasks += 1
            if not data.owner.strip() or data.timebox_seconds <= 0:
                without += 1
            if to_first_task is None and data.timebox_seconds > 0:
                to_first_task = at - declared_at
            deadlines[data.number] = data.deadline
        elif isinstance(data, ev.TaskExtended | ev.TaskReassigned):
            touch(data.number, at, data.deadline)
        elif isinstance(data, ev.TaskDone | ev.TaskCancelled):
            touch(data.number, at, None)
        elif isinstance(data, ev.DecisionProposed):
            proposed[data.number] = at
        elif isinstance(data, ev.ObjectionRaised):
            objected.add(data.number)
        elif isinstance(data, ev.DecisionAccepted):
            accepted += 1
            since = proposed.get(data.number)
            if data.number in objected or (since is not None and at - since >= POLL_WAIT):
                polled += 1
        elif isinstance(data, ev.HandoverAcknowledged):
            # Only the latest handover can be acknowledged: once command moved on, an earlier
            # commander's yes no longer answers anything.
            if handed and acks[-1] is None and handed[-1][1] == data.name.casefold():
                acks[-1] = at - handed[-1][0]
        elif isinstance(data, ev.UpdatePosted):
            updates.append(at)
        elif isinstance(data, ev.IncidentResolved | ev.IncidentClosed):
            end = at
    if declared_at is None:
        raise ValueError("the log holds no declaration")
    finish = end or last or declared_at
    expire(finish)
    every = table.get(severity)
    due, on_cadence = _cadence(declared_at, finish, updates, every)
    needed = CORE_ROLES + (LIAISON_ROLES if severity in LIAISON_SEVERITIES else ())
    return Figures(
        severity=severity,
        duration=finish - declared_at,
        to_ic=to_ic,
        to_first_task=to_first_task,
        tasks=tasks,
        tasks_without_owner_or_timebox=without,
        timeboxes_run_out=run_out,
        followed_up_on_time=on_time,
        decisions_accepted=accepted,
        decisions_polled=polled,
        updates_due=due,
        updates_on_cadence=on_cadence,
        cadence=every,
        roles_needed=needed,
        roles_filled=tuple(role for role in needed if role in filled),
        handovers=handovers,
        handover_acks=tuple(acks),
        ended=end is not None,
    )
