"""The summary's follow-up count is kept as the log grows, and always equals a full count."""

from __future__ import annotations

from pathlib import Path

from ic_console.domain.clock import FakeClock
from ic_console.domain.commands import AddLogEntry, Declare
from ic_console.domain.model import LogKind
from ic_console.store.incident import IncidentStore
from ic_console.store.summary import FollowupCount, read_summary


def test_the_summary_counts_followups_as_they_are_written(home: Path, clock: FakeClock) -> None:
    store = IncidentStore.create(
        home, Declare(incident_id="inc", title="Checkout errors"), clock=clock, actor="Alex"
    )
    for n in range(12):
        kind = LogKind.FOLLOWUP if n % 3 == 0 else LogKind.NOTE
        store.execute(AddLogEntry(text=f"entry {n}", kind=kind))
        summary = read_summary(store.summary_path)
        assert summary is not None
        assert summary["counts"]["followups"] == len(store.state.followups()) == n // 3 + 1

    # A reload starts a new log: counted again from the start, not added to the old count.
    store.load()
    store.execute(AddLogEntry(text="one more", kind=LogKind.FOLLOWUP))
    summary = read_summary(store.summary_path)
    assert summary is not None
    assert summary["counts"]["followups"] == len(store.state.followups()) == 5


def test_a_counter_given_another_state_counts_that_one(home: Path, clock: FakeClock) -> None:
    first = IncidentStore.create(
        home, Declare(incident_id="one", title="One"), clock=clock, actor="Alex"
    )
    second = IncidentStore.create(
        home, Declare(incident_id="two", title="Two"), clock=clock, actor="Alex"
    )
    first.execute(AddLogEntry(text="a", kind=LogKind.FOLLOWUP))
    first.execute(AddLogEntry(text="b", kind=LogKind.FOLLOWUP))
    second.execute(AddLogEntry(text="c", kind=LogKind.FOLLOWUP))
    count = FollowupCount()
    assert count(first.state) == 2
    assert count(second.state) == 1
    assert count(first.state) == 2
