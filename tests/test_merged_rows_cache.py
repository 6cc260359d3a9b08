"""The second laptop's console opens on its rows cache (issue 13): a merged incident's console
starts from the merged snapshot and the rows cache when both cover the same prefix of every
replica's file, and ends exactly where a fold from the start ends, whatever happened to the
files since (a peer's file grew or was replaced, a late line arrived, a file was rewritten), or
to the cache (damaged, stale)."""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from tests.test_merge_marks import _two_laptops
from tests.test_replica_merge import (
    ID,
    MIN5,
    START,
    Laptop,
    _command,
    _fingerprint,
    exchange,
    steps,
    three_laptops,
)

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.live.incident import LiveIncident, LiveSettings, LogRows
from ic_console.store import marks
from ic_console.store.incident import IncidentStore
from ic_console.store.marks import FoldMarks
from ic_console.store.paths import event_files, file_origin
from ic_console.store.rows_cache import (
    MERGED_ROWS_SCHEMA,
    ROWS_FILE,
    StoredRows,
    load_rows,
    read_rows,
)
from ic_console.store.snapshot import SNAPSHOT_FILE, SnapshotUnusable

#: The consoles' clock: a day after the incident, so no replica's clock looks fast.
LATER = START + timedelta(days=1)


def _console(laptop: Laptop) -> LiveIncident:
    settings = LiveSettings(actor=laptop.name, clock=FakeClock(LATER))
    return LiveIncident.open(laptop.root, ID, settings, shipped_phrasebook())


def _from_the_start(root: Path) -> tuple[IncidentStore, LogRows]:
    """The incident folded from the start with a listener, as a console without caches does."""
    rows = LogRows(FakeClock(LATER))
    store = IncidentStore.open(root, ID, read_only=True, on_events=rows.collect)
    rows.attach(lambda: store.state)
    return store, rows


def _matches_a_fold_from_the_start(live: LiveIncident) -> None:
    scratch, rows = _from_the_start(live.store.directory.parent.parent)
    assert _fingerprint(live.store) == _fingerprint(scratch), "state differs from the start's"
    assert list(live.rows) == list(rows.rows), "log rows differ from the start's"


def _resumed(live: LiveIncident) -> bool:
    """Whether the console's rows start from the rows cache (decoded from its file)."""
    return isinstance(live.rows.base, StoredRows)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many events each open hands the log pane (the tail, or the whole incident)."""
    handed: list[int] = []
    real = LogRows.collect

    def collect(self: LogRows, events: list[object]) -> None:
        handed.append(len(events))
        real(self, events)  # type: ignore[arg-type]

    monkeypatch.setattr(LogRows, "collect", collect)
    yield handed


def _folder(laptop: Laptop) -> Path:
    return laptop.root / "incidents" / ID


def _peer_file(laptop: Laptop, owner: Laptop) -> Path:
    """`owner`'s replica file as it sits on `laptop`."""
    assert owner.store is not None and owner.store.origin is not None
    (path,) = [p for p in event_files(_folder(laptop)) if file_origin(p) == owner.store.origin]
    return path


# -- opening on the cache ------------------------------------------------------------------------


def test_the_second_laptops_console_opens_on_its_rows_cache_and_reads_only_the_tail(
    tmp_path: Path, counted: list[int]
) -> None:
    alex, priya = _two_laptops(tmp_path, lines=40)
    first = _console(priya)
    assert not _resumed(first) and sum(counted) >= 42  # no cache yet: every event
    first.close()
    cache = read_rows(_folder(priya))
    assert cache is not None and cache.files is not None and len(cache.files) == 2
    for n in range(3):  # Alex's file grows on Priya's laptop (the sync appends to it)
        alex.run(c.AddLogEntry(text=f"after the cache {n}"))
    exchange(alex, priya)
    counted.clear()
    live = _console(priya)
    assert _resumed(live)
    assert sum(counted) == 3  # only the events after what the snapshot and cache cover
    assert live.rows[-1].text == "after the cache 2"
    _matches_a_fold_from_the_start(live)
    assert not live.store.notices


def test_a_console_that_closes_unchanged_does_not_write_the_cache_again(tmp_path: Path) -> None:
    _alex, priya = _two_laptops(tmp_path, lines=5)
    _console(priya).close()
    cache = _folder(priya) / ROWS_FILE
    written = cache.stat().st_mtime_ns
    live = _console(priya)
    assert _resumed(live)
    assert not live.save_rows()
    assert cache.stat().st_mtime_ns == written
    live.execute(c.AddLogEntry(text="one more"))
    assert live.save_rows()
    live.close()
    again = _console(priya)
    assert _resumed(again) and again.rows[-1].text == "one more"
    _matches_a_fold_from_the_start(again)


