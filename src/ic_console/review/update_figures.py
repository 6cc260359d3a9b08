"""Stakeholder updates: the stretches without one longer than the severity's cadence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from ic_console.domain import events as ev
from ic_console.domain.model import (
    DEFAULT_CADENCE,
)
from ic_console.review.response_times import call_end, declared_at, span

Cadence = Mapping[int, timedelta | None]


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
