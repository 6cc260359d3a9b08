"""Bounded memory: the log is read a chunk at a time (issue 13); peaks by tracemalloc, not time."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ic_console.domain.events import Event
from ic_console.store import eventlog
from ic_console.store.eventlog import EventLog
from ic_console.synthetic import write_busy_incident

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stream")
    return write_busy_incident(root, "stream", 24_000, start=START) / "events.jsonl"


def _reading_peak(path: Path) -> int:
    """Peak bytes allocated while the store's reader reads `path`, its events handed on."""
    seen = 0

    def drop(batch: list[Event]) -> None:
        nonlocal seen
        seen += len(batch)

    tracemalloc.start()
    try:
        result = EventLog(path).read_new(drop)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.damage is None and result.offset == path.stat().st_size
    assert seen == path.read_bytes().count(b"\n")
    return peak


def test_reading_memory_does_not_grow_with_the_log(
    big_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eventlog, "READ_CHUNK", 128 * 1024)
    data = big_log.read_bytes()
    quarter = big_log.parent / "quarter.jsonl"
    cut = 0
    for _ in range(6_000):
        cut = data.index(b"\n", cut) + 1
    quarter.write_bytes(data[:cut])
    quarter.chmod(0o600)
    small, large = _reading_peak(quarter), _reading_peak(big_log)
    # Reading the whole file at once made the peak grow with it (4x the log, 3x the peak).
    assert large < 1.3 * small, f"{large:,} bytes for {len(data):,}, {small:,} for {cut:,}"
    assert large < len(data) / 2


@pytest.mark.parametrize("chunk", [1, 100, 4096, 1 << 30])
def test_chunks_of_any_size_read_the_same_events(
    big_log: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(eventlog, "READ_CHUNK", chunk)
    head = big_log.read_bytes()[:50_000]  # ends inside a line: a torn tail
    small = big_log.parent / "head.jsonl"
    small.write_bytes(head)
    small.chmod(0o600)
    result = EventLog(small).read_new()
    whole = head.rfind(b"\n") + 1
    assert result.offset == whole and result.tail == head[whole:]
    assert [e.seq for e in result.events] == list(range(1, head.count(b"\n") + 1))
