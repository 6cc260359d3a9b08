"""How long the response took to reach its milestones: the clock of the response.

The incident's clock starts at the declaration; the call ends at resolution, or for an incident
still active at its last recorded event. A milestone never reached is None, never zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain.model import (
    Phase,
    Role,
)


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
