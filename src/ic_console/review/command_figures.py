"""Decisions, severity and command: how the incident was steered, and by whom."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain.model import (
    DecisionStatus,
    Role,
)
from ic_console.domain.state import IncidentState, replay
from ic_console.review.response_times import call_end, span


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


def highest_severity_of(state: IncidentState) -> int:
    """The most severe level the incident reached, from its folded state: the severities it
    was declared with and changed to (`severity_history`), so a verb that needs only this (the
    postmortem's due date) does not read every event again."""
    return min((level for _, level, _ in state.severity_history), default=state.severity)


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
