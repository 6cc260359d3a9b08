"""The pure core: models, events, the state machine and commands. No I/O, no clock, no Textual."""

from __future__ import annotations

from ic_console.domain.clock import Clock, FakeClock, SystemClock
from ic_console.domain.errors import DomainError
from ic_console.domain.events import SCHEMA_VERSION, Event
from ic_console.domain.state import IncidentState, apply, replay

__all__ = [
    "SCHEMA_VERSION",
    "Clock",
    "DomainError",
    "Event",
    "FakeClock",
    "IncidentState",
    "SystemClock",
    "apply",
    "replay",
]
