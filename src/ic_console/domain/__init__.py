"""The pure core: models, events, the state machine and commands. No I/O, no clock, no Textual.

The names below are loaded on first use, so importing a light submodule (`domain.clock`,
`domain.errors`) does not pay for pydantic: that keeps `ic --help` fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ic_console.domain.clock import Clock, FakeClock, SystemClock
    from ic_console.domain.errors import DomainError
    from ic_console.domain.events import SCHEMA_VERSION, Event
    from ic_console.domain.state import IncidentState, apply, replay

_WHERE = {
    "SCHEMA_VERSION": "events",
    "Clock": "clock",
    "DomainError": "errors",
    "Event": "events",
    "FakeClock": "clock",
    "IncidentState": "state",
    "SystemClock": "clock",
    "apply": "state",
    "replay": "state",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
