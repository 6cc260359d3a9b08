"""A laptop that only receives an incident (a stakeholder's, a Deputy's before they type) has
its summary and snapshot brought up to date by the round that took the lines in: `ic list` and
`ic show` there read them, not the whole union again each time."""

from __future__ import annotations

import pytest

from ic_console.domain import commands as c
from ic_console.store import incident as incident_module
from ic_console.store.catalog import list_incidents
from ic_console.store.snapshot import SNAPSHOT_FILE
from ic_console.store.summary import read_summary

from .conftest import INCIDENT, Laptop


def test_a_round_that_takes_lines_in_refreshes_the_summary_and_snapshot(
    laptops: list[Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, priya, _ = laptops
    store = alex.declare()
    store.execute(c.AddLogEntry(text="error rate at 12%"))
    alex.syncer().round()
    priya.syncer().round()
    folder = priya.root / "incidents" / INCIDENT
    assert (folder / SNAPSHOT_FILE).exists()  # none was there: written once
    summary = read_summary(folder / "incident.toml")
    assert summary is not None and summary["title"] == "Checkout errors"
    store.execute(c.ChangeSeverity(severity=1))
    alex.syncer().round()
    priya.syncer().round()
    summary = read_summary(folder / "incident.toml")
    assert summary is not None and summary["severity"] == 1  # the line just taken in
    opened: list[str] = []
    real = incident_module.IncidentStore.open

    def counted(*args: object, **kwargs: object) -> incident_module.IncidentStore:
        opened.append(str(args[1]))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(incident_module.IncidentStore, "open", counted)
    (listed,) = list_incidents(priya.root)
    assert listed.severity == 1 and opened == []  # the summary was read, the log was not
