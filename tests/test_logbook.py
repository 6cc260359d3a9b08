"""The scribe log kept as columns (`domain.logbook.LogBook`): it behaves as the list of entries
it replaced, round-trips through the state snapshot exactly, and costs far less memory (issue 13,
item 7: a million events replayed from scratch under 150 MB)."""

from __future__ import annotations

import copy
import json
import pickle
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ic_console.domain import commands as c
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.logbook import BLOCK, KEEP_BUILT, LogBook
from ic_console.domain.model import LogKind
from ic_console.domain.records import LogEntry
from ic_console.domain.state import IncidentState, apply_all
from ic_console.store import snapshot as snap
from ic_console.store.incident import IncidentStore
from ic_console.store.lazylog import LazyLog
from ic_console.synthetic import write_busy_incident

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)

zones = st.sampled_from(
    [UTC, UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-9, minutes=-30))]
)
moments = st.builds(
    lambda micros, zone: (START + timedelta(microseconds=micros)).astimezone(zone),
    st.integers(min_value=-(10**13), max_value=10**13),
    zones,
)
# Texts of every kind: empty, astral characters, long enough to fill blocks of text.
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x10000, max_codepoint=0x1F9FF), max_size=5),
    st.just(""),
    st.builds(lambda n: "x" * n, st.integers(min_value=BLOCK // 2, max_value=BLOCK * 2)),
)
entries = st.builds(
    LogEntry,
    seq=st.integers(min_value=1, max_value=2**40),
    recorded_at=moments,
    author=st.sampled_from(["Alex", "Sam", "Kim", "Zoë", "bot 🤖", ""]),
    kind=st.sampled_from(list(LogKind)),
    text=texts,
    occurred_at=st.none() | moments,
)


def _same(book: LogBook, entries: list[LogEntry]) -> None:
    """Equal entry by entry, and every time written the same (offset included)."""
    assert len(book) == len(entries)
    assert book == entries and list(book) == entries
    shown = [
        (e.recorded_at.isoformat(), e.occurred_at.isoformat() if e.occurred_at else None)
        for e in book
    ]
    assert shown == [
        (e.recorded_at.isoformat(), e.occurred_at.isoformat() if e.occurred_at else None)
        for e in entries
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(entries, max_size=60), st.data())
def test_a_book_behaves_as_the_list_did(items: list[LogEntry], data: st.DataObject) -> None:
    book = LogBook()
    for entry in items:
        book.append(entry)
    _same(book, items)
    assert list(reversed(book)) == list(reversed(items))
    assert bool(book) == bool(items)
    if items:
        index = data.draw(st.integers(min_value=-len(items), max_value=len(items) - 1))
        assert book[index] == items[index]
    start = data.draw(st.integers(min_value=-70, max_value=70) | st.none())
    stop = data.draw(st.integers(min_value=-70, max_value=70) | st.none())
    step = data.draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
    assert book[start:stop:step] == items[start:stop:step]
    twin = copy.deepcopy(book)
    twin.append(LogEntry(1, START, "Alex", LogKind.NOTE, "only in the copy"))
    assert book == items and twin == [*items, twin[-1]]
    assert pickle.loads(pickle.dumps(book)) == items
    assert LogBook.from_columns(book.columns()) == items
    followups = sum(1 for e in items if e.kind is LogKind.FOLLOWUP)
    assert book.count_kind(LogKind.FOLLOWUP) == followups
    ranked = sorted(enumerate(items), key=lambda pair: (pair[1].when, pair[0]))[-5:]
    assert book.latest(5) == ranked


@settings(max_examples=30, deadline=None)
@given(st.lists(entries, min_size=1, max_size=30), st.lists(entries, max_size=10))
def test_a_deferred_book_reads_its_covered_entries_once_and_only_when_asked(
    covered: list[LogEntry], appended: list[LogEntry]
) -> None:
    reads: list[int] = []

    def load() -> LogBook:
        reads.append(1)
        return LogBook(covered)

    followups = sum(1 for e in covered if e.kind is LogKind.FOLLOWUP)
    recent = sorted(enumerate(covered), key=lambda pair: (pair[1].when, pair[0]))[-50:]
    book = LazyLog(load, len(covered), followups, recent)
    for entry in appended:
        book.append(entry)
    assert len(book) == len(covered) + len(appended)
    assert list(book.appended_since(len(covered))) == appended
    assert book.count_kind(LogKind.FOLLOWUP, len(covered)) == sum(
        1 for e in appended if e.kind is LogKind.FOLLOWUP
    )
    expected = sorted(enumerate(covered + appended), key=lambda p: (p[1].when, p[0]))[-3:]
    assert book.latest(3) == expected
    assert not reads and not book.loaded
    assert book == covered + appended
    assert reads == [1] and book.loaded
    assert list(book) == covered + appended and reads == [1]


def test_many_entries_are_kept_once_built_a_very_long_book_is_not() -> None:
    small = LogBook(LogEntry(i, START, "Alex", LogKind.NOTE, f"n{i}") for i in range(100))
    assert next(iter(small)) is next(iter(small))  # the review's passes share one build
    small.append(LogEntry(100, START, "Alex", LogKind.NOTE, "after"))
    assert small[-1].text == "after" and len(list(small)) == 101
    assert KEEP_BUILT < 1_000_000  # a million entries are never kept as objects


def _fold_log_events(count: int) -> IncidentState:
    """A state folded from `count` log events (as a bot would send them)."""
    events = (
        ev.Event(
            seq=seq,
            id=f"{seq:032x}",
            at=START + timedelta(seconds=seq),
            actor=f"Responder {seq % 12}",
            data=ev.LogEntryAdded(kind=LogKind.NOTE, text=f"Alert {seq}: p99 latency at {seq}ms"),
        )
        for seq in range(1, count + 1)
    )  # made as they are folded and dropped after, as the log's reader does
    state = IncidentState()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        apply_all(state, events)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    state.incident_id = str(held)  # carried out for the caller
    return state


def test_folding_log_events_keeps_them_compact() -> None:
    """~360 bytes an entry as a list of records; the book keeps under 60 (texts packed)."""
    count = 20_000
    state = _fold_log_events(count)
    held = int(state.incident_id)
    assert len(state.log) == count
    assert held / count < 60, f"{held / count:.0f} bytes an entry"
    assert state.log[-1].text == f"Alert {count}: p99 latency at {count}ms"


# -- the snapshot ------------------------------------------------------------------------------


def test_the_snapshot_round_trips_a_book_exactly(home: Path) -> None:
    directory = write_busy_incident(home, "book", 3000, start=START)
    first = IncidentStore.open(home, "book", actor="Alex", read_only=True).state.updated_at
    assert first is not None
    clock = FakeClock(first + timedelta(hours=1))
    store = IncidentStore.open(home, "book", actor="Alex", clock=clock)
    assert store.state.updated_at is not None
    local = timezone(timedelta(hours=5, minutes=30))
    store.execute(
        c.AddLogEntry(text="at local time 🙂", occurred_at=store.state.updated_at.astimezone(local))
    )
    assert store.write_snapshot()
    again = IncidentStore.open(home, "book", actor="Alex", read_only=True)
    assert isinstance(again.state.log, LazyLog) and not again.state.log.loaded
    assert again.state == store.state
    assert [e.occurred_at.isoformat() if e.occurred_at else None for e in again.state.log] == [
        e.occurred_at.isoformat() if e.occurred_at else None for e in store.state.log
    ]
    assert again.state.log[-1].occurred_at is not None
    assert again.state.log[-1].occurred_at.utcoffset() == timedelta(hours=5, minutes=30)
    assert (directory / snap.SNAPSHOT_FILE).exists()


def test_an_old_layout_snapshot_is_rebuilt_without_a_notice(home: Path) -> None:
    directory = write_busy_incident(home, "old", 600, start=START)
    IncidentStore.open(home, "old", actor="Alex").write_snapshot()
    path = directory / snap.SNAPSHOT_FILE
    header_line, rest = path.read_bytes().split(b"\n", 1)
    header = json.loads(header_line[9:])
    header["schema"] = 1  # as a snapshot whose scribe log was one JSON line
    head = json.dumps(header).encode()
    path.write_bytes(b"%08x " % zlib.crc32(head) + head + b"\n" + rest)
    store = IncidentStore.open(home, "old", actor="Alex")
    assert not isinstance(store.state.log, LazyLog)  # read from the log, not the old file
    assert not store.notices
    assert store.write_snapshot()
    assert json.loads(path.read_bytes().split(b"\n", 1)[0][9:])["schema"] == snap.SNAPSHOT_SCHEMA


def test_a_damaged_column_is_rebuilt_from_the_log(home: Path) -> None:
    directory = write_busy_incident(home, "cols", 600, start=START)
    truth = IncidentStore.open(home, "cols", actor="Alex")
    assert truth.write_snapshot()
    path = directory / snap.SNAPSHOT_FILE
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0xFF  # inside the scribe log's texts
    path.write_bytes(bytes(raw))
    store = IncidentStore.open(home, "cols", actor="Alex", read_only=True)
    assert isinstance(store.state.log, LazyLog)
    assert list(store.state.log) == list(truth.state.log)  # rebuilt from events.jsonl


@settings(max_examples=60, deadline=None)
@given(
    st.lists(entries, max_size=40), st.lists(entries, max_size=10), st.sampled_from(list(LogKind))
)
def test_the_last_entry_of_a_kind_is_the_lists_whether_read_or_deferred(
    covered: list[LogEntry], tail: list[LogEntry], kind: LogKind
) -> None:
    """The glance's latest status comes from the kind column: the same entry a backwards walk
    finds, with the covered entries read only when the tail has none of that kind."""
    everything = covered + tail
    expected = next((e for e in reversed(everything) if e.kind is kind), None)
    assert LogBook(everything).last_of_kind(kind) == expected
    deferred = LazyLog(lambda: covered, len(covered), 0, [])
    for entry in tail:
        deferred.append(entry)
    assert deferred.last_of_kind(kind) == expected
    assert deferred.loaded == (not any(e.kind is kind for e in tail))


def _storage(book: LogBook) -> tuple[object, ...]:
    columns = book.columns()
    return (
        tuple(a.tolist() for a in columns.arrays),
        [bytes(block) for block in columns.blocks],
        bytes(columns.open),
        columns.open_first,
        columns.authors,
        columns.zones,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(entries, max_size=12), max_size=6))
