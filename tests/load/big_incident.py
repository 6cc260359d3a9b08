"""The load incident as the load tests see it: `ic_console.synthetic`'s builder, plus the count
of scribe-log rows the console shows (which needs the console's row vocabulary)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ic_console.domain.events import Event
from ic_console.domain.log_rows import describe
from ic_console.synthetic import LOAD_COMMON as COMMON
from ic_console.synthetic import LOAD_EVENTS as EVENTS
from ic_console.synthetic import LOAD_ID as INCIDENT_ID
from ic_console.synthetic import LOAD_OPEN_TASKS as OPEN_TASKS
from ic_console.synthetic import LOAD_PARTICIPANTS as PARTICIPANTS
from ic_console.synthetic import LOAD_RARE as RARE
from ic_console.synthetic import LOAD_START as START
from ic_console.synthetic import LOAD_TASKS as TASKS
from ic_console.synthetic import LoadFacts, build_load_incident

__all__ = [
    "COMMON",
    "EVENTS",
    "INCIDENT_ID",
    "OPEN_TASKS",
    "PARTICIPANTS",
    "RARE",
    "START",
    "TASKS",
    "Built",
    "build",
]


@dataclass
class Built(LoadFacts):
    #: The scribe-log rows the console shows (log entries and system lines).
    rows: int = 0


def build(path: Path) -> Built:
    """Write the load incident at `path` and say what is in it, rows included."""
    rows = 0

    def count_row(event: Event) -> None:
        nonlocal rows
        if describe(event.data) is not None:
            rows += 1

    facts = build_load_incident(path, on_event=count_row)
    return Built(**vars(facts), rows=rows)
