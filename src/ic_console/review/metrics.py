"""Response metrics, computed from the events alone.

Each figure is a pure function of the event list (and, for an incident still running, of the
time of its last event), so the same log always gives the same numbers. A figure for something
that never happened is None, never zero: "no Scribe was named" is a finding in itself.

The incident's clock starts at the declaration. The call ends at resolution; for an incident
still active the figures run to its last recorded event (`as_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from ic_console.domain import events as ev
from ic_console.domain.describe import types_in
from ic_console.domain.model import (
    DEFAULT_CADENCE,
    ROTATE_AFTER,
    DecisionStatus,
    Phase,
    Role,
    Status,
    TaskStatus,
)
from ic_console.domain.state import IncidentState, replay
from ic_console.review.digest import ReviewEvents

Cadence = Mapping[int, timedelta | None]


# -- the clock of the response -----------------------------------------------------------------


def declared_at(events: Sequence[ev.Event]) -> datetime | None:
    for event in events:
        if isinstance(event.data, ev.IncidentDeclared):
            return event.at
    return None


def span(start: datetime, end: datetime) -> timedelta:
    """`end - start`, never negative: a clock stepped back between two events (the log keeps
    them as recorded) must not turn into "resolved -30m after it was declared"."""
    return max(timedelta(0), end - start)


def _since_declaration(events: Sequence[ev.Event], when: datetime | None) -> timedelta | None:
    start = declared_at(events)
    if start is None or when is None:
        return None
    return span(start, when)


def first_holder_at(events: Sequence[ev.Event], role: Role) -> datetime | None:
    """When `role` was first filled (a handover counts for the Incident Commander)."""
    for event in events:
        data = event.data
        if isinstance(data, ev.RoleAssigned) and data.role is role:
            return event.at
        if role is Role.IC and isinstance(data, ev.CommandHandedOver):
            return event.at
    return None


def time_to_role(events: Sequence[ev.Event], role: Role) -> timedelta | None:
    """From the declaration to the first person holding `role`; None if nobody ever did."""
    return _since_declaration(events, first_holder_at(events, role))


def time_to_first_update(events: Sequence[ev.Event]) -> timedelta | None:
    """From the declaration to the first stakeholder update, internal or external."""
    first = next((e.at for e in events if isinstance(e.data, ev.UpdatePosted)), None)
    return _since_declaration(events, first)


def time_to_mitigation(events: Sequence[ev.Event]) -> timedelta | None:
    """From the declaration to entering the resolve phase (a fix being applied)."""
    first = next(
        (
            e.at
            for e in events
            if isinstance(e.data, ev.PhaseChanged) and e.data.phase is Phase.RESOLVE
        ),
        None,
    )
    return _since_declaration(events, first)


def resolved_at(events: Sequence[ev.Event]) -> datetime | None:
    """When customer impact was declared over (closing unresolved counts as resolving)."""
    for event in events:
        if isinstance(event.data, ev.IncidentResolved | ev.IncidentClosed):
            return event.at
    return None


def time_to_resolution(events: Sequence[ev.Event]) -> timedelta | None:
    return _since_declaration(events, resolved_at(events))


def first_known_at(events: Sequence[ev.Event]) -> datetime | None:
    """The earliest moment on the timeline: a back-dated log entry may precede the declaration."""
    return min((ev.event_time(e) for e in events), default=None)


def call_end(events: Sequence[ev.Event]) -> datetime | None:
    """Resolution, else (still active) the last recorded event."""
    return resolved_at(events) or (events[-1].at if events else None)


def total_duration(events: Sequence[ev.Event]) -> timedelta | None:
    """From the first known sign of the incident to resolution (or to the last event)."""
    start, end = first_known_at(events), call_end(events)
    if start is None or end is None:
        return None
    return span(start, end)


def detection_lag(events: Sequence[ev.Event]) -> timedelta | None:
    """How long before the declaration the first known sign was; None when nothing preceded it."""
    start, declared = first_known_at(events), declared_at(events)
    if start is None or declared is None or start >= declared:
        return None
    return declared - start


# -- tasks -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Extension:
    at: datetime
    timebox: timedelta
    deadline: datetime


@dataclass(frozen=True, slots=True)
class TaskFigures:
    number: int
    #: The owner at the end (after any reassignment).
    owner: str
    text: str
    assigned_at: datetime
    #: The timebox first given.
    timebox: timedelta
    extensions: tuple[Extension, ...]
    reassignments: int
    acknowledged_at: datetime | None
    status: TaskStatus
    closed_at: datetime | None
    #: Total time spent past a deadline before it was extended, reassigned or closed.
    overrun: timedelta

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        return span(self.assigned_at, self.acknowledged_at) if self.acknowledged_at else None

    @property
    def never_acknowledged(self) -> bool:
        return self.acknowledged_at is None


class TaskTally:
    """The task figures gathered event by event: each task's first timebox, its current
    deadline, its extensions and the time it has run past its deadlines so far. Only these few
    facts are kept, never the events themselves."""

    def __init__(self) -> None:
        self.first_box: dict[int, timedelta] = {}
        self.deadlines: dict[int, datetime] = {}
        self.overruns: dict[int, timedelta] = {}
        self.extensions: dict[int, list[Extension]] = {}
        self.closed: set[int] = set()

    def _run_to(self, number: int, at: datetime) -> None:
        late = at - self.deadlines[number]
        if late > timedelta(0):
            self.overruns[number] += late

    def add(self, event: ev.Event) -> None:
        data = event.data
        if isinstance(data, ev.TaskAssigned):
            self.first_box[data.number] = timedelta(seconds=data.timebox_seconds)
            self.deadlines[data.number] = data.deadline
            self.overruns[data.number] = timedelta(0)
            self.extensions[data.number] = []
        elif isinstance(data, ev.TaskExtended):
            self._run_to(data.number, event.at)
            self.deadlines[data.number] = data.deadline
            self.extensions[data.number].append(
                Extension(event.at, timedelta(seconds=data.timebox_seconds), data.deadline)
            )
        elif isinstance(data, ev.TaskReassigned):
            self._run_to(data.number, event.at)
            self.deadlines[data.number] = data.deadline
        elif isinstance(data, ev.TaskDone | ev.TaskCancelled):
            self._run_to(data.number, event.at)
            self.closed.add(data.number)
        elif isinstance(data, ev.TaskReopened):
            # Closed by mistake and taken back: it runs on against its deadline as before.
            self.closed.discard(data.number)
        elif isinstance(data, ev.TaskExtensionUndone):
            self.deadlines[data.number] = data.deadline
            if self.extensions[data.number]:
                self.extensions[data.number].pop()

    def figures(self, folded: IncidentState, end: datetime | None) -> list[TaskFigures]:
        """Per task, with the tasks still open run to `end` (the tally itself is unchanged)."""
        figures: list[TaskFigures] = []
        for number in sorted(folded.tasks):
            task = folded.tasks[number]
            overrun = self.overruns[number]
            if number not in self.closed and end is not None:
                late = end - self.deadlines[number]
                if late > timedelta(0):
                    overrun += late
            figures.append(
                TaskFigures(
                    number=number,
                    owner=task.owner,
                    text=task.text,
                    assigned_at=task.assigned_at,
                    timebox=self.first_box[number],
                    extensions=tuple(self.extensions[number]),
                    reassignments=task.reassignments,
                    acknowledged_at=task.acknowledged_at,
                    status=task.status,
                    closed_at=task.closed_at,
                    overrun=overrun,
                )
            )
        return figures


def task_figures(
    events: Sequence[ev.Event],
    *,
    state: IncidentState | None = None,
    end: datetime | None = None,
) -> list[TaskFigures]:
    """Per task: timebox, extensions, reassignments, acknowledgement and overrun."""
    end = end or call_end(events)
    tally = TaskTally()
    for event in events:
        tally.add(event)
    folded = state if state is not None else replay(events)
    return tally.figures(folded, end)


def unacknowledged_tasks(events: Sequence[ev.Event]) -> list[TaskFigures]:
    """Tasks whose (last) owner never acknowledged them: "Understood?" went unanswered."""
    return [task for task in task_figures(events) if task.never_acknowledged]


# -- decisions, severity, command --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObjectionFigures:
    by: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DecisionFigures:
    number: int
    text: str
    proposed_by: str
    proposed_at: datetime
    status: DecisionStatus
    closed_at: datetime | None
    objections: tuple[ObjectionFigures, ...]

    @property
    def time_to_decide(self) -> timedelta | None:
        return span(self.proposed_at, self.closed_at) if self.closed_at else None


def decision_figures(
    events: Sequence[ev.Event], *, state: IncidentState | None = None
) -> list[DecisionFigures]:
    """Every proposal, its objections and how (and how fast) it was settled."""
    state = state if state is not None else replay(events)
    return [
        DecisionFigures(
            number=d.number,
            text=d.text,
            proposed_by=d.proposed_by,
            proposed_at=d.proposed_at,
            status=d.status,
            closed_at=d.closed_at,
            objections=tuple(ObjectionFigures(o.by, o.text, o.at) for o in d.objections),
        )
        for d in sorted(state.decisions.values(), key=lambda d: d.number)
    ]


@dataclass(frozen=True, slots=True)
class SeverityChange:
    at: datetime
    previous: int
    severity: int
    by: str


def severity_changes(events: Sequence[ev.Event]) -> list[SeverityChange]:
    return [
        SeverityChange(e.at, e.data.previous, e.data.severity, e.actor)
        for e in events
        if isinstance(e.data, ev.SeverityChanged)
    ]


def time_at_severity(
    events: Sequence[ev.Event], *, end: datetime | None = None
) -> dict[int, timedelta]:
    """How long the incident spent at each severity, from declaration to the end of the call."""
    end = end or call_end(events)
    spans: dict[int, timedelta] = {}
    current: tuple[datetime, int] | None = None
    for event in events:
        data = event.data
        if isinstance(data, ev.IncidentDeclared):
            current = (event.at, data.severity)
        elif (
            isinstance(data, ev.SeverityChanged)
            and current is not None
            and (end is None or event.at <= end)
        ):
            spans[current[1]] = spans.get(current[1], timedelta(0)) + span(current[0], event.at)
            current = (event.at, data.severity)
    if current is not None and end is not None:
        spans[current[1]] = spans.get(current[1], timedelta(0)) + max(
            timedelta(0), end - current[0]
        )
    return dict(sorted(spans.items()))


def highest_severity(events: Sequence[ev.Event]) -> int | None:
    """The most severe level reached (SEV-1 is the highest)."""
    levels = [
        e.data.severity
        for e in events
        if isinstance(e.data, ev.IncidentDeclared | ev.SeverityChanged)
    ]
    return min(levels, default=None)


@dataclass(frozen=True, slots=True)
class HandoverFigures:
    at: datetime
    previous: str
    name: str
    #: How long the previous commander had held command.
    held_for: timedelta | None


def handovers(events: Sequence[ev.Event]) -> list[HandoverFigures]:
    found: list[HandoverFigures] = []
    since: datetime | None = None
    for event in events:
        data = event.data
        if isinstance(data, ev.RoleAssigned) and data.role is Role.IC:
            since = event.at
        elif isinstance(data, ev.CommandHandedOver):
            found.append(
                HandoverFigures(
                    event.at, data.previous, data.name, span(since, event.at) if since else None
                )
            )
            since = event.at
    return found


# -- people ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonFigures:
    name: str
    roles: tuple[Role, ...]
    first_joined: datetime
    #: Total time on the call, over every stint, up to the end of the call.
    time_on_call: timedelta
    #: The longest single stint without being released (rotated out).
    longest_stretch: timedelta
    stints: int

    @property
    def past_rotation_point(self) -> bool:
        """Stayed on past the point where rotating them out is advised."""
        return self.longest_stretch >= ROTATE_AFTER


def people_figures(
    events: Sequence[ev.Event], *, end: datetime | None = None
) -> list[PersonFigures]:
    """Each person's time on the call and longest stretch, in order of joining."""
    end = end or call_end(events)
    stints: dict[str, list[tuple[datetime, datetime | None]]] = {}
    roles: dict[str, list[Role]] = {}
    for event in events:
        data = event.data
        if isinstance(data, ev.ParticipantJoined):
            stints.setdefault(data.name, []).append((event.at, None))
        elif isinstance(data, ev.ParticipantReleased):
            start, _ = stints[data.name][-1]
            stints[data.name][-1] = (start, event.at)
        elif isinstance(data, ev.RoleAssigned | ev.CommandHandedOver):
            role = data.role if isinstance(data, ev.RoleAssigned) else Role.IC
            held = roles.setdefault(data.name, [])
            if role not in held:
                held.append(role)
    figures: list[PersonFigures] = []
    for name, spans in stints.items():
        lengths = []
        for start, stop in spans:
            finish = stop or end or start
            if end is not None:
                finish = min(finish, end)
            lengths.append(max(timedelta(0), finish - start))
        figures.append(
            PersonFigures(
                name=name,
                roles=tuple(roles.get(name, ())),
                first_joined=spans[0][0],
                time_on_call=sum(lengths, timedelta(0)),
                longest_stretch=max(lengths),
                stints=len(spans),
            )
        )
    return figures


