"""The timeline worked forwards: every event in words, ordered by when it happened.

A scribe entry may carry an `occurred_at` earlier than the moment it was recorded (something
noticed late). The timeline sorts by when things happened and keeps both times, so the
postmortem can say what the team did not know at the time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter

from ic_console.domain import events as ev
from ic_console.domain.durations import format_duration
from ic_console.domain.model import LogKind, Role, severity_label
from ic_console.review.digest import ReviewEvents


class EntryKind(StrEnum):
    """What an entry is about; the review filters on these."""

    INCIDENT = "incident"
    SEVERITY = "severity"
    PHASE = "phase"
    PEOPLE = "people"
    ROLE = "role"
    TASK = "task"
    DECISION = "decision"
    NOTE = "note"
    ACTION = "action"
    STATUS = "status"
    FOLLOWUP = "followup"
    UPDATE = "update"
    CHECKLIST = "checklist"


_LOG_KINDS = {
    LogKind.NOTE: EntryKind.NOTE,
    LogKind.ACTION: EntryKind.ACTION,
    LogKind.STATUS: EntryKind.STATUS,
    LogKind.FOLLOWUP: EntryKind.FOLLOWUP,
}

#: The kinds a reader can jump between: the turning points of an incident.
MARKER_KINDS = (EntryKind.SEVERITY, EntryKind.PHASE, EntryKind.ROLE)


@dataclass(slots=True)
class TimelineEntry:
    seq: int
    #: When it happened: the log entry's occurred_at, else when it was recorded.
    when: datetime
    recorded_at: datetime
    #: Set only when the entry was recorded at a different time than it happened.
    occurred_at: datetime | None
    actor: str
    role: Role | None
    kind: EntryKind
    type: str
    text: str
    #: Everyone the entry concerns: who recorded it and who it names.
    people: tuple[str, ...]

    @property
    def recorded_late(self) -> timedelta | None:
        """How long after it happened this was recorded, when that differs."""
        if self.occurred_at is None:
            return None
        return self.recorded_at - self.occurred_at


@lru_cache(maxsize=256)
def _box(seconds: int) -> str:
    """A timebox in words; the same few timeboxes come up again and again."""
    return format_duration(timedelta(seconds=seconds))


#: Each task's owner and text so far: all a description needs to know of the past.
_Tasks = dict[int, tuple[str, str]]


def _task_label(tasks: _Tasks, number: int) -> str:
    task = tasks.get(number)
    return f"task {number} ({task[0]}: {task[1]})" if task else f"task {number}"


def _describe(data: ev._Payload, tasks: _Tasks) -> tuple[EntryKind, str, tuple[str, ...]]:
    """The kind, the words and the people of one event, given the tasks just before it."""
    match data:
        case ev.IncidentDeclared():
            return (
                EntryKind.INCIDENT,
                f"Incident declared as {severity_label(data.severity)}: {data.title}",
                (),
            )
        case ev.SeverityChanged():
            way = "raised" if data.severity < data.previous else "lowered"
            return (
                EntryKind.SEVERITY,
                f"Severity {way} from {severity_label(data.previous)} "
                f"to {severity_label(data.severity)}",
                (),
            )
        case ev.PhaseChanged():
            return (
                EntryKind.PHASE,
                f"Phase changed from {data.previous.label} to {data.phase.label}",
                (),
            )
        case ev.IncidentResolved():
            return EntryKind.INCIDENT, "Incident resolved", ()
        case ev.IncidentClosed():
            return EntryKind.INCIDENT, "Incident closed", ()
        case ev.ParticipantJoined():
            return EntryKind.PEOPLE, f"{data.name} joined the call", (data.name,)
        case ev.ParticipantReleased():
            return EntryKind.PEOPLE, f"{data.name} was released from the call", (data.name,)
        case ev.RoleAssigned():
            return EntryKind.ROLE, f"{data.name} became {data.role.label}", (data.name,)
        case ev.RoleVacated():
            return EntryKind.ROLE, f"{data.name} stood down as {data.role.label}", (data.name,)
        case ev.CommandHandedOver():
            return (
                EntryKind.ROLE,
                f"{data.previous} handed over command to {data.name}",
                (data.previous, data.name),
            )
        case ev.TaskAssigned():
            box = _box(data.timebox_seconds)
            return (
                EntryKind.TASK,
                f"Task {data.number} assigned to {data.owner} ({box}): {data.text}",
                (data.owner,),
            )
        case ev.TaskAcknowledged():
            owner = tasks[data.number][0] if data.number in tasks else ""
            return (
                EntryKind.TASK,
                f"{owner or 'The owner'} acknowledged task {data.number}",
                (owner,) if owner else (),
            )
        case ev.TaskExtended():
            box = _box(data.timebox_seconds)
            return (
                EntryKind.TASK,
                _upper_first(f"{_task_label(tasks, data.number)} given {box} more"),
                _owner(tasks, data.number),
            )
        case ev.TaskReassigned():
            box = _box(data.timebox_seconds)
            return (
                EntryKind.TASK,
                f"Task {data.number} reassigned from {data.previous} to {data.owner} ({box})",
                (data.previous, data.owner),
            )
        case ev.TaskDone():
            return (
                EntryKind.TASK,
                _upper_first(f"{_task_label(tasks, data.number)} done"),
                _owner(tasks, data.number),
            )
        case ev.TaskCancelled():
            return (
                EntryKind.TASK,
                _upper_first(f"{_task_label(tasks, data.number)} cancelled"),
                _owner(tasks, data.number),
            )
        case ev.TaskReopened():
            return (
                EntryKind.TASK,
                _upper_first(f"{_task_label(tasks, data.number)} reopened"),
                _owner(tasks, data.number),
            )
        case ev.TaskUnacknowledged():
            return (
                EntryKind.TASK,
                f"Acknowledgement of task {data.number} taken back",
                _owner(tasks, data.number),
            )
        case ev.TaskExtensionUndone():
            return (
                EntryKind.TASK,
                f"Extension of task {data.number} taken back ({_box(data.timebox_seconds)})",
                _owner(tasks, data.number),
            )
        case ev.DecisionProposed():
            return EntryKind.DECISION, f"Decision {data.number} proposed: {data.text}", ()
        case ev.ObjectionRaised():
            return (
                EntryKind.DECISION,
                f"{data.by} objected to decision {data.number}: {data.text}",
                (data.by,),
            )
        case ev.DecisionAccepted():
            return EntryKind.DECISION, f"Decision {data.number} accepted", ()
        case ev.DecisionWithdrawn():
            return EntryKind.DECISION, f"Decision {data.number} withdrawn", ()
        case ev.DecisionReopened():
            return EntryKind.DECISION, f"Decision {data.number} reopened", ()
        case ev.LogEntryAdded():
            return _LOG_KINDS[data.kind], data.text, ()
        case ev.UpdatePosted():
            return EntryKind.UPDATE, f"{data.audience.value.capitalize()} update: {data.text}", ()
        case ev.ChecklistItemTicked():
            return EntryKind.CHECKLIST, f"Ticked {data.checklist}: {data.item}", ()
        case ev.ChecklistItemUnticked():
            return EntryKind.CHECKLIST, f"Unticked {data.checklist}: {data.item}", ()
    raise TypeError(f"no description for {type(data).__name__}")


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _owner(tasks: _Tasks, number: int) -> tuple[str, ...]:
    task = tasks.get(number)
    return (task[0],) if task else ()


class TimelineBuilder:
    """Builds the timeline batch by batch, so a long log never has to be held as events: each
    batch can be dropped once it is added. The entries share their strings and times with the
    events; an actor's one-name `people` tuple is made once and shared."""

    def __init__(self) -> None:
        self._tasks: _Tasks = {}
        self._entries: list[TimelineEntry] = []
        self._alone: dict[str, tuple[str, ...]] = {}

    def add(self, events: Iterable[ev.Event]) -> None:
        tasks = self._tasks
        alone = self._alone
        append = self._entries.append
        log_kinds = _LOG_KINDS
        for event in events:
            data = event.data
            actor = event.actor
            recorded = event.at
            people = alone.get(actor)
            if people is None:
                people = alone[actor] = (actor,)
            if type(data) is ev.LogEntryAdded:  # most of any log: the short way
                occurred = data.occurred_at
                if occurred == recorded:
                    occurred = None
                append(
                    TimelineEntry(
                        event.seq,
                        occurred or recorded,
                        recorded,
                        occurred,
                        actor,
                        event.role,
                        log_kinds[data.kind],
                        data.type,
                        data.text,
                        people,
                    )
                )
                continue
            kind, text, named = _describe(data, tasks)
            if isinstance(data, ev.TaskAssigned):
                tasks[data.number] = (data.owner, data.text)
            elif isinstance(data, ev.TaskReassigned):
                tasks[data.number] = (data.owner, tasks.get(data.number, ("", ""))[1])
            if named:
                people = tuple(dict.fromkeys((actor, *filter(None, named))))
            append(
                TimelineEntry(
                    event.seq,
                    recorded,
                    recorded,
                    None,
                    actor,
                    event.role,
                    kind,
                    data.type,
                    text,
                    people,
                )
            )

    def finish(self) -> list[TimelineEntry]:
        """The entries ordered by when they happened (log order breaks ties)."""
        entries = self._entries
        entries.sort(key=attrgetter("when"))  # stable: log order breaks ties
        return entries


