"""An incident across New York's clocks going back (or not), for the tests of how times are
shown when the offset changes during an incident (the review, the scribe log)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore

NEW_YORK = ZoneInfo("America/New_York")


def notes_every_ten_minutes(
    home: Path, incident_id: str, start: datetime, *, late: timedelta | None = None
) -> FakeClock:
    """Declared at `start`, then a note every ten minutes for 80 minutes (each noticed `late`
    after it happened, when given); the clock is left at the last note."""
    clock = FakeClock(start)
    store = IncidentStore.create(
        home,
        cmd.Declare(incident_id=incident_id, title="Across the change"),
        clock=clock,
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    for index in range(8):
        clock.advance(600)
        occurred = clock.now() - late if late is not None else None
        text = f"note {index} at {clock.now():%H:%M} UTC"
        store.execute(cmd.AddLogEntry(text=text, occurred_at=occurred))
    return clock