def test_a_peer_file_replaced_by_a_first_copy_is_read_on_from_the_cache(tmp_path: Path) -> None:
    """Sam's file arrives after the cache was written (a file the snapshot does not cover),
    recorded after everything folded: read whole as the tail, on top of the cache."""
    alex, priya = _two_laptops(tmp_path, lines=8)
    _console(priya).close()
    sam = Laptop(tmp_path / "Sam", "Sam", FakeClock(START + timedelta(minutes=10)))
    sam.root.mkdir(mode=0o700)
    exchange(alex, sam)
    exchange(priya, sam)
    sam.run(c.AddLogEntry(text="Sam: joined late"))
    exchange(sam, priya)
    live = _console(priya)
    assert _resumed(live) and live.rows[-1].text == "Sam: joined late"
    _matches_a_fold_from_the_start(live)


def test_a_line_that_sorts_before_what_the_cache_covers_folds_from_the_start(
    tmp_path: Path,
) -> None:
    """Sam wrote a line while offline, recorded in the middle of what the cache covers: the
    console folds everything again (the cached rows would put it in the wrong place)."""
    alex, priya, sam = three_laptops(tmp_path)
    exchange(alex, sam)  # Sam has the declaration, and goes offline
    for n in range(20):
        alex.clock.advance(1)
        alex.run(c.AddLogEntry(text=f"line {n}"))
    sam.clock.advance(5)
    sam.run(c.AddLogEntry(text="Sam: seen at 14:00:06"))
    exchange(alex, priya)
    priya.run(c.AddLogEntry(text="Priya: on the bridge"))
    _console(priya).close()
    exchange(sam, priya)  # ...and his line arrives after Priya's cache was written
    live = _console(priya)
    assert not _resumed(live)
    texts = [row.text for row in live.rows]
    assert texts.index("Sam: seen at 14:00:06") < texts.index("line 10")
    _matches_a_fold_from_the_start(live)


