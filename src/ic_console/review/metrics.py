"""Response metrics, computed from the events alone.

Each figure is a pure function of the event list (and, for an incident still running, of the
time of its last event), so the same log always gives the same numbers. A figure for something
that never happened is None, never zero: "no Scribe was named" is a finding in itself.

The incident's clock starts at the declaration. The call ends at resolution; for an incident
still active the figures run to its last recorded event (`as_of`).

This module gathers every figure into one `Metrics`; each kind of figure has its own module
(`response_times`, `task_figures`, `command_figures`, `people_figures`, `update_figures`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain.describe import types_in
from ic_console.domain.model import Role, Status
from ic_console.domain.state import IncidentState, replay
from ic_console.review.command_figures import (
    DecisionFigures,
    HandoverFigures,
    SeverityChange,
    decision_figures,
    handovers,
    highest_severity_of,
    severity_changes,
    time_at_severity,
)
from ic_console.review.digest import ReviewEvents
from ic_console.review.people_figures import PersonFigures, people_figures
from ic_console.review.response_times import (
    resolved_at,
    span,
    time_to_first_update,
    time_to_mitigation,
    time_to_resolution,
    time_to_role,
)
from ic_console.review.scale_figures import ScaleFigures, scale_figures
from ic_console.review.task_figures import TaskFigures, TaskTally
from ic_console.review.update_figures import Cadence as Cadence
from ic_console.review.update_figures import UpdateGap, update_gaps

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
    #: Sub-teams, exit criteria and handover acknowledgements (issue 15).
    scale: ScaleFigures | None = None

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
    if isinstance(events, ReviewEvents) and events.feed is not None:
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
        highest_severity=highest_severity_of(folded),
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
        scale=scale_figures(folded),
    )
