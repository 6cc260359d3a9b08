"""The incident as it stands: the fold of its events.

`apply` is the only place that changes a state, and it trusts its events: commands have
validated them before they were written. Everything time-dependent (overdue, next update due,
time on the call) is derived from stored instants and a `now` passed in.

One module, though long: the state's fields, the fold (`apply_all`, with its batch of scribe
entries and the numbering of tasks and decisions by ref) and one short handler per payload
type, side by side, so a new event's effect is written next to the others'. The views of the
state (what is late, next update due) are its methods; the commands are in `domain/commands.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableSequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ic_console.domain import events as ev
from ic_console.domain.exit_criteria import ExitCriterion as ExitCriterion  # issue 15
from ic_console.domain.logbook import LogBook
from ic_console.domain.model import (
    DEFAULT_CADENCE,
    Audience,
    DecisionStatus,
    Phase,
    Role,
    Status,
    TaskStatus,
)

# The records are named from here too: whoever reads a state reads its records.
from ic_console.domain.records import Decision as Decision
from ic_console.domain.records import LogEntry as LogEntry
from ic_console.domain.records import Objection as Objection
from ic_console.domain.records import Participant as Participant
from ic_console.domain.records import RoleStint as RoleStint
from ic_console.domain.records import StakeholderUpdate as StakeholderUpdate
from ic_console.domain.records import Task as Task
from ic_console.domain.teams import Team as Team  # issue 15
from ic_console.domain.text import name_key


@dataclass(frozen=True, slots=True)
class MergeNotice:
    """Something merging several laptops' files changed: an event that no longer applied (kept
    in the log, changing nothing) or a task / decision renumbered. `event_id` is the event it is
    about, so the log pane and the review can show it beside that event."""

    event_id: str
    text: str


@dataclass(slots=True)
class IncidentState:
    """Everything known about one incident, rebuilt from its events."""

    incident_id: str = ""
    title: str = ""
    severity: int = 0
    phase: Phase = Phase.DETECT
    status: Status = Status.ACTIVE
    declared_by: str = ""
    declared_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    last_seq: int = 0
    updated_at: datetime | None = None
    participants: dict[str, Participant] = field(default_factory=dict)
    roles: dict[Role, str] = field(default_factory=dict)
    smes: list[str] = field(default_factory=list)
    role_history: list[RoleStint] = field(default_factory=list)
    tasks: dict[int, Task] = field(default_factory=dict)
    decisions: dict[int, Decision] = field(default_factory=dict)
    #: The scribe log, kept compactly (`LogBook`); a plain list of entries works too.
    log: MutableSequence[LogEntry] = field(default_factory=LogBook)
    updates: list[StakeholderUpdate] = field(default_factory=list)
    severity_history: list[tuple[datetime, int, str]] = field(default_factory=list)
    phase_history: list[tuple[datetime, Phase, str]] = field(default_factory=list)
    checklist_ticks: dict[tuple[str, str], datetime] = field(default_factory=dict)
    #: Fingerprints of the monitoring alerts taken in, in order, each once (`ic new --from`).
    alert_fingerprints: list[str] = field(default_factory=list)
    #: Follow-up items sent to a tracker: the item's id ("F12", `domain.followup_ids`) ->
    #: where it went.
    followups_tracked: dict[str, str] = field(default_factory=dict)
    #: A drill's scenario (or "replay of ID"); "" for a real incident.
    drill: str = ""
    #: A drill's speed, and the wall-clock seconds its clock was held before it started.
    drill_speed: float = 0.0
    drill_held: float = 0.0
    #: Whether a drill's clock has started (`drill.clock_started`: the trainee closed the
    #: briefing). Until then drill time stands still, for every terminal that follows it.
    drill_clock_started: bool = False
    # Command at scale (issue 15): sub-teams by name, exit criteria by number, the numbers of
    # the criteria overridden on resolving, and (new IC, when) for each handover acknowledged.
    teams: dict[str, Team] = field(default_factory=dict)
    exit_criteria: dict[int, ExitCriterion] = field(default_factory=dict)
    exit_overridden: tuple[int, ...] = ()
    handover_acks: list[tuple[str, datetime]] = field(default_factory=list)
    # -- replication (domain/merge.py): refs, clocks and what a merge changed --------------------
    #: The replica that declared the incident (None for a log written before replication).
    declared_origin: str | None = None
    #: The log entries another replica wrote (index in `log` -> that replica's origin): each
    #: file numbers its own lines, so two laptops' entries can share a seq; the follow-up ids
    #: of these entries name their replica (`domain.followup_ids`). Empty on one laptop.
    log_origins: dict[int, str] = field(default_factory=dict)
    #: The id of the event that created each task / decision -> its number in fold order.
    task_refs: dict[str, int] = field(default_factory=dict)
    decision_refs: dict[str, int] = field(default_factory=dict)
    #: The largest hybrid logical clock folded (wall ms, counter): the next write goes after it.
    hlc: tuple[int, int] = (0, 0)
    #: What merging replicas' files changed, once each, in fold order (`MergeNotice`).
    merge_notices: list[MergeNotice] = field(default_factory=list)
    #: Who last closed, reopened... each task / decision ("task 3" -> "Alex's 'done'"), to say
    #: what a late event arrived after.
    settled_by: dict[str, str] = field(default_factory=dict)
    #: The id of the event that added each exit criterion -> its number in fold order.
    exit_refs: dict[str, int] = field(default_factory=dict)

    # -- what the screens and commands ask ---------------------------------------------------

    @property
    def declared(self) -> bool:
        return self.declared_at is not None

    @property
    def ic(self) -> str | None:
        return self.roles.get(Role.IC)

    def holder(self, role: Role) -> str | None:
        return self.roles.get(role)

    def roles_of(self, name: str) -> list[Role]:
        held = [role for role, holder in self.roles.items() if holder == name]
        if name in self.smes:
            held.append(Role.SME)
        return held

    def primary_role(self, name: str) -> Role | None:
        """The role `name` acts in, the most senior first (Commander, Deputy, Scribe, ...)."""
        held = self.roles_of(name)
        order = list(Role)
        return min(held, key=order.index) if held else None

    def on_call(self) -> list[Participant]:
        return [p for p in self.participants.values() if p.on_call]

    def find_participant(self, name: str) -> Participant | None:
        """Names are matched by `name_key`, so "sam" and "Ｓａｍ" find "Sam".

        The exact spelling wins, then someone on the call: a log written before names were
        normalized may hold two spellings of one name as two people.
        """
        if name in self.participants:
            return self.participants[name]
        key = name_key(name)
        found = [p for p in self.participants.values() if name_key(p.name) == key]
        return next((p for p in found if p.on_call), found[0] if found else None)

    def open_tasks(self) -> list[Task]:
        return sorted((t for t in self.tasks.values() if t.is_open), key=lambda t: t.deadline)

    def overdue_tasks(self, now: datetime) -> list[Task]:
        return [t for t in self.open_tasks() if t.is_overdue(now)]

    def open_decisions(self) -> list[Decision]:
        return [d for d in self.decisions.values() if d.status is DecisionStatus.OPEN]

    def followups(self) -> list[LogEntry]:
        """The follow-ups raised: follow-up entries and entries starting "TODO:" (`parse.
        is_followup`), as `ic followups` lists them."""
        from ic_console.domain.parse import is_followup  # parse builds on the state

        return [entry for entry in self.log if is_followup(entry.kind, entry.text)]

    def cadence(self, table: dict[int, timedelta | None] | None = None) -> timedelta | None:
        return (table or DEFAULT_CADENCE).get(self.severity)

    def last_update(self, audience: Audience | None = None) -> StakeholderUpdate | None:
        for update in reversed(self.updates):
            if audience is None or update.audience is audience:
                return update
        return None

    def next_update_due(self, table: dict[int, timedelta | None] | None = None) -> datetime | None:
        """When the next stakeholder update is due, or None when none is scheduled."""
        cadence = self.cadence(table)
        if cadence is None or self.status is not Status.ACTIVE or self.declared_at is None:
            return None
        last = self.last_update()
        return (last.at if last else self.declared_at) + cadence

    def elapsed(self, now: datetime) -> timedelta:
        if self.declared_at is None:
            return timedelta(0)
        end = self.resolved_at if self.status is not Status.ACTIVE and self.resolved_at else now
        return max(timedelta(0), end - self.declared_at)


def apply(state: IncidentState, event: ev.Event) -> IncidentState:
    """Fold one event into the state (in place) and return it."""
    return apply_all(state, (event,))


def apply_all(state: IncidentState, events: Iterable[ev.Event]) -> IncidentState:
    """Fold many events into the state (in place), exactly as `apply` one by one would.

    Tasks and decisions are numbered in fold order and found by the creating event's id
    (`Event.ref`) when the event has one (`resolve_numbers`). An event that does not fit raises
    (a log read alone is damaged then); `domain.merge.apply_merged` is the fold of several
    laptops' files, which never fails.
    """
    # Scribe entries, most of a long log, are added to the log book all at once when the
    # events are folded (or one fails), each column extended in one go: no handler reads the
    # log (one that did would have to add them first).
    logged: list[ev.Event] | None = [] if type(state.log) is LogBook else None
    try:
        _fold(state, events, logged)
    finally:
        if logged:
            _add_logged(state, logged)
    return state


def _fold(state: IncidentState, events: Iterable[ev.Event], logged: list[ev.Event] | None) -> None:
    """`apply_all`, leaving the scribe entries to `logged` when it is a list."""
    handlers = _HANDLERS
    numbered = NUMBERED
    for last in events:
        data = last.data
        kind = type(data)
        if kind is ev.LogEntryAdded and logged is not None:
            logged.append(last)
        elif kind in numbered:
            data = resolve_numbers(state, last)
            handlers[kind](state, data, last)
            if kind in SETTLES:
                note_settled(state, data, last)
        else:
            handlers[kind](state, data, last)
        state.last_seq = last.seq
        state.updated_at = last.at
        clock = last.hlc
        if clock is not None and clock > state.hlc:
            state.hlc = clock


def _add_logged(state: IncidentState, logged: list[ev.Event]) -> None:
    """Add a run of scribe entries to the log book, as `_log_added` one by one would."""
    book: Any = state.log
    declared, start = state.declared_origin, len(book)
    for index, event in enumerate(logged):
        origin = event.origin
        if origin is not None and origin != declared:
            state.log_origins[start + index] = origin
    datas: list[ev.LogEntryAdded] = [event.data for event in logged]  # type: ignore[misc]
    book.add_run(
        [event.seq for event in logged],
        [event.at for event in logged],
        [event.actor for event in logged],
        [data.kind for data in datas],
        [data.text for data in datas],
        [data.occurred_at for data in datas],
    )


def resolve_numbers(state: IncidentState, event: ev.Event) -> Any:
    """The payload of `event` with its task / decision number as this fold numbers it.

    A creation takes the next number in fold order (a renumber, when two laptops created one at
    once, is told once as a `MergeNotice`); a later event names its task by the creating event's
    id when it has one, else by the number it was recorded with.
    """
    data: Any = event.data
    kind = type(data)
    if kind in _exit_criteria.NUMBERED:
        return _exit_criteria.resolve_number(state, event)
    if kind is ev.TaskAssigned or kind is ev.DecisionProposed:
        is_task = kind is ev.TaskAssigned
        table: dict[int, Any] = state.tasks if is_task else state.decisions
        refs = state.task_refs if is_task else state.decision_refs
        number = len(table) + 1  # numbered 1, 2, 3... in fold order, never removed
        refs[event.id] = number
        if number != data.number:
            what = "task" if is_task else "decision"
            state.merge_notices.append(
                MergeNotice(
                    event.id, f"{event.actor}'s {what} '{data.text}' is now {what} {number}"
                )
            )
            return data.model_copy(update={"number": number})
        return data
    if event.ref is None:
        return data
    refs = state.decision_refs if kind in DECISION_EVENTS else state.task_refs
    found = refs.get(event.ref)
    if found is None or found == data.number:
        return data
    return data.model_copy(update={"number": found})


#: Events that refer to a task by number (creation excluded).
TASK_EVENTS: frozenset[type[Any]] = frozenset(
    {
        ev.TaskAcknowledged,
        ev.TaskExtended,
        ev.TaskReassigned,
        ev.TaskDone,
        ev.TaskCancelled,
        ev.TaskReopened,
        ev.TaskUnacknowledged,
        ev.TaskExtensionUndone,
    }
)
#: Events that refer to a decision by number (creation excluded).
DECISION_EVENTS: frozenset[type[Any]] = frozenset(
    {ev.ObjectionRaised, ev.DecisionAccepted, ev.DecisionWithdrawn, ev.DecisionReopened}
)
#: What each event about a task or decision is called in a merge notice.
VERBS: dict[type[Any], str] = {
    ev.TaskAcknowledged: "acknowledgement",
    ev.TaskExtended: "extension",
    ev.TaskReassigned: "reassignment",
    ev.TaskDone: "done",
    ev.TaskCancelled: "cancel",
    ev.TaskReopened: "reopen",
    ev.TaskUnacknowledged: "unacknowledge",
    ev.TaskExtensionUndone: "undo of an extension",
    ev.ObjectionRaised: "objection",
    ev.DecisionAccepted: "accept",
    ev.DecisionWithdrawn: "withdraw",
    ev.DecisionReopened: "reopen",
}
#: Events that close or reopen what they refer to: whose they were is remembered.
SETTLES: frozenset[type[Any]] = frozenset(
    {
        ev.TaskDone,
        ev.TaskCancelled,
        ev.TaskReopened,
        ev.DecisionAccepted,
        ev.DecisionWithdrawn,
        ev.DecisionReopened,
    }
)


def note_settled(state: IncidentState, data: Any, event: ev.Event) -> None:
    """Remember who last closed or reopened a task or decision ("Alex's 'done'")."""
    what = "task" if type(data) in TASK_EVENTS else "decision"
    state.settled_by[f"{what} {data.number}"] = f"{event.actor}'s '{VERBS[type(data)]}'"


#: Every payload type whose number the fold resolves.
NUMBERED: frozenset[type[Any]] = (
    TASK_EVENTS | DECISION_EVENTS | {ev.TaskAssigned, ev.DecisionProposed}
)


def replay(events: Iterable[ev.Event]) -> IncidentState:
    """The state after all of `events`, in order."""
    return apply_all(IncidentState(), events)


# -- handlers, one per payload type ------------------------------------------------------------


def _declared(state: IncidentState, data: ev.IncidentDeclared, event: ev.Event) -> None:
    state.incident_id = data.incident_id
    state.title = data.title
    state.severity = data.severity
    state.declared_by = event.actor
    state.declared_at = event.at
    state.declared_origin = event.origin
    state.severity_history.append((event.at, data.severity, event.actor))
    state.phase_history.append((event.at, state.phase, event.actor))


def _severity(state: IncidentState, data: ev.SeverityChanged, event: ev.Event) -> None:
    state.severity = data.severity
    state.severity_history.append((event.at, data.severity, event.actor))


def _phase(state: IncidentState, data: ev.PhaseChanged, event: ev.Event) -> None:
    state.phase = data.phase
    state.phase_history.append((event.at, data.phase, event.actor))


def _resolved(state: IncidentState, data: ev.IncidentResolved, event: ev.Event) -> None:
    state.status = Status.RESOLVED
    state.resolved_at = event.at
    if state.phase is not Phase.LEARN:
        state.phase = Phase.LEARN
        state.phase_history.append((event.at, Phase.LEARN, event.actor))


def _closed(state: IncidentState, data: ev.IncidentClosed, event: ev.Event) -> None:
    state.status = Status.CLOSED
    state.closed_at = event.at
    if state.resolved_at is None:
        state.resolved_at = event.at


def _reopened(state: IncidentState, data: ev.IncidentReopened, event: ev.Event) -> None:
    state.status = Status.ACTIVE
    state.resolved_at = None
    if state.phase is not data.phase:
        state.phase = data.phase
        state.phase_history.append((event.at, data.phase, event.actor))


def _joined(state: IncidentState, data: ev.ParticipantJoined, event: ev.Event) -> None:
    existing = state.participants.get(data.name)
    if existing is None:
        state.participants[data.name] = Participant(data.name, event.at)
    elif existing.released_at is not None:
        existing.earlier.append((existing.joined_at, existing.released_at))
        existing.joined_at = event.at
        existing.released_at = None


def _released(state: IncidentState, data: ev.ParticipantReleased, event: ev.Event) -> None:
    state.participants[data.name].released_at = event.at


def _close_stint(state: IncidentState, role: Role, name: str, at: datetime) -> None:
    for stint in reversed(state.role_history):
        if stint.role is role and stint.name == name and stint.end is None:
            stint.end = at
            return


def _role_assigned(state: IncidentState, data: ev.RoleAssigned, event: ev.Event) -> None:
    if data.role.single:
        previous = state.roles.get(data.role)
        if previous is not None:
            _close_stint(state, data.role, previous, event.at)
        state.roles[data.role] = data.name
    elif data.name not in state.smes:
        state.smes.append(data.name)
    state.role_history.append(RoleStint(data.role, data.name, event.at))


def _role_vacated(state: IncidentState, data: ev.RoleVacated, event: ev.Event) -> None:
    if data.role.single:
        state.roles.pop(data.role, None)
    elif data.name in state.smes:
        state.smes.remove(data.name)
    _close_stint(state, data.role, data.name, event.at)


def _handed_over(state: IncidentState, data: ev.CommandHandedOver, event: ev.Event) -> None:
    _close_stint(state, Role.IC, data.previous, event.at)
    state.roles[Role.IC] = data.name
    state.role_history.append(RoleStint(Role.IC, data.name, event.at))


def _task_assigned(state: IncidentState, data: ev.TaskAssigned, event: ev.Event) -> None:
    state.tasks[data.number] = Task(
        number=data.number,
        owner=data.owner,
        text=data.text,
        assigned_at=event.at,
        assigned_by=event.actor,
        timebox=timedelta(seconds=data.timebox_seconds),
        deadline=data.deadline,
    )


def _task_acknowledged(state: IncidentState, data: ev.TaskAcknowledged, event: ev.Event) -> None:
    state.tasks[data.number].acknowledged_at = event.at


def _task_extended(state: IncidentState, data: ev.TaskExtended, event: ev.Event) -> None:
    task = state.tasks[data.number]
    task.timebox = timedelta(seconds=data.timebox_seconds)
    task.deadline = data.deadline
    task.extensions += 1


def _task_reassigned(state: IncidentState, data: ev.TaskReassigned, event: ev.Event) -> None:
    task = state.tasks[data.number]
    task.owner = data.owner
    task.timebox = timedelta(seconds=data.timebox_seconds)
    task.deadline = data.deadline
    task.acknowledged_at = None
    task.reassignments += 1


def _settle_task(state: IncidentState, number: int, status: TaskStatus, at: datetime) -> None:
    """Close a task (done, cancelled) at `at`, or open it again."""
    task = state.tasks[number]
    task.status = status
    task.closed_at = None if status is TaskStatus.OPEN else at


def _task_done(state: IncidentState, data: ev.TaskDone, event: ev.Event) -> None:
    _settle_task(state, data.number, TaskStatus.DONE, event.at)


def _task_cancelled(state: IncidentState, data: ev.TaskCancelled, event: ev.Event) -> None:
    _settle_task(state, data.number, TaskStatus.CANCELLED, event.at)


def _task_reopened(state: IncidentState, data: ev.TaskReopened, event: ev.Event) -> None:
    _settle_task(state, data.number, TaskStatus.OPEN, event.at)


def _task_unacknowledged(
    state: IncidentState, data: ev.TaskUnacknowledged, event: ev.Event
) -> None:
    state.tasks[data.number].acknowledged_at = None


def _extension_undone(state: IncidentState, data: ev.TaskExtensionUndone, event: ev.Event) -> None:
    task = state.tasks[data.number]
    task.timebox = timedelta(seconds=data.timebox_seconds)
    task.deadline = data.deadline
    task.extensions = max(0, task.extensions - 1)


def _decision_proposed(state: IncidentState, data: ev.DecisionProposed, event: ev.Event) -> None:
    state.decisions[data.number] = Decision(data.number, data.text, event.actor, event.at)


def _objection(state: IncidentState, data: ev.ObjectionRaised, event: ev.Event) -> None:
    state.decisions[data.number].objections.append(Objection(data.by, data.text, event.at))


def _settle_decision(
    state: IncidentState, number: int, status: DecisionStatus, at: datetime
) -> None:
    """Close a decision (accepted, withdrawn) at `at`, or open it again."""
    decision = state.decisions[number]
    decision.status = status
    decision.closed_at = None if status is DecisionStatus.OPEN else at


def _decision_accepted(state: IncidentState, data: ev.DecisionAccepted, event: ev.Event) -> None:
    _settle_decision(state, data.number, DecisionStatus.ACCEPTED, event.at)


def _decision_withdrawn(state: IncidentState, data: ev.DecisionWithdrawn, event: ev.Event) -> None:
    _settle_decision(state, data.number, DecisionStatus.WITHDRAWN, event.at)


def _decision_reopened(state: IncidentState, data: ev.DecisionReopened, event: ev.Event) -> None:
    _settle_decision(state, data.number, DecisionStatus.OPEN, event.at)


def _log_added(state: IncidentState, data: ev.LogEntryAdded, event: ev.Event) -> None:
    log = state.log
    origin = event.origin
    if origin is not None and origin != state.declared_origin:
        state.log_origins[len(log)] = origin
    if type(log) is LogBook:  # no record built only to be taken apart
        log.add(event.seq, event.at, event.actor, data.kind, data.text, data.occurred_at)
    else:
        log.append(
            LogEntry(event.seq, event.at, event.actor, data.kind, data.text, data.occurred_at)
        )


def _update_posted(state: IncidentState, data: ev.UpdatePosted, event: ev.Event) -> None:
    state.updates.append(StakeholderUpdate(data.audience, data.text, event.at, event.actor))


def _ticked(state: IncidentState, data: ev.ChecklistItemTicked, event: ev.Event) -> None:
    state.checklist_ticks[(data.checklist, data.item)] = event.at


def _unticked(state: IncidentState, data: ev.ChecklistItemUnticked, event: ev.Event) -> None:
    state.checklist_ticks.pop((data.checklist, data.item), None)


def _alert(state: IncidentState, data: ev.AlertReceived, event: ev.Event) -> None:
    for fingerprint in data.fingerprints:
        if fingerprint not in state.alert_fingerprints:
            state.alert_fingerprints.append(fingerprint)


def _followup_tracked(state: IncidentState, data: ev.FollowupTracked, event: ev.Event) -> None:
    state.followups_tracked[data.item] = data.url


def _drill_started(state: IncidentState, data: ev.DrillStarted, event: ev.Event) -> None:
    state.drill = data.scenario
    state.drill_speed = data.speed


def _drill_clock(state: IncidentState, data: ev.DrillClockStarted, event: ev.Event) -> None:
    state.drill_held += data.held_seconds
    state.drill_clock_started = True


_HANDLERS: dict[type[Any], Callable[[IncidentState, Any, ev.Event], None]] = {
    ev.IncidentDeclared: _declared,
    ev.SeverityChanged: _severity,
    ev.PhaseChanged: _phase,
    ev.IncidentResolved: _resolved,
    ev.IncidentClosed: _closed,
    ev.IncidentReopened: _reopened,
    ev.ParticipantJoined: _joined,
    ev.ParticipantReleased: _released,
    ev.RoleAssigned: _role_assigned,
    ev.RoleVacated: _role_vacated,
    ev.CommandHandedOver: _handed_over,
    ev.TaskAssigned: _task_assigned,
    ev.TaskAcknowledged: _task_acknowledged,
    ev.TaskExtended: _task_extended,
    ev.TaskReassigned: _task_reassigned,
    ev.TaskDone: _task_done,
    ev.TaskCancelled: _task_cancelled,
    ev.TaskReopened: _task_reopened,
    ev.TaskUnacknowledged: _task_unacknowledged,
    ev.TaskExtensionUndone: _extension_undone,
    ev.DecisionProposed: _decision_proposed,
    ev.ObjectionRaised: _objection,
    ev.DecisionAccepted: _decision_accepted,
    ev.DecisionWithdrawn: _decision_withdrawn,
    ev.DecisionReopened: _decision_reopened,
    ev.LogEntryAdded: _log_added,
    ev.UpdatePosted: _update_posted,
    ev.ChecklistItemTicked: _ticked,
    ev.ChecklistItemUnticked: _unticked,
    ev.AlertReceived: _alert,
    ev.FollowupTracked: _followup_tracked,
    ev.DrillStarted: _drill_started,
    ev.DrillClockStarted: _drill_clock,
}

# -- command at scale (issue 15): teams, exit criteria, the handover's acknowledgement ---------
from ic_console.domain import exit_criteria as _exit_criteria  # noqa: E402
from ic_console.domain import handover_ack as _handover_ack  # noqa: E402
from ic_console.domain import teams as _teams  # noqa: E402

# Exit criteria are numbered in fold order too.
NUMBERED = NUMBERED | _exit_criteria.NUMBERED
_HANDLERS.update(_teams.HANDLERS)
_HANDLERS.update(_exit_criteria.HANDLERS)
_HANDLERS.update(_handover_ack.HANDLERS)
