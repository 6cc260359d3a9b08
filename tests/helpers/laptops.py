"""Two laptops on one incident, without git: each a data root of its own, their files carried
over as a sync round would (`exchange`). For the tests of what a merge renumbers (a task,
decision or exit criterion recorded earlier on the other laptop takes the number of one shown
here)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.store.replica import accept_peer_file, list_local_files

#: When laptop A declares the incident.
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def exchange(source: Path, target: Path) -> None:
    """What a sync round does: the source's own files into the target's incident folders."""
    for found in list_local_files(source):
        accept_peer_file(target, found.incident_id, found.origin, found.path.read_bytes())


def declared_on_a(tmp_path: Path, incident_id: str) -> tuple[Path, Path, IncidentStore]:
    """Laptops A and B (`tmp_path/a`, `tmp_path/b`); on A, Alex declares `incident_id` at
    `START` and takes command. B has not heard of it yet. A's store is returned."""
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        root.mkdir(mode=0o700)
    store = IncidentStore.create(
        a,
        cmd.Declare(incident_id=incident_id, title="Payments down", severity=1),
        clock=FakeClock(START),
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    return a, b, store
