"""JSON-ready views of an incident: what `ic show --json` and `ic list --json` print.

Pure functions of an `IncidentState` and a `now`, so every face (CLI, exports, bots) derives the
same numbers the same way: times are ISO-8601 UTC strings ending in "Z", durations are whole
seconds, and derived facts (overdue, time left, next update due) are computed here from stored
instants, never stored themselves. The layout is versioned by `VIEW_VERSION`; fields are only
ever added, so scripts that read it keep working.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ic_console.domain.logbook import LogBook
from ic_console.domain.model import (
    DEFAULT_CADENCE,
    SINGLE_ROLES,
    LogKind,
    Role,
    Status,
    severity_label,
)
from ic_console.domain.parse import is_followup
from ic_console.domain.records import (
    Decision,
    LogEntry,
    Participant,
    RoleStint,
    StakeholderUpdate,
    Task,
)
from ic_console.domain.state import IncidentState

#: Version of the view layout below. Raise it only when a field changes meaning or goes away.
VIEW_VERSION = 1

JSON = dict[str, Any]


def iso(when: datetime | None) -> str | None:
    """An instant as ISO-8601 UTC with a "Z", or None."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    text = when.isoformat()
    if text.endswith("+00:00"):  # UTC already, as stored times are: the same wall time
        return text[:-6] + "Z"
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def seconds(delta: timedelta) -> int:
    """Whole seconds, rounded down, so a countdown goes negative the moment it runs out."""
    return math.floor(delta.total_seconds())


def roles_view(state: IncidentState) -> JSON:
    """Who holds each role now: one name (or None) per single role, a list of SMEs."""
    roles: JSON = {role.value: state.holder(role) for role in SINGLE_ROLES}
    roles[Role.SME.value] = list(state.smes)
    return roles


def participant_view(state: IncidentState, person: Participant, now: datetime) -> JSON:
    return {
        "name": person.name,
        "on_call": person.on_call,
        "joined_at": iso(person.joined_at),
        "released_at": iso(person.released_at),
        "time_on_call_seconds": seconds(person.time_on_call(now)),
        "should_rotate": person.should_rotate(now),
        "roles": [role.value for role in state.roles_of(person.name)],
        "earlier_stints": [{"joined_at": iso(a), "released_at": iso(b)} for a, b in person.earlier],
    }


def task_view(task: Task, now: datetime) -> JSON:
    """A task with its countdown. `remaining_seconds` is None once the task is closed."""
    return {
        "number": task.number,
        "owner": task.owner,
        "text": task.text,
        "status": task.status.value,
        "assigned_at": iso(task.assigned_at),
        "assigned_by": task.assigned_by,
        "timebox_seconds": seconds(task.timebox),
        "deadline": iso(task.deadline),
        "remaining_seconds": seconds(task.remaining(now)) if task.is_open else None,
        "overdue": task.is_overdue(now),
        "acknowledged": task.acknowledged_at is not None,
        "acknowledged_at": iso(task.acknowledged_at),
        "closed_at": iso(task.closed_at),
        "extensions": task.extensions,
        "reassignments": task.reassignments,
    }


def decision_view(decision: Decision) -> JSON:
    return {
        "number": decision.number,
        "text": decision.text,
        "status": decision.status.value,
        "proposed_by": decision.proposed_by,
        "proposed_at": iso(decision.proposed_at),
        "closed_at": iso(decision.closed_at),
        "objections": [
            {"by": objection.by, "text": objection.text, "at": iso(objection.at)}
            for objection in decision.objections
        ],
    }


def log_entry_view(entry: LogEntry) -> JSON:
    """A scribe entry; `when` is when it happened (occurred_at, else when it was recorded)."""
    return {
        "seq": entry.seq,
        "kind": entry.kind.value,
        "text": entry.text,
        "author": entry.author,
        "recorded_at": iso(entry.recorded_at),
        "occurred_at": iso(entry.occurred_at),
        "when": iso(entry.when),
    }


def update_view(update: StakeholderUpdate) -> JSON:
    return {
        "audience": update.audience.value,
        "text": update.text,
        "at": iso(update.at),
        "by": update.by,
    }


def stint_view(stint: RoleStint) -> JSON:
    return {
        "role": stint.role.value,
        "name": stint.name,
        "start": iso(stint.start),
        "end": iso(stint.end),
    }


def next_update_view(
    state: IncidentState, now: datetime, cadence: dict[int, timedelta | None] | None = None
) -> JSON:
    """When the next stakeholder update is due, how long until then, and whether it is late."""
    table = cadence or DEFAULT_CADENCE
    every = state.cadence(table)
    due = state.next_update_due(table)
    last = state.last_update()
    return {
        "cadence_seconds": seconds(every) if every is not None else None,
        "due": iso(due),
        "in_seconds": seconds(due - now) if due is not None else None,
        "overdue": due is not None and now >= due,
        "last_at": iso(last.at) if last else None,
    }


