"""A peer laptop's replica file, written as that laptop's store writes it, for tests of taking
in what another laptop sent (`store.replica.accept_peer_file`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.hlc import wall_ms
from ic_console.domain.model import LogKind
from ic_console.store.eventlog import encode
from ic_console.store.incident import IncidentStore

#: The peer's replica id.
PEER = "0123456789ab"


def peer_file(lines: Iterable[tuple[datetime, int]], kind: LogKind = LogKind.NOTE) -> bytes:
    """One scribe entry by Priya per (recorded time, clock in wall ms) of `lines`."""
    return b"".join(
        encode(
            ev.Event(
                v=2,
                seq=seq,
                id=uuid.uuid4().hex,
                at=at,
                actor="Priya",
                data=ev.LogEntryAdded(kind=kind, text=f"{kind.value} {seq}: p99 up"),
                origin=PEER,
                hlc=(clock, 0),
            )
        )
        for seq, (at, clock) in enumerate(lines, start=1)
    )


def honest(times: Iterable[datetime]) -> list[tuple[datetime, int]]:
    """Each time with a clock that agrees with it."""
    return [(at, wall_ms(at)) for at in times]


def local_incident(root: Path, now: datetime) -> IncidentStore:
    """This laptop's incident "checkout", declared by Alex at `now`."""
    return IncidentStore.create(
        root,
        cmd.Declare(incident_id="checkout", title="Checkout errors", severity=2),
        clock=FakeClock(now),
        actor="Alex",
    )
