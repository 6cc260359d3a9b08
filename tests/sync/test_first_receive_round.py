"""A second laptop's first round on a long incident (issue 13): the round that takes the peer's
file in leaves the summary and snapshot a fold from scratch would, without folding the file a
second time (it is folded while `accept_peer_file` checks it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.events import Event
from ic_console.domain.state import IncidentState
from ic_console.store import reader as reader_module
from ic_console.store import replica
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import SUMMARY_FILE, event_files
from ic_console.store.replica import refresh_derived
from ic_console.store.snapshot import SNAPSHOT_FILE
from ic_console.store.state_codec import state_body
from ic_console.synthetic import write_busy_incident

from .conftest import INCIDENT, START, Laptop


def test_a_first_round_leaves_what_a_fold_from_scratch_leaves(
    laptops: list[Laptop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, priya, _ = laptops
    # More events than the store's snapshot interval, of every kind, written before
    # replication (adopted as Alex's file by his first round).
    write_busy_incident(alex.root, INCIDENT, 5_000, start=START)
    alex.syncer().round()
    folded: list[int] = []
    real = reader_module.apply_merged

    def counted(state: IncidentState, events: list[Event]) -> IncidentState:
        folded.append(len(events))
        return real(state, events)

    monkeypatch.setattr(reader_module, "apply_merged", counted)
    report = priya.syncer().round()
    monkeypatch.undo()
    assert [(r.incident_id, r.events) for r in report.received] == [(INCIDENT, 5_000)]
    assert sum(folded) == 0  # the round's refresh started from the snapshot of the check's fold
    here = priya.root / "incidents" / INCIDENT
    # The same file folded from scratch by the store on a third data root.
    scratch = tmp_path / "scratch"
    (scratch / "incidents" / INCIDENT / "events").mkdir(mode=0o700, parents=True)
    for folder in (scratch, scratch / "incidents", scratch / "incidents" / INCIDENT):
        folder.chmod(0o700)
    (source,) = event_files(here)
    shutil.copy2(source, scratch / "incidents" / INCIDENT / "events" / source.name)
    refresh_derived(scratch, INCIDENT)
    for name in (SNAPSHOT_FILE, SUMMARY_FILE):
        assert (here / name).read_bytes() == (scratch / "incidents" / INCIDENT / name).read_bytes()
    theirs = IncidentStore.open(alex.root, INCIDENT, read_only=True).state
    mine = IncidentStore.open(priya.root, INCIDENT, read_only=True).state
    assert state_body(mine) == state_body(theirs) and list(mine.log) == list(theirs.log)


def test_two_files_of_one_incident_in_one_round_are_folded_once_by_the_store(
    laptops: list[Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Priya's first round brings Alex's and Sam's files of the incident: the first alone would
    be folded while checked, then folded again with the second (which interleaves with it by
    clock). The round hands both in without that fold; the store folds their union once."""
    alex, priya, sam = laptops
    store = alex.declare()
    for n in range(20):
        store.execute(c.AddLogEntry(text=f"Alex {n}"))
    alex.syncer().round()
    sam.syncer().round()
    there = sam.store()
    for n in range(20):
        there.execute(c.AddLogEntry(text=f"Sam {n}"))
    sam.syncer().round()
    checked: list[int] = []

    class Counted(replica.PeerFold):
        def add(self, batch: list[Event]) -> None:
            checked.append(len(batch))
            super().add(batch)

    monkeypatch.setattr(replica, "PeerFold", Counted)
    report = priya.syncer().round()
    assert sorted(r.events for r in report.received) == [20, 22]
    assert checked == []
    mine = IncidentStore.open(priya.root, INCIDENT, read_only=True).state
    assert len(mine.log) == 40
    assert (priya.root / "incidents" / INCIDENT / SNAPSHOT_FILE).exists()
    # The next round brings one more of Alex's lines: a grown file is never folded aside.
    store.execute(c.AddLogEntry(text="Alex again"))
    alex.syncer().round()
    priya.syncer().round()
    assert checked == []
    assert len(IncidentStore.open(priya.root, INCIDENT, read_only=True).state.log) == 41
