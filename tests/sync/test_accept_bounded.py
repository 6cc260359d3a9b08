"""Taking in a peer's file holds its events a batch at a time (issue 13's bounded memory):
the checks of a new file (checksums, schema, sequence, origin, clocks, ids) read it as the log
reader does, a batch of models at a time, and the ids of its new lines point into the file
rather than copying each line. Receiving a 100,000-event incident through `ic sync` peaked at
319 MB so, 111 MB now."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from helpers.peer_files import PEER, honest, local_incident, peer_file
from ic_console.store.incident import IncidentStore
from ic_console.store.replica import accept_peer_file


@pytest.mark.slow
def test_a_long_peer_file_is_taken_in_without_holding_its_events(tmp_path: Path) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    local_incident(tmp_path, start)
    data = peer_file(honest(start + timedelta(seconds=n) for n in range(1, 40_001)))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        accepted = accept_peer_file(tmp_path, "checkout", PEER, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert accepted.added == 40_000
    # A chunk of the file and a batch of models at a time, and each line's id: not a model per
    # event (each about 1 kB here).
    # (8.8 times the file before, 3.2 times now: the ids are the part that grows with it.)
    assert peak < 4 * len(data), (peak, len(data))
    store = IncidentStore.open(tmp_path, "checkout", actor="Alex", read_only=True)
    assert sum(1 for entry in store.state.log if entry.author == "Priya") == 40_000


def test_a_grown_peer_file_adds_only_its_new_lines(tmp_path: Path) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    local_incident(tmp_path, start)
    data = peer_file(honest(start + timedelta(seconds=n) for n in range(1, 301)))
    half = data[: data.index(b"\n", len(data) // 2) + 1]
    assert accept_peer_file(tmp_path, "checkout", PEER, half).added == half.count(b"\n")
    grown = accept_peer_file(tmp_path, "checkout", PEER, data)
    assert grown.status == "grew"
    assert grown.added == data.count(b"\n") - half.count(b"\n")