def summary_view(
    state: IncidentState, now: datetime, cadence: dict[int, timedelta | None] | None = None
) -> JSON:
    """The short picture of one incident, one row of `ic list --json`."""
    open_tasks = state.open_tasks()
    next_update = next_update_view(state, now, cadence)
    return {
        "view": VIEW_VERSION,
        "id": state.incident_id,
        "title": state.title,
        "severity": state.severity,
        "severity_label": severity_label(state.severity),
        "phase": state.phase.value,
        "status": state.status.value,
        "active": state.status is Status.ACTIVE,
        "declared_by": state.declared_by,
        "declared_at": iso(state.declared_at),
        "resolved_at": iso(state.resolved_at),
        "closed_at": iso(state.closed_at),
        "updated_at": iso(state.updated_at),
        "elapsed_seconds": seconds(state.elapsed(now)),
        "ic": state.ic,
        "on_call": [person.name for person in state.on_call()],
        "open_tasks": len(open_tasks),
        "overdue_tasks": sum(1 for task in open_tasks if task.is_overdue(now)),
        "open_decisions": len(state.open_decisions()),
        "next_update_due": next_update["due"],
        "next_update_overdue": next_update["overdue"],
        "last_seq": state.last_seq,
    }


class RowsAsMade(list[JSON]):
    """A view's long list whose rows are made as they are written, one at a time: the `json`
    module writes a list with an indent by asking whether it is empty and iterating it, so a
    scribe log of 10,000 entries of 20 kB is never held as rows all at once (`ic show --json`
    peaked at 297 MB so). Only for writing: it holds no items of its own."""

    def __init__(
        self,
        count: int | Callable[[], int],
        make: Callable[[], Iterator[JSON]],
        *,
        nonempty: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__()
        #: How many rows: a number, or how to count them (once, when asked: writing asks only
        #: whether there are any, which `nonempty` may answer without counting).
        self._count = count
        self._make = make
        self._nonempty = nonempty

    def __len__(self) -> int:
        count = self._count
        if not isinstance(count, int):
            count = self._count = count()
        return count

    def __bool__(self) -> bool:
        if self._nonempty is not None and not isinstance(self._count, int):
            return self._nonempty()
        return len(self) > 0

    def __iter__(self) -> Iterator[JSON]:
        return self._make()


def _log_rows(state: IncidentState) -> tuple[RowsAsMade, RowsAsMade]:
    """The scribe log and its follow-ups as rows made as they are written."""
    log = state.log

    def followups() -> Iterator[LogEntry]:
        return (entry for entry in log if is_followup(entry.kind, entry.text))

    def any_followup() -> bool:
        # A follow-up entry is found in the kind column, no entry built; else the texts.
        kinds = isinstance(log, LogBook) and log.count_kind(LogKind.FOLLOWUP) > 0
        return kinds or next(followups(), None) is not None

    return (
        RowsAsMade(len(log), lambda: map(log_entry_view, log)),
        RowsAsMade(
            lambda: sum(1 for _ in followups()),
            lambda: map(log_entry_view, followups()),
            nonempty=any_followup,
        ),
    )


def incident_view(
    state: IncidentState,
    now: datetime,
    cadence: dict[int, timedelta | None] | None = None,
    *,
    rows_as_made: bool = False,
) -> JSON:
    """Everything known about one incident at `now`: what `ic show --json` prints.

    It starts with every field of `summary_view`, then the full detail. Lists keep the order
    things happened in (tasks and decisions by number, the log as recorded); `log` entries carry
    `when` so a reader can sort by when things happened instead. With `rows_as_made`, the log
    and its follow-ups are `RowsAsMade`, for a writer that writes them at once.
    """
    view = summary_view(state, now, cadence)
    view.update(
        {
            "now": iso(now),
            "roles": roles_view(state),
            "people": [
                participant_view(state, person, now) for person in state.participants.values()
            ],
            "tasks": [task_view(state.tasks[n], now) for n in sorted(state.tasks)],
            "decisions": [decision_view(state.decisions[n]) for n in sorted(state.decisions)],
            "log": [] if rows_as_made else [log_entry_view(entry) for entry in state.log],
            "followups": (
                [] if rows_as_made else [log_entry_view(entry) for entry in state.followups()]
            ),
            "updates": [update_view(update) for update in state.updates],
            "next_update": next_update_view(state, now, cadence),
            "severity_history": [
                {"at": iso(at), "severity": level, "by": by}
                for at, level, by in state.severity_history
            ],
            "phase_history": [
                {"at": iso(at), "phase": phase.value, "by": by}
                for at, phase, by in state.phase_history
            ],
            "role_history": [stint_view(stint) for stint in state.role_history],
            "checklist_ticks": [
                {"checklist": checklist, "item": item, "at": iso(at)}
                for (checklist, item), at in state.checklist_ticks.items()
            ],
        }
    )
    if rows_as_made:
        view["log"], view["followups"] = _log_rows(state)
    return view