def build_timeline(events: Iterable[ev.Event]) -> list[TimelineEntry]:
    """Every event as a timeline entry, ordered by when it happened (log order breaks ties)."""
    if isinstance(events, ReviewEvents):
        return list(events.timeline)  # built as the log was read
    builder = TimelineBuilder()
    builder.add(events)
    return builder.finish()


def filter_timeline(
    entries: Sequence[TimelineEntry],
    *,
    kinds: Iterable[EntryKind] | None = None,
    person: str | None = None,
    text: str | None = None,
) -> list[TimelineEntry]:
    """The entries of the given kinds, concerning `person`, containing `text` (any case)."""
    wanted = frozenset(kinds) if kinds is not None else None
    who = person.casefold() if person else None
    needle = text.casefold() if text else None
    return [
        entry
        for entry in entries
        if (wanted is None or entry.kind in wanted)
        and (who is None or any(name.casefold() == who for name in entry.people))
        and (needle is None or needle in entry.text.casefold() or needle in entry.actor.casefold())
    ]


def people_in(entries: Iterable[TimelineEntry]) -> list[str]:
    """Everyone named in the timeline, in order of first appearance."""
    seen: dict[str, None] = {}
    for entry in entries:
        for name in entry.people:
            seen.setdefault(name, None)
    return list(seen)


def next_marker(
    entries: Sequence[TimelineEntry], position: int, kind: EntryKind, *, backwards: bool = False
) -> int | None:
    """The index of the next (or previous) entry of `kind` after `position`, or None."""
    indices = range(position - 1, -1, -1) if backwards else range(position + 1, len(entries))
    for index in indices:
        if entries[index].kind is kind:
            return index
    return None