# -- stakeholder updates -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpdateGap:
    start: datetime
    end: datetime
    cadence: timedelta
    #: True when the gap starts at the declaration (no update had been posted yet).
    from_declaration: bool
    #: True when the gap runs to the end of the call rather than to an update.
    to_end: bool

    @property
    def length(self) -> timedelta:
        return span(self.start, self.end)

    @property
    def over_by(self) -> timedelta:
        return self.length - self.cadence


def _strictest_cadence(
    history: Sequence[tuple[datetime, int]], start: datetime, end: datetime, cadence: Cadence
) -> timedelta | None:
    """The shortest cadence of any severity in force between `start` and `end`."""
    levels = {level for at, level in history if start < at < end}
    before = [level for at, level in history if at <= start]
    if before:
        levels.add(before[-1])
    found = [c for level in levels if (c := cadence.get(level)) is not None]
    return min(found, default=None)


def update_gaps(
    events: Sequence[ev.Event], cadence: Cadence | None = None, *, end: datetime | None = None
) -> list[UpdateGap]:
    """Stretches without a stakeholder update longer than the cadence for the severity."""
    table = cadence if cadence is not None else DEFAULT_CADENCE
    start = declared_at(events)
    end = end or call_end(events)
    if start is None or end is None:
        return []
    history = [
        (e.at, e.data.severity)
        for e in events
        if isinstance(e.data, ev.IncidentDeclared | ev.SeverityChanged)
    ]
    marks = [e.at for e in events if isinstance(e.data, ev.UpdatePosted) and e.at <= end]
    points = [start, *marks, end]
    gaps: list[UpdateGap] = []
    for index, (left, right) in enumerate(pairwise(points)):
        limit = _strictest_cadence(history, left, right, table)
        if limit is not None and right - left > limit:
            gaps.append(UpdateGap(left, right, limit, index == 0, index == len(points) - 2))
    return gaps


