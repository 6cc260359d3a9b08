"""Folding several laptops' files: the fold that never fails, and the refs events carry.

Each laptop decides its commands against its own state, so once files are merged an event may
no longer apply: a task marked done on both laptops offline, an objection to a decision that was
withdrawn meanwhile. `apply_merged` keeps such an event (it stays in the log), lets it change
nothing, and records a `MergeNotice` in words ("Priya's 'done' for task 3 arrived after Alex's
'done'"). Every replica folds the same events in the same order (`domain.hlc.merge_key`), so
every replica records the same notices and ends in the same state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ic_console.domain import events as ev
from ic_console.domain.log_rows import LogRow
from ic_console.domain.model import DecisionStatus, TaskStatus
from ic_console.domain.state import (
    _HANDLERS,
    DECISION_EVENTS,
    NUMBERED,
    SETTLES,
    TASK_EVENTS,
    VERBS,
    IncidentState,
    MergeNotice,
    note_settled,
    resolve_numbers,
)

_REOPENS = frozenset({ev.TaskReopened, ev.DecisionReopened})


def refs_for(state: IncidentState, payloads: Sequence[Any]) -> list[str | None]:
    """For each payload about to be written, the id of the event that created the task or
    decision it refers to (None for anything else), so a later merge that renumbers still
    finds it."""
    by_task = {number: ref for ref, number in state.task_refs.items()}
    by_decision = {number: ref for ref, number in state.decision_refs.items()}
    refs: list[str | None] = []
    for payload in payloads:
        kind = type(payload)
        if kind in TASK_EVENTS:
            refs.append(by_task.get(payload.number))
        elif kind in DECISION_EVENTS:
            refs.append(by_decision.get(payload.number))
        else:
            refs.append(None)
    return refs


def _task_conflict(state: IncidentState, data: Any, event: ev.Event) -> str | None:
    task = state.tasks.get(data.number)
    verb = VERBS[type(data)]
    if task is None:
        return (
            f"{event.actor}'s '{verb}' for task {data.number} refers to no task; it changes nothing"
        )
    reopening = type(data) in _REOPENS
    if (task.status is TaskStatus.OPEN) == (not reopening):
        return None
    before = state.settled_by.get(f"task {task.number}")
    after = before if before else f"the task was {task.status.value}"
    return (
        f"{event.actor}'s '{verb}' for task {task.number} arrived after {after}; it changes nothing"
    )


def _decision_conflict(state: IncidentState, data: Any, event: ev.Event) -> str | None:
    decision = state.decisions.get(data.number)
    verb = VERBS[type(data)]
    if decision is None:
        return (
            f"{event.actor}'s '{verb}' for decision {data.number} refers to no decision; "
            "it changes nothing"
        )
    reopening = type(data) in _REOPENS
    if (decision.status is DecisionStatus.OPEN) == (not reopening):
        return None
    before = state.settled_by.get(f"decision {decision.number}")
    after = before if before else f"the decision was {decision.status.value}"
    return (
        f"{event.actor}'s '{verb}' for decision {decision.number} arrived after {after}; "
        "it changes nothing"
    )


def _released_conflict(state: IncidentState, data: Any, event: ev.Event) -> str | None:
    person = state.participants.get(data.name)
    if person is None or person.released_at is not None:
        return (
            f"{event.actor} released {data.name}, who had already left the call; it changes nothing"
        )
    return None


_GUARDS: dict[type[Any], Callable[[IncidentState, Any, ev.Event], str | None]] = {
    **{kind: _task_conflict for kind in TASK_EVENTS},
    **{kind: _decision_conflict for kind in DECISION_EVENTS},
    ev.ParticipantReleased: _released_conflict,
}


def apply_merged(state: IncidentState, events: Iterable[ev.Event]) -> IncidentState:
    """Fold events merged from several files (in `merge_key` order) into `state`, in place.

    Never raises for an event that does not apply: it is kept, changes nothing, and a
    `MergeNotice` says so. Numbers are resolved as `apply_all` does.
    """
    handlers = _HANDLERS
    guards = _GUARDS
    for event in events:
        data: Any = event.data
        kind = type(data)
        if kind in NUMBERED:
            data = resolve_numbers(state, event)
        guard = guards.get(kind)
        conflict = guard(state, data, event) if guard is not None else None
        if conflict is None:
            try:
                handlers[kind](state, data, event)
            except (KeyError, ValueError, AttributeError, TypeError, IndexError):
                conflict = (
                    f"{event.actor}'s {event.type} no longer applies once the laptops' logs "
                    "are merged; it changes nothing"
                )
            else:
                if kind in SETTLES:
                    note_settled(state, data, event)
        if conflict is not None:
            state.merge_notices.append(MergeNotice(event.id, conflict))
        state.last_seq = event.seq
        state.updated_at = event.at
        if event.hlc is not None and event.hlc > state.hlc:
            state.hlc = event.hlc
    return state


def notices_by_event(state: IncidentState) -> dict[str, list[str]]:
    """The merge notices keyed by the event they are about (for the log pane and the review)."""
    found: dict[str, list[str]] = {}
    for notice in state.merge_notices:
        found.setdefault(notice.event_id, []).append(notice.text)
    return found


def notice_rows(state: IncidentState, events: Iterable[ev.Event]) -> list[LogRow]:
    """A "system" log row for each merge notice about one of `events`, for the log pane and the
    review to show beside that event ("Priya's 'done' for task 3 arrived after Alex's 'done'")."""
    about = notices_by_event(state)
    rows: list[LogRow] = []
    for event in events:
        for text in about.get(event.id, ()):
            rows.append(LogRow(event.seq, event.at, event.actor, "system", text))
    return rows