def test_adding_a_run_is_adding_one_by_one(runs: list[list[LogEntry]]) -> None:
    """`add_run` (the fold's way) leaves exactly the storage `add` leaves, blocks and zones
    included, whether the run is in UTC or not and however its texts fill the blocks."""
    one_by_one, by_runs = LogBook(), LogBook()
    for run in runs:
        for e in run:
            one_by_one.add(e.seq, e.recorded_at, e.author, e.kind, e.text, e.occurred_at)
        by_runs.add_run(
            [e.seq for e in run],
            [e.recorded_at for e in run],
            [e.author for e in run],
            [e.kind for e in run],
            [e.text for e in run],
            [e.occurred_at for e in run],
        )
    assert _storage(by_runs) == _storage(one_by_one)
    _same(by_runs, [e for run in runs for e in run])


def test_a_fold_that_stops_keeps_the_entries_before_the_event_that_did_not_fit() -> None:
    """The fold adds scribe entries to the book at the end of a batch: when an event does not
    fit, those before it are in the book, those after it are not, as one by one."""
    clock = FakeClock(START)
    declared = ev.Event(
        seq=1,
        id="a",
        at=clock.now(),
        actor="Alex",
        data=ev.IncidentDeclared(incident_id="x", title="t", severity=2),
    )
    logs = [
        ev.Event(
            seq=n,
            id=f"e{n}",
            at=clock.now(),
            actor="Alex",
            data=ev.LogEntryAdded(kind=LogKind.NOTE, text=f"entry {n}"),
        )
        for n in (2, 3, 5)
    ]
    misfit = ev.Event(seq=4, id="d", at=clock.now(), actor="Alex", data=ev.TaskDone(number=99))
    state = IncidentState()
    try:
        apply_all(state, [declared, logs[0], logs[1], misfit, logs[2]])
    except KeyError:
        pass
    else:
        raise AssertionError("a task that does not exist was folded")
    assert state.last_seq == 3
    assert [entry.text for entry in state.log] == ["entry 2", "entry 3"]