_TASK_EVENTS = types_in("task")
#: Events no figure reads from the log (decisions are read from the folded state).
_OTHER_EVENTS = types_in("decision", "checklist")


# -- all together ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metrics:
    """Every response figure of one incident."""

    incident_id: str
    title: str
    severity: int
    highest_severity: int
    status: Status
    declared_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    #: The last recorded event: the end of the figures for an incident still active.
    as_of: datetime
    first_known_at: datetime
    to_ic: timedelta | None
    to_deputy: timedelta | None
    to_scribe: timedelta | None
    to_first_update: timedelta | None
    to_mitigation: timedelta | None
    to_resolution: timedelta | None
    total_duration: timedelta | None
    detection_lag: timedelta | None
    time_at_severity: dict[int, timedelta]
    tasks: tuple[TaskFigures, ...]
    decisions: tuple[DecisionFigures, ...]
    severity_changes: tuple[SeverityChange, ...]
    handovers: tuple[HandoverFigures, ...]
    people: tuple[PersonFigures, ...]
    update_gaps: tuple[UpdateGap, ...]
    updates_posted: int

    @property
    def unacknowledged(self) -> tuple[TaskFigures, ...]:
        return tuple(task for task in self.tasks if task.never_acknowledged)

    @property
    def overrun_tasks(self) -> tuple[TaskFigures, ...]:
        return tuple(task for task in self.tasks if task.overrun > timedelta(0))

    @property
    def objections(self) -> int:
        return sum(len(d.objections) for d in self.decisions)


