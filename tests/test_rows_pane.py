"""The pane's rows opened from the rows cache without decoding them all (issue 13, items 5 and 7):
the lazy rows equal the decoded ones, a damaged or foreign index is refused with a notice and
rebuilt, and opening N cached rows allocates far less than N row objects."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain.clock import FakeClock
from ic_console.domain.describe import Narrator
from ic_console.domain.events import Event
from ic_console.domain.log_rows import KIND_LABELS, LogRow, RowList, event_rows
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.store import rows_cache
from ic_console.store.eventlog import EventLog
from ic_console.store.paths import event_files
from ic_console.synthetic import write_busy_incident

ID = "pane"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _open(home: Path, *, read_only: bool = False) -> LiveIncident:
    settings = LiveSettings(
        actor="Alex", clock=FakeClock(START + timedelta(days=1)), read_only=read_only
    )
    return LiveIncident.open(home, ID, settings, shipped_phrasebook())


def _replayed(directory: Path) -> list[LogRow]:
    events: list[Event] = []
    (path,) = event_files(directory)
    EventLog(path).read_new(events.extend)
    return event_rows(events)


def _cached(home: Path, events: int) -> Path:
    directory = write_busy_incident(home, ID, events, start=START)
    _open(home).close()
    assert (directory / rows_cache.ROWS_FILE).exists()
    return directory


def test_lazy_rows_equal_the_decoded_rows(home: Path) -> None:
    directory = _cached(home, 900)
    cached = rows_cache.read_rows(directory)
    assert cached is not None
    lazy = cached.rows
    assert isinstance(lazy, rows_cache.StoredRows)
    replayed = _replayed(directory)
    assert len(lazy) == len(replayed)
    assert [lazy[i] for i in range(len(lazy))] == replayed
    assert list(lazy) == replayed and lazy == replayed
    assert lazy[-1] == replayed[-1] and lazy[-len(replayed)] == replayed[0]
    assert lazy[10:20] == replayed[10:20] and lazy[::97] == replayed[::97]
    with pytest.raises(IndexError):
        lazy[len(replayed)]
    assert not lazy.faults
    # The console's rows: the cached ones as they are, then what it adds.
    live = _open(home, read_only=True)
    assert isinstance(live.rows, RowList) and live.rows.base == replayed
    assert live.rows == replayed and live.rows != replayed[:-1]


def test_a_cache_written_from_lazy_rows_copies_them(home: Path) -> None:
    """Closing a console opened on the cache copies the cached rows' bytes and adds the tail."""
    from ic_console.domain import commands as c

    directory = _cached(home, 400)
    live = _open(home)
    assert isinstance(live.rows.base, rows_cache.StoredRows)
    assert live.execute(c.AddLogEntry(text="one more")).ok
    live.poll()
    live.close()
    again = rows_cache.read_rows(directory)
    assert again is not None and again.rows == _replayed(directory)
    assert again.rows[-1].text == "one more"


def _index_span(path: Path) -> tuple[int, int]:
    """Where the index lies in the file (from the trailer)."""
    data = path.read_bytes()
    trailer = data[-rows_cache._TRAILER_LEN :].split()
    index_len = int(trailer[3], 16)
    end = len(data) - rows_cache._TRAILER_LEN
    return end - index_len, end


@pytest.mark.parametrize("damage", ["flipped", "foreign", "truncated"])
def test_a_damaged_or_foreign_index_is_ignored_with_a_notice_and_rebuilt(
    home: Path, damage: str
) -> None:
    directory = _cached(home, 500)
    path = directory / rows_cache.ROWS_FILE
    data = bytearray(path.read_bytes())
    start, end = _index_span(path)
    if damage == "flipped":
        data[start + 8 * 7] ^= 0x04
    elif damage == "foreign":
        # Another cache's index (of other rows) in place of this one, checksum and all.
        other = _cached(home / "other", 300) / rows_cache.ROWS_FILE
        other_start, other_end = _index_span(other)
        other_data = other.read_bytes()
        data[start:] = other_data[other_start:other_end] + data[end:]
    else:
        del data[start + 100 :]
    path.write_bytes(bytes(data))
    with pytest.raises(rows_cache.SnapshotUnusable) as refused:
        rows_cache.read_rows(directory)
    assert refused.value.damaged
    live = _open(home)
    assert live.log.cached_seq == 0  # built from the log
    assert live.rows == _replayed(directory)
    assert any("log.rows is damaged" in n.message for n in live.take_notices())
    live.close()
    rebuilt = rows_cache.read_rows(directory)
    assert rebuilt is not None and rebuilt.rows == _replayed(directory)


