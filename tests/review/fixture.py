"""The golden incident: built through real domain commands on a fake clock, so every time in
it, and every export of it, is the same on every run and every machine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

from ic_console.domain.commands import (
    AcceptDecision,
    AcknowledgeTask,
    AddLogEntry,
    AssignRole,
    AssignTask,
    ChangePhase,
    ChangeSeverity,
    Close,
    CompleteTask,
    Declare,
    ExtendTask,
    Handover,
    PostUpdate,
    ProposeDecision,
    RaiseObjection,
    ReassignTask,
    Release,
    Resolve,
)
from ic_console.domain.model import Audience, LogKind, Phase, Role
from ic_console.store.incident import IncidentStore
from ic_console.synthetic import ScriptedIncident

#: Tuesday evening; the incident runs past midnight into Wednesday.
START = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
GOLDEN_ID = "2026-11-24-checkout"
#: User text that must be shown literally everywhere: markup, HTML, pipes, an escape sequence.
TRICKY = "Rolled back to v41 \x1b[31m[bold]done[/bold] **fast** <b>ok</b> | a&b"


@contextmanager
def counting_ids() -> Iterator[None]:
    """Event ids from a counter instead of uuid4, so two builds write identical logs."""
    counter = iter(range(1, 1_000_000))
    with mock.patch.object(uuid, "uuid4", side_effect=lambda: uuid.UUID(int=next(counter))):
        yield


#: The golden data root's replica id, so two builds write identical logs.
GOLDEN_ORIGIN = "0123456789ab"


def build(root: Path, *, close: bool = True, resolve: bool = True) -> IncidentStore:
    """Write the golden incident under `root` and return its store."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not (root / "origin").exists():
        (root / "origin").write_text(f"{GOLDEN_ORIGIN}\n")
        (root / "origin").chmod(0o600)
    with counting_ids():
        return _build(root, close=close, resolve=resolve)


def _build(root: Path, *, close: bool, resolve: bool) -> IncidentStore:
    script = ScriptedIncident.in_store(
        root,
        Declare(incident_id=GOLDEN_ID, title="Checkout errors in EU", severity=2),
        start=START,
        actor="Alex",
    )
    at = script.at

    at(1, AssignRole(role=Role.IC, name="Alex"))
    at(2, AssignRole(role=Role.SCRIBE, name="Priya"))
    at(2.5, ChangePhase(phase=Phase.MOBILIZE))
    at(
        3,
        AddLogEntry(
            text="Error rate alert fired for checkout-eu",
            kind=LogKind.STATUS,
            occurred_at=START - timedelta(minutes=12),
        ),
        "Priya",
    )
    at(
        4,
        AssignTask(
            owner="Sam",
            text="Check the last deploy of the payment service",
            timebox=timedelta(minutes=5),
        ),
    )
    at(5, AcknowledgeTask(number=1), "Sam")
    at(6, AssignRole(role=Role.SME, name="Sam"))
    at(7, ChangeSeverity(severity=1))
    at(8, ChangePhase(phase=Phase.DIAGNOSE))
    at(9, AssignRole(role=Role.DEPUTY, name="Jordan"))
    at(12, ExtendTask(number=1, timebox=timedelta(minutes=10)))
    at(
        13,
        AssignTask(
            owner="Kim", text="Roll back config flag <checkout_v2>", timebox=timedelta(minutes=10)
        ),
    )
    at(
        14,
        PostUpdate(
            audience=Audience.INTERNAL,
            text="We are investigating checkout errors in EU | next update in 20m",
        ),
    )
    at(15, ProposeDecision(text="Roll back the payment service to v41"))
    at(16, RaiseObjection(number=1, by="Kim", text="Rollback drops in-flight carts"), "Kim")
    at(17, AcceptDecision(number=1))
    at(
        18,
        AddLogEntry(text="The deploy changed the cache keys. Sam forgot to warm the cache."),
        "Priya",
    )
    at(20, CompleteTask(number=1))
    at(21, ChangePhase(phase=Phase.RESOLVE))
    at(22, AddLogEntry(text=TRICKY, kind=LogKind.ACTION), "Priya")
    at(25, ReassignTask(number=2, owner="Sam"))
    at(30, CompleteTask(number=2))
    at(35, Handover(name="Jordan"))
    at(
        40,
        AddLogEntry(
            text="Add an alert when checkout errors stay above 1% for 10 minutes",
            kind=LogKind.FOLLOWUP,
        ),
        "Priya",
    )
    at(41, AddLogEntry(text="Investigate monitoring for this", kind=LogKind.FOLLOWUP), "Priya")
    at(42, AddLogEntry(text="TODO: better dashboards"), "Jordan")
    at(50, Release(name="Kim"))
    at(
        60,
        PostUpdate(
            audience=Audience.EXTERNAL, text="Checkout is working again for most customers."
        ),
    )
    at(70, ChangeSeverity(severity=2), "Jordan")
    if resolve:
        at(130, Resolve(), "Jordan")
    if close:
        at(140, Close(), "Jordan")
    assert script.store is not None
    return script.store