def _storage(book: LogBook) -> tuple[object, ...]:
    columns = book.columns()
    return (
        [a.tolist() for a in columns.arrays],
        [bytes(b) for b in columns.blocks],
        bytes(columns.open),
        columns.open_first,
        columns.authors,
        columns.zones,
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(entries, max_size=40), st.lists(entries, max_size=5), st.data())
def test_a_book_cut_short_is_the_book_of_the_entries_kept(
    items: list[LogEntry], more: list[LogEntry], data: st.DataObject
) -> None:
    """`truncate` keeps the first entries, as if only they had been appended (the same entries
    and the same storage, so a snapshot of it is the same too), and the book goes on from there."""
    size = data.draw(st.integers(min_value=0, max_value=len(items) + 2))
    book = LogBook(items)
    if data.draw(st.booleans()):
        list(book)  # every entry built once (a short book keeps them)
    book.truncate(size)
    kept = items[:size]
    _same(book, kept)
    assert _storage(book) == _storage(LogBook(kept))
    for entry in more:
        book.append(entry)
    _same(book, kept + more)
    assert _storage(book) == _storage(LogBook(kept + more))


def test_a_book_cannot_be_cut_below_nothing() -> None:
    try:
        LogBook().truncate(-1)
    except ValueError as error:
        assert "fewer than no entries" in str(error)
    else:
        raise AssertionError("truncate(-1) was taken")


def test_a_book_cut_in_a_packed_block_reads_the_block_made_after_it() -> None:
    """The block read last is kept unpacked by its number: cut short and grown again, the
    book makes a new block under that number, and reads that one."""
    text = int(BLOCK * 0.6)
    made = [
        LogEntry(i + 1, START, "Alex", LogKind.NOTE, letter * text)
        for i, letter in enumerate("abcd")
    ]
    book = LogBook(made)  # two packed blocks: a+b, c+d
    assert book[0].text == "a" * text  # the first block unpacked and kept
    book.truncate(1)
    book.append(LogEntry(2, START, "Sam", LogKind.NOTE, "z" * text))  # packs a+z as block 0
    book.append(LogEntry(3, START, "Sam", LogKind.NOTE, "y"))
    assert [entry.text[:1] for entry in book] == ["a", "z", "y"]
    assert book[1].text == "z" * text and book[1].author == "Sam"
