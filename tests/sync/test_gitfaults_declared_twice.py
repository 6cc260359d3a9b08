"""Two laptops declare the same incident id while apart (both saw the alert and typed the same
title the same day), then sync: the incident is one, the first declaration stands (its time,
its severity, who declared it) on every laptop, and the second is kept and said once, with
what to do, instead of silently moving the declaration later and changing the severity."""

from __future__ import annotations

from datetime import timedelta

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.store.merged import merged_events

from .conftest import INCIDENT, START, Laptop


def test_the_first_declaration_stands_and_the_second_is_said(laptops: list[Laptop]) -> None:
    alex, priya, _sam = laptops
    IncidentStore.create(
        alex.root,
        c.Declare(incident_id=INCIDENT, title="Checkout errors", severity=2),
        clock=FakeClock(START),
        actor="Alex",
    ).execute(c.AssignTask(owner="Kim", text="roll back", timebox=timedelta(minutes=5)))
    IncidentStore.create(
        priya.root,
        c.Declare(incident_id=INCIDENT, title="Checkout errors", severity=1),
        clock=FakeClock(START + timedelta(minutes=3)),
        actor="Priya",
    )
    for laptop in (alex, priya, alex):
        laptop.syncer().round()
    for laptop in (alex, priya):
        store = IncidentStore.open(laptop.root, INCIDENT, read_only=True)
        state = store.state
        assert (state.declared_by, state.declared_at, state.severity) == ("Alex", START, 2)
        assert state.tasks[1].text == "roll back"
        assert [n.text for n in state.merge_notices] == [
            "Priya also declared this incident (SEV-1, 'Checkout errors') before the laptops "
            "synced; Alex's declaration stands and Priya's changes nothing: set the severity "
            "with `ic sev` if it should change"
        ]
        events, _ = merged_events(store.directory)
        assert [e.type for e in events].count("incident.declared") == 2  # both kept