class MetricsFeed:
    """What the figures read from the log, gathered batch by batch as it is read, so a long log
    need not be kept as events: scribe entries (most of a long log) matter only for the first
    known sign; tasks only for the task figures (kept as a tally); updates only for the update
    figures. The rest (declaration, severity, phase, people, roles, resolution) is short and is
    kept as events."""

    def __init__(self) -> None:
        self.count = 0
        self.as_of: datetime | None = None
        #: The earliest time of any scribe entry (when it happened).
        self.first_logged: datetime | None = None
        self.skeleton: list[ev.Event] = []
        self.with_updates: list[ev.Event] = []
        self.tasks = TaskTally()

    def add(self, events: Iterable[ev.Event]) -> None:
        first = self.first_logged
        skeleton = self.skeleton.append
        with_updates = self.with_updates.append
        tally = self.tasks.add
        event = None
        count = 0
        for event in events:
            count += 1
            data = event.data
            kind = type(data)
            if isinstance(data, ev.LogEntryAdded):
                when = data.occurred_at or event.at
                if first is None or when < first:
                    first = when
            elif kind in _TASK_EVENTS:
                tally(event)
            elif kind is ev.UpdatePosted:
                with_updates(event)
            elif kind not in _OTHER_EVENTS:
                skeleton(event)
                with_updates(event)
        self.first_logged = first
        self.count += count
        if event is not None:
            self.as_of = event.at


