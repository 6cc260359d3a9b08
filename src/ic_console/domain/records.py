"""What an incident holds: its people, role stints, tasks, decisions, log and updates.

Plain records that the fold (`state.py`) fills in; the questions that depend on time take a
`now`, never read a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ic_console.domain.model import (
    ROTATE_AFTER,
    Audience,
    DecisionStatus,
    LogKind,
    Role,
    TaskStatus,
)


@dataclass(slots=True)
class Participant:
    name: str
    joined_at: datetime
    released_at: datetime | None = None
    #: Earlier stints on the call, for people who were released and came back.
    earlier: list[tuple[datetime, datetime]] = field(default_factory=list)

    @property
    def on_call(self) -> bool:
        return self.released_at is None

    def time_on_call(self, now: datetime) -> timedelta:
        """Length of the current (or last) stint: what matters for fatigue."""
        end = self.released_at or now
        return max(timedelta(0), end - self.joined_at)

    def should_rotate(self, now: datetime) -> bool:
        return self.on_call and self.time_on_call(now) >= ROTATE_AFTER


@dataclass(slots=True)
class RoleStint:
    role: Role
    name: str
    start: datetime
    end: datetime | None = None


@dataclass(slots=True)
class Task:
    number: int
    owner: str
    text: str
    assigned_at: datetime
    assigned_by: str
    timebox: timedelta
    deadline: datetime
    status: TaskStatus = TaskStatus.OPEN
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None
    extensions: int = 0
    reassignments: int = 0

    @property
    def is_open(self) -> bool:
        return self.status is TaskStatus.OPEN

    def remaining(self, now: datetime) -> timedelta:
        """Time left in the timebox; negative once it has run out."""
        return self.deadline - now

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and now >= self.deadline


@dataclass(slots=True)
class Objection:
    by: str
    text: str
    at: datetime


@dataclass(slots=True)
class Decision:
    number: int
    text: str
    proposed_by: str
    proposed_at: datetime
    status: DecisionStatus = DecisionStatus.OPEN
    objections: list[Objection] = field(default_factory=list)
    closed_at: datetime | None = None


@dataclass(slots=True)
class LogEntry:
    seq: int
    recorded_at: datetime
    author: str
    kind: LogKind
    text: str
    occurred_at: datetime | None = None

    @property
    def when(self) -> datetime:
        return self.occurred_at or self.recorded_at


@dataclass(slots=True)
class StakeholderUpdate:
    audience: Audience
    text: str
    at: datetime
    by: str
