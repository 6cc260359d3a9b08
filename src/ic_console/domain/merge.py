"""Folding several laptops' files: the fold that never fails, and the refs events carry.

Each laptop decides its commands against its own state, so once files are merged an event may
no longer apply: a task marked done on both laptops offline, an objection to a decision that was
withdrawn meanwhile. `apply_merged` keeps such an event (it stays in the log), lets it change
nothing, and records a `MergeNotice` in words ("Priya's 'done' for task 3 arrived after Alex's
'done'"). Every replica folds the same events in the same order (`domain.hlc.merge_key`), so
every replica records the same notices and ends in the same state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ic_console.domain import events as ev
from ic_console.domain import exit_criteria, teams
from ic_console.domain.hlc import wall_ms
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
    by_criterion = {number: ref for ref, number in state.exit_refs.items()}
    refs: list[str | None] = []
    for payload in payloads:
        kind = type(payload)
        if kind in TASK_EVENTS:
            refs.append(by_task.get(payload.number))
        elif kind in DECISION_EVENTS:
            refs.append(by_decision.get(payload.number))
        elif kind in exit_criteria.REFERRING:
            refs.append(by_criterion.get(payload.number))
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


def _declared_conflict(state: IncidentState, data: Any, event: ev.Event) -> str | None:
    """A second declaration of the incident: two laptops declared the same id while apart
    (both saw the alert and typed the same title the same day). The first stands everywhere
    (its time, severity and who declared it); without this the later one silently moved the
    declaration later and changed the severity."""
    if state.declared_at is None:
        return None
    return (
        f"{event.actor} also declared this incident (SEV-{data.severity}, '{data.title}') "
        f"before the laptops synced; {state.declared_by}'s declaration stands and "
        f"{event.actor}'s changes nothing: set the severity with `ic sev` if it should change"
    )


_GUARDS: dict[type[Any], Callable[[IncidentState, Any, ev.Event], str | None]] = {
    **{kind: _task_conflict for kind in TASK_EVENTS},
    **{kind: _decision_conflict for kind in DECISION_EVENTS},
    ev.ParticipantReleased: _released_conflict,
    **{kind: exit_criteria.merge_conflict for kind in exit_criteria.REFERRING},
    ev.TeamFormed: teams.merge_conflict,
    ev.IncidentDeclared: _declared_conflict,
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


#: A replica whose clock runs more than this ahead is flagged (its events are kept as recorded).
FAST_CLOCK_MS = 5 * 60 * 1000


class FastClocks:
    """Finds, from the events alone in fold order, a replica whose clock ran fast: a later
    event from another laptop carries a clock (`hlc`) far ahead of its own recorded time, as its
    writer had seen that laptop's clock. The review says so once per replica, beside the first
    event that shows it ("Priya's clock was 10 minutes ahead of Alex's (replica ...)"). Which
    of the two was off cannot be told from the events alone."""

    def __init__(self) -> None:
        #: The event whose own clock set the largest wall seen so far.
        self._lead: ev.Event | None = None
        self._lead_wall = -1
        self._told: set[str] = set()

    def see(self, event: ev.Event) -> str | None:
        clock = event.hlc
        if clock is None:
            return None
        own = wall_ms(event.at)
        lead = self._lead
        if clock[0] == own and own >= self._lead_wall:
            self._lead, self._lead_wall = event, own
            return None
        if lead is None or lead.origin is None or lead.origin == event.origin:
            return None
        ahead = clock[0] - own
        if ahead <= FAST_CLOCK_MS or lead.origin in self._told:
            return None
        self._told.add(lead.origin)
        minutes = round(ahead / 60_000)
        # Ahead of the other's, not "fast": the same events come from a clock behind (Priya's
        # laptop stamped her events 45 minutes before Alex's she had seen), and the review
        # blamed the honest one ("Alex's clock was 45 minutes fast").
        return (
            f"{lead.actor}'s clock was {minutes} minutes ahead of {event.actor}'s (replica "
            f"{lead.origin}, replica {event.origin}); one of them was off, and the events are "
            "kept in the order recorded"
        )


#: The cursor's key for lines written before replication (they carry no origin).
UNREPLICATED = "_"
_CURSOR_PART = re.compile(r"([0-9A-Za-z_-]{1,64}):(\d{1,12})")


@dataclass
class TailCursor:
    """Where a reader of the incident's events (`ic tail`) stands: the last seq taken from each
    laptop's log. `seq` is numbered per file, so one number cannot say where a reader stands in
    an incident written on several laptops; "a1b2c3d4e5f6:42,0f9e8d7c6b5a:7" can, exactly,
    whatever order the files arrive in. A plain number (`plain`) still works for an incident
    written on one laptop, whose one file numbers every event."""

    plain: int | None = None
    seen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> TailCursor:
        raw = text.strip()
        if raw.isdigit() and len(raw) <= 12:
            return cls(plain=int(raw))
        seen: dict[str, int] = {}
        for part in raw.split(","):
            found = _CURSOR_PART.fullmatch(part.strip())
            if found is None:
                raise ValueError(
                    'is not a sequence number or a cursor: give the "cursor" of the last line '
                    "ic tail --json printed (like a1b2c3d4e5f6:42,0f9e8d7c6b5a:7), or the seq "
                    "of the last event seen for an incident written on one laptop (0 for all)."
                )
            seen[found.group(1)] = int(found.group(2))
        return cls(seen=seen)

    def take(self, event: ev.Event) -> bool:
        """Move past `event`; True when it is after where the reader stood (print it)."""
        key = event.origin or UNREPLICATED
        if self.plain is not None:
            # A plain number is the place in the one log the incident had (`ic tail` refuses
            # it for several): it becomes that log's place, so a laptop's log that arrives
            # later (`-f` past the close) is printed from its start, not from that number.
            self.seen.setdefault(key, self.plain)
            self.plain = None
        last = self.seen.get(key, 0)
        fresh = event.seq > last
        if fresh:
            self.seen[key] = event.seq
        return fresh

    def text(self) -> str:
        """The cursor to resume from (`--since`)."""
        return ",".join(f"{key}:{seq}" for key, seq in sorted(self.seen.items()))