def compute_metrics(
    events: Sequence[ev.Event],
    *,
    cadence: Cadence | None = None,
    state: IncidentState | None = None,
) -> Metrics:
    """All the figures for one incident's events (`state` saves a replay when already known)."""
    if isinstance(events, ReviewEvents):
        feed = events.feed  # gathered as the log was read
    else:
        feed = MetricsFeed()
        feed.add(events)
    return metrics_from(feed, cadence=cadence, state=state if state is not None else replay(events))


def metrics_from(
    feed: MetricsFeed, *, state: IncidentState, cadence: Cadence | None = None
) -> Metrics:
    """All the figures from what `feed` gathered and the incident's folded `state`."""
    folded = state
    if folded.declared_at is None or feed.as_of is None:
        raise ValueError("metrics need a declared incident")
    first_known = folded.declared_at
    if feed.first_logged is not None and feed.first_logged < first_known:
        first_known = feed.first_logged
    skeleton = feed.skeleton
    with_updates = feed.with_updates
    as_of = feed.as_of
    end = resolved_at(skeleton) or as_of
    return Metrics(
        incident_id=folded.incident_id,
        title=folded.title,
        severity=folded.severity,
        highest_severity=highest_severity(skeleton) or folded.severity,
        status=folded.status,
        declared_at=folded.declared_at,
        resolved_at=folded.resolved_at,
        closed_at=folded.closed_at,
        as_of=as_of,
        first_known_at=first_known,
        to_ic=time_to_role(skeleton, Role.IC),
        to_deputy=time_to_role(skeleton, Role.DEPUTY),
        to_scribe=time_to_role(skeleton, Role.SCRIBE),
        to_first_update=time_to_first_update(with_updates),
        to_mitigation=time_to_mitigation(skeleton),
        to_resolution=time_to_resolution(skeleton),
        total_duration=span(first_known, end),
        detection_lag=folded.declared_at - first_known
        if first_known < folded.declared_at
        else None,
        time_at_severity=time_at_severity(skeleton, end=end),
        tasks=tuple(feed.tasks.figures(folded, end)),
        decisions=tuple(decision_figures(skeleton, state=folded)),
        severity_changes=tuple(severity_changes(skeleton)),
        handovers=tuple(handovers(skeleton)),
        people=tuple(people_figures(skeleton, end=end)),
        update_gaps=tuple(update_gaps(with_updates, cadence, end=end)),
        updates_posted=len(with_updates) - len(skeleton),
    )
