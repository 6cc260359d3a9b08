"""The header's late badge counts late tasks while the incident is active (found by the second
hunt): after `ic resolve --keep-open` the tasks kept open are follow-ups for after the call,
which raise no alert, and the header of a resolved or closed incident still said "N LATE"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.widgets.incident_header import late_count, late_text

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def test_late_tasks_kept_open_past_resolution_are_not_late_in_the_header(tmp_path: Path) -> None:
    clock = FakeClock(START)
    store = IncidentStore.create(
        tmp_path,
        c.Declare(incident_id="checkout", title="Checkout errors", severity=2),
        clock=clock,
        actor="Alex",
    )
    store.execute(c.AssignRole(role=Role.IC, name="Alex"))
    store.execute(c.AssignTask(owner="Jordan", text="check the pool", timebox=timedelta(minutes=5)))
    clock.advance(600)
    now = clock.now()
    assert late_count(store.state, now) == 1
    assert late_text(late_count(store.state, now)) == "1 LATE"
    store.execute(c.Resolve())  # open work kept as follow-ups
    assert store.state.open_tasks()
    assert late_count(store.state, now) == 0
    assert late_text(late_count(store.state, now)) == ""
    store.execute(c.Close())
    assert late_count(store.state, now + timedelta(hours=1)) == 0