def test_a_late_line_after_the_cache_goes_back_only_to_where_the_cache_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alex's line, recorded before Priya's but arriving after it, sorts after what the cache
    covers: her console goes back to the mark where the cache ended, not to the start."""
    monkeypatch.setattr(marks, "MARK_EVERY", 10_000)  # no mark but the cache's own
    went_back: list[int] = []
    real = FoldMarks.before

    def before(self: FoldMarks, key: object) -> object:
        found = real(self, key)  # type: ignore[arg-type]
        went_back.append(-1 if found is None else len(found[1]))
        return found

    monkeypatch.setattr(FoldMarks, "before", before)
    alex, priya = _two_laptops(tmp_path, lines=30)
    _console(priya).close()
    live = _console(priya)
    assert _resumed(live)
    alex.clock.advance(5)
    alex.run(c.AddLogEntry(text="Alex: recorded first"))
    priya.clock = FakeClock(alex.clock.now() + timedelta(seconds=5))
    assert live.execute(c.AddLogEntry(text="Priya: recorded second")).ok
    exchange(alex, priya)
    reloads = live.store.reloads
    live.poll()
    assert live.store.reloads == reloads + 1
    assert went_back == [1]  # Priya's line, folded again after Alex's
    assert _resumed(live)  # the cached rows kept
    assert [row.text for row in live.rows][-2:] == [
        "Alex: recorded first",
        "Priya: recorded second",
    ]
    _matches_a_fold_from_the_start(live)


def test_the_first_laptop_reads_its_log_once_when_a_peer_file_arrives(tmp_path: Path) -> None:
    """Alex's console left one log's rows; Priya's file arrived since: the incident is read
    merged once, from the start (not once from the snapshot and again for the rows), and the
    next open starts from the merged cache."""
    alex, priya, _sam = three_laptops(tmp_path)
    for n in range(6):
        alex.run(c.AddLogEntry(text=f"line {n}"))
    _console(alex).close()
    cache = read_rows(_folder(alex))
    assert cache is not None and cache.files is None  # one log's
    exchange(alex, priya)
    priya.run(c.AddLogEntry(text="Priya: on the bridge"))
    exchange(priya, alex)
    live = _console(alex)
    assert live.store.merged and live.store.reloads == 2  # one load, one merged fold
    _matches_a_fold_from_the_start(live)
    live.close()
    again = _console(alex)
    assert _resumed(again) and again.rows[-1].text == "Priya: on the bridge"
    _matches_a_fold_from_the_start(again)


# -- a cache that does not match ------------------------------------------------------------------


def test_a_cache_behind_the_snapshot_is_carried_on_to_it(
    tmp_path: Path, counted: list[int]
) -> None:
    """The snapshot was written later (by a command, the sync) than the rows cache: the
    console starts from the cache, describes the events between the two (read from the files)
    and then the tail, and never folds the whole incident again."""
    alex, priya = _two_laptops(tmp_path, lines=10)
    _console(priya).close()
    alex.run(c.AddLogEntry(text="one more"))
    alex.run(c.AssignTask(owner="Kim", text="check the queue", timebox=MIN5))
    exchange(alex, priya)
    priya.run(c.AddLogEntry(text="Priya's own"))
    later = IncidentStore.open(priya.root, ID, actor="Priya")
    assert later.write_snapshot()
    priya.run(c.AddLogEntry(text="after the snapshot"))
    counted.clear()
    live = _console(priya)
    assert _resumed(live)
    between, tail = counted  # the events between the two, then the tail: never them all
    assert 3 <= between <= 5 and tail == 1
    _matches_a_fold_from_the_start(live)
    live.close()
    counted.clear()
    again = _console(priya)  # the cache written at close covers all of it
    assert _resumed(again) and counted == []
    _matches_a_fold_from_the_start(again)


def test_a_merge_notice_between_the_cache_and_the_snapshot_is_placed_as_the_fold_does(
    tmp_path: Path,
) -> None:
    """Both laptops marked the same task done while apart, and the snapshot moved on past both
    with no console open: the fold says so in a row beside the event it is about, and so does
    the console carried on from the cache."""
    alex, priya = _two_laptops(tmp_path, lines=4)
    alex.run(c.Join(name="Kim"))
    alex.run(c.AssignTask(owner="Kim", text="check db", timebox=MIN5))
    exchange(alex, priya)
    _console(priya).close()
    alex.clock.advance(30)
    alex.run(c.CompleteTask(number=1))
    priya.clock.advance(40)
    priya.run(c.CompleteTask(number=1))
    exchange(alex, priya)
    store = IncidentStore.open(priya.root, ID, actor="Priya")
    assert store.state.merge_notices and store.write_snapshot()
    live = _console(priya)
    assert _resumed(live)
    _matches_a_fold_from_the_start(live)
    notice = store.state.merge_notices[0].text
    assert sum(row.text == notice for row in live.rows) == 1


def test_a_cache_behind_a_snapshot_that_went_back_is_not_carried_on(tmp_path: Path) -> None:
    """Between the cache and the snapshot, a line arrived that sorts before what the cache
    covers (the fold went back to put it in its place): the cache's rows are not those of the
    fold any more, so the rows are built from the start."""
    alex, priya = _two_laptops(tmp_path, lines=10)
    alex.run(c.AddLogEntry(text="recorded first, arrives late"))
    priya.clock.advance(60)  # a minute later: Priya's line sorts after Alex's
    priya.run(c.AddLogEntry(text="Priya's own"))
    _console(priya).close()
    alex.clock.advance(120)
    alex.run(c.AddLogEntry(text="and one after it"))  # the gap ends where the snapshot does
    exchange(alex, priya)
    assert IncidentStore.open(priya.root, ID, actor="Priya").write_snapshot()
    live = _console(priya)
    assert not _resumed(live)
    _matches_a_fold_from_the_start(live)


def test_a_rewritten_peer_file_makes_the_cache_stale(tmp_path: Path) -> None:
    """A peer's file cut back to fewer lines (rewritten, not grown): neither the snapshot nor
    the cache covers it any more; nothing is said (stale), the rows come from the log."""
    alex, priya = _two_laptops(tmp_path, lines=10)
    _console(priya).close()
    path = _peer_file(priya, alex)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-4]))
    with pytest.raises(SnapshotUnusable) as stale:
        read_rows(_folder(priya))
    assert not stale.value.damaged
    assert load_rows(_folder(priya)) == (None, None)
    live = _console(priya)
    assert not _resumed(live)
    assert not any(ROWS_FILE in notice.message for notice in live.store.notices)
    _matches_a_fold_from_the_start(live)


def test_a_covered_file_gone_makes_the_cache_stale(tmp_path: Path) -> None:
    _alex, priya = _two_laptops(tmp_path, lines=4)
    _console(priya).close()
    os.unlink(_peer_file(priya, priya))
    assert load_rows(_folder(priya)) == (None, None)


def test_a_damaged_cache_is_ignored_with_a_notice_and_written_again(tmp_path: Path) -> None:
    _alex, priya = _two_laptops(tmp_path, lines=12)
    _console(priya).close()
    cache = _folder(priya) / ROWS_FILE
    data = bytearray(cache.read_bytes())
    data[data.index(b"\n") + 20] ^= 0x01  # a byte of the first row
    cache.write_bytes(bytes(data))
    live = _console(priya)
    assert not _resumed(live)
    assert any(
        ROWS_FILE in notice.message and "damaged" in notice.message
        for notice in live.take_notices()
    )
    _matches_a_fold_from_the_start(live)
    live.close()  # written again from the log's rows
    again = _console(priya)
    assert _resumed(again)
    _matches_a_fold_from_the_start(again)


def _rewrite_header(cache: Path, change: dict[str, object]) -> None:
    """The cache with its header changed (and checksummed again, as a careful forger would)."""
    head, rest = cache.read_bytes().split(b"\n", 1)
    header = json.loads(head[9:])
    header.update(change)
    body = json.dumps(header).encode()
    cache.write_bytes(b"%08x " % zlib.crc32(body) + body + b"\n" + rest)


@pytest.mark.parametrize(
    ("change", "damaged"),
    [
        ({"files": [["../elsewhere.jsonl", 0, 0, 0, 0, 0, 0]]}, True),
        ({"files": []}, True),
        ({"last_key": [1, 2]}, True),
        ({"schema": MERGED_ROWS_SCHEMA + 1}, False),
    ],
)
def test_a_header_that_does_not_hold_is_refused(
    tmp_path: Path, change: dict[str, object], damaged: bool
) -> None:
    _alex, priya = _two_laptops(tmp_path, lines=3)
    _console(priya).close()
    _rewrite_header(_folder(priya) / ROWS_FILE, change)
    with pytest.raises(SnapshotUnusable) as refused:
        read_rows(_folder(priya))
    assert refused.value.damaged is damaged
    live = _console(priya)
    assert not _resumed(live)
    _matches_a_fold_from_the_start(live)


def test_a_cache_whose_files_differ_from_the_snapshots_is_not_used(tmp_path: Path) -> None:
    """A cache that lists the files at other offsets than the snapshot (say, the snapshot of an
    earlier point and a forged cache) is never taken up: the two must cover the same."""
    alex, priya = _two_laptops(tmp_path, lines=6)
    _console(priya).close()
    snapshot = (_folder(priya) / SNAPSHOT_FILE).read_bytes()
    alex.run(c.AddLogEntry(text="one more"))
    exchange(alex, priya)
    live = _console(priya)
    live.close()  # the cache and the snapshot now cover the new line
    (_folder(priya) / SNAPSHOT_FILE).write_bytes(snapshot)  # the snapshot from before it
    again = _console(priya)
    assert not _resumed(again)
    _matches_a_fold_from_the_start(again)


# -- any interleaving ----------------------------------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps)
def test_a_console_opened_on_its_caches_shows_what_a_fold_from_the_start_shows(
    script: list[tuple[int, int, int, str, int, str, int]],
) -> None:
    """Three laptops type, exchange files (peer files arrive, grow, lines arrive late) and
    open and close their consoles (which write the snapshot and the rows cache), or write the
    snapshot alone (a command, a sync round), in any order: every console opened on its caches
    matches a fold from the start."""
    resumed = 0
    with tempfile.TemporaryDirectory() as scratch:
        laptops = three_laptops(Path(scratch))
        first = laptops[0]
        first.run(c.Join(name="Kim"))
        first.run(c.AssignTask(owner="Kim", text="check db", timebox=MIN5))
        for other in laptops[1:]:
            exchange(first, other)
        for what, who, other, kind, number, text, seconds in script:
            laptop = laptops[who]
            if what <= 3:
                laptop.run(_command(kind, number, text))
            elif what <= 6:
                if who != other:
                    exchange(laptop, laptops[other])
                elif laptop.open() is not None:  # a command writes the snapshot, not the rows
                    IncidentStore.open(laptop.root, ID, actor=laptop.name).write_snapshot()
            elif what <= 8:
                live = _console(laptop)
                resumed += _resumed(live)
                _matches_a_fold_from_the_start(live)
                if what == 8:  # the laptop records while its console follows
                    laptop.run(_command(kind, number, text))
                    live.poll()
                    _matches_a_fold_from_the_start(live)
                live.close()
            else:
                laptop.clock.advance(seconds)
        for source in laptops:
            for target in laptops:
                if source is not target:
                    exchange(source, target)
        for laptop in laptops:
            for _ in range(2):  # the second open starts from what the first wrote
                live = _console(laptop)
                resumed += _resumed(live)
                _matches_a_fold_from_the_start(live)
                live.close()
    event(f"opened on the rows cache: {min(resumed, 3)}+ times")
