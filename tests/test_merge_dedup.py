"""The same event in two replicas' files is folded once; two copies that differ are told, and
the first copy in fold order is kept. Kept by a hash of each event, not the event itself."""

from __future__ import annotations

import gc
import json
import os
import tracemalloc
import zlib
from pathlib import Path

from tests.test_replica_merge import ID, START, _fingerprint

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import replica_file
from ic_console.synthetic import write_busy_incident

COPY = "a1b2c3d4e5f6"  # the replica id of the file put there by hand


def _line(obj: dict[str, object]) -> bytes:
    body = json.dumps(obj, separators=(",", ":")).encode()
    return body[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(body)


def _incident(tmp_path: Path) -> tuple[IncidentStore, list[dict[str, object]]]:
    root = tmp_path / "alex"
    root.mkdir(mode=0o700)
    store = IncidentStore.create(
        root,
        c.Declare(incident_id=ID, title="Checkout errors", severity=2),
        clock=FakeClock(START),
        actor="Alex",
    )
    store.execute(c.AddLogEntry(text="error rate at 12%"))
    lines = store.events_path.read_bytes().splitlines()
    objects = [json.loads(line) for line in lines]
    for obj in objects:
        del obj["crc"]
    return store, objects


def _copy(store: IncidentStore, objects: list[dict[str, object]]) -> None:
    """A second file holding the same (pre-replication, unowned) events, put there by hand."""
    path = replica_file(store.directory, COPY)
    path.write_bytes(b"".join(_line(obj) for obj in objects))


def test_the_same_events_in_two_files_are_folded_once(tmp_path: Path) -> None:
    store, objects = _incident(tmp_path)
    _copy(store, objects)
    merged = IncidentStore.open(tmp_path / "alex", ID, read_only=True, on_events=list)
    assert merged.merged
    assert [entry.text for entry in merged.state.log] == ["error rate at 12%"]
    assert not [n for n in merged.notices if "different contents" in n.message]


def test_two_copies_that_differ_are_told_and_the_first_is_kept(tmp_path: Path) -> None:
    store, objects = _incident(tmp_path)
    changed = json.loads(json.dumps(objects))
    data = changed[-1]["data"]
    assert isinstance(data, dict)
    data["text"] = "error rate at 2%"  # the same event id, changed after it was written
    _copy(store, changed)
    merged = IncidentStore.open(tmp_path / "alex", ID, read_only=True, on_events=list)
    told = [n.message for n in merged.notices if "different contents" in n.message]
    assert told and str(objects[-1]["id"]) in told[0]
    assert len(merged.state.log) == 1  # folded once: the first copy in fold order


def _transient_opening_merged(root: Path, count: int) -> int:
    """What opening an incident of `count` events held in another laptop's file (read merged,
    as a console opens it) allocates above what it keeps: tracemalloc's peak less what is
    still held once it is open (the state, the ids and marks of the fold)."""
    directory = write_busy_incident(root, "busy", count)
    peer = replica_file(directory, COPY)
    peer.parent.mkdir(mode=0o700)
    os.rename(directory / "events.jsonl", peer)
    seen = [0]

    def count_them(events: list[object]) -> None:  # a listener that keeps nothing
        seen[0] += len(events)

    gc.collect()
    tracemalloc.start()
    try:
        store = IncidentStore.open(root, "busy", read_only=True, on_events=count_them)
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert store.merged and seen[0] == count
    return peak - held


def test_a_merged_open_holds_a_bounded_number_of_events(tmp_path: Path) -> None:
    """The events being read and folded are a few batches at a time: 20,000 more events do
    not raise what the open holds for a moment (40 MB more when the files were read whole
    before merging)."""
    small = _transient_opening_merged(tmp_path / "small", 10_000)
    large = _transient_opening_merged(tmp_path / "large", 30_000)
    assert large - small < 8 << 20, f"{(large - small) >> 20} MB more for 20,000 more events"


def test_a_replica_file_that_goes_takes_its_events_with_it(tmp_path: Path) -> None:
    """A file removed from the incident folder (by hand: sync never removes one) while a
    console follows it: its events leave the fold, from the start, and nothing fails."""
    store, objects = _incident(tmp_path)
    peer = dict(objects[-1])
    peer.update(id="f" * 32, seq=1, origin=COPY, hlc=[10**13, 0])
    data = peer["data"]
    assert isinstance(data, dict)
    peer["data"] = {**data, "text": "from the copy"}
    path = replica_file(store.directory, COPY)
    path.write_bytes(_line(peer))
    console = IncidentStore.open(tmp_path / "alex", ID, read_only=True, on_events=list)
    assert [entry.text for entry in console.state.log] == ["error rate at 12%", "from the copy"]
    path.unlink()
    console.refresh()
    assert [entry.text for entry in console.state.log] == ["error rate at 12%"]
    again = IncidentStore.open(tmp_path / "alex", ID, read_only=True, on_events=list)
    assert _fingerprint(again) == _fingerprint(console)