def test_a_cache_of_the_old_layout_is_rebuilt_quietly(home: Path) -> None:
    directory = _cached(home, 300)
    path = directory / rows_cache.ROWS_FILE
    data = path.read_bytes()
    header_end = data.index(b"\n")
    layout = b'"schema":%d' % rows_cache.ROWS_SCHEMA
    assert layout in data[:header_end]
    header = data[9:header_end].replace(layout, b'"schema":2')  # the layout before the hashes
    import zlib

    path.write_bytes(b"%08x " % zlib.crc32(header) + header + data[header_end:])
    with pytest.raises(rows_cache.SnapshotUnusable) as refused:
        rows_cache.read_rows(directory)
    assert not refused.value.damaged
    live = _open(home)
    assert live.log.cached_seq == 0 and not live.take_notices()
    live.close()
    assert rows_cache.read_rows(directory) is not None


def test_opening_cached_rows_allocates_far_less_than_the_rows(home: Path) -> None:
    """Reading a cache of N rows keeps its bytes and an index: far less than N row objects (the
    tracemalloc peak, not time)."""
    directory = _cached(home, 20_000)
    gc.collect()
    tracemalloc.start()
    try:
        cached = rows_cache.read_rows(directory)
        assert cached is not None
        _, lazy_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        decoded = list(cached.rows)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rows = len(decoded)
    assert rows >= 20_000
    objects = after - before  # what holding every row as an object costs
    file_size = (directory / rows_cache.ROWS_FILE).stat().st_size
    # The file's bytes once (read in one piece), the narrator's memory of the tasks and a
    # constant (the log's prefix is checksummed in pieces): no row objects beyond the tail.
    assert lazy_peak < 1.5 * file_size + (1 << 20), (lazy_peak, file_size)
    # Holding the rows as objects costs three times their bytes; with the narrator (a tenth of
    # these events are tasks) reading them costs well under two thirds of that.
    assert lazy_peak < 0.6 * objects, (lazy_peak, objects)


_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=7))]
)


@st.composite
def _rows(draw: st.DrawFn) -> list[LogRow]:
    count = draw(st.integers(min_value=1, max_value=40))
    seqs = sorted(draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count)))
    kinds = st.sampled_from(sorted(KIND_LABELS))
    moments = st.datetimes(timezones=_ZONES)
    return [
        LogRow(
            seq,
            draw(moments),
            draw(st.text(max_size=12)),
            draw(kinds),
            draw(st.text(max_size=60)),
            draw(st.none() | moments),
        )
        for seq in seqs
    ]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=_rows())
def test_any_rows_come_back_as_written(tmp_path: Path, rows: list[LogRow]) -> None:
    """Whatever the text (line ends, quotes, any script), one row a line and the index give
    back exactly the rows written, each decoded on its own."""
    directory = tmp_path / "any"
    directory.mkdir(exist_ok=True)
    log_path = directory / "events.jsonl"
    log_path.write_bytes(b'{"a": 1}\n')
    log = EventLog(log_path)
    log.offset, log.lines, log.last_seq = 9, 1, rows[-1].seq
    assert rows_cache.write_rows(directory, rows, Narrator(), log=log)
    cached = rows_cache.read_rows(directory)
    assert cached is not None
    assert len(cached.rows) == len(rows)
    assert [cached.rows[i] for i in range(len(rows) - 1, -1, -1)] == rows[::-1]
    assert not cached.rows.faults  # type: ignore[attr-defined]
