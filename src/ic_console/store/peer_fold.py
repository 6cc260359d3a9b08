"""The fold of a peer's file made while `accept_peer_file` checks it, for the first snapshot.

A laptop that receives an incident it has never held (a second laptop's first `ic sync` of a
long incident) ends up with one file, the peer's, and the incident is that file's merged fold.
`accept_peer_file` validates every line of it a batch of models at a time; each batch is
folded here as it passes (`domain.merge.apply_merged`, in file order, which is the order the
store's merged read folds one file in), so once the file is in place the snapshot of the
union is written from this fold, and the first open (`refresh_derived`, then `ic list`,
`ic show`, the console) starts from that snapshot instead of reading, validating and folding
the peer's events a second time (100,000 events: taking the file in and refreshing its
derived files went from 2.4 to 1.5 s CPU, and from 129 to 99 MB).

Only a whole first copy into a folder with no other log is folded (`wanted`): with other
files the fold interleaves them by clock and is left to the store as before. The snapshot is
a cache checked against the file like any other: its prefix checksums prove the file's bytes
are the ones folded, and a changed file makes it stale. That this fold is the store's own
(the same `apply_merged`, in the same order, from the same validated events) is what the
tests check, by Hypothesis against a fold from scratch (`tests/test_first_receive.py`), not
something the snapshot itself can tell.
"""

from __future__ import annotations

from pathlib import Path

from ic_console.domain.events import Event
from ic_console.domain.hlc import MergeKey, merge_key
from ic_console.domain.merge import apply_merged
from ic_console.domain.state import IncidentState
from ic_console.store.eventlog import EventLog
from ic_console.store.paths import event_files
from ic_console.store.replay import gc_paused
from ic_console.store.snapshot import write_merged_snapshot

__all__ = ["PeerFold", "wanted"]


def wanted(directory: Path, target: Path, existing: bytes) -> bool:
    """Under the lock: True when `target`, taken in whole, will be the incident's only log
    (a first copy, and no other replica's file nor a pre-replication log beside it)."""
    return not existing and all(path == target for path in event_files(directory))


class PeerFold:
    """The merged fold of a file's events, handed over batch by batch in file order."""

    def __init__(self) -> None:
        self.state = IncidentState()
        self.last_key: MergeKey | None = None
        self.lines = 0
        self.last_seq = 0

    def add(self, batch: list[Event]) -> None:
        """Fold one validated batch (the next lines of the file)."""
        if not batch:
            return
        with gc_paused():  # many small objects that all stay alive (as the store's fold does)
            apply_merged(self.state, batch)
        self.last_key = merge_key(batch[-1])
        self.lines += len(batch)
        self.last_seq = batch[-1].seq

    def save(self, directory: Path, path: Path, offset: int) -> bool:
        """Under the lock, once `path` (the whole file, `offset` bytes) is in place: write the
        incident's snapshot from the fold; False when there is nothing the store would write
        (an undeclared incident, a log declaring another incident, which the store opens
        read-only) or the write failed (a cache: the next open folds the file instead)."""
        state = self.state
        if self.last_key is None or not state.declared or state.incident_id != directory.name:
            return False
        log = EventLog(path)
        log.offset, log.lines, log.last_seq = offset, self.lines, self.last_seq
        return write_merged_snapshot(directory, state, [log], self.last_key)
