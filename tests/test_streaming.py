"""Bounded memory: the log is read a chunk at a time (issue 13); peaks by tracemalloc, not time."""

from __future__ import annotations

import shutil
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.events import Event
from ic_console.domain.model import LogKind, Role
from ic_console.review import document
from ic_console.review import export as export_module
from ic_console.review import search as search_module
from ic_console.review.export import FORMATS, NEEDS, STREAMERS, export, export_pieces
from ic_console.review.postmortem import build_review
from ic_console.review.search import search
from ic_console.review.source import open_for_review
from ic_console.store import eventlog, summary
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import EventLog
from ic_console.store.incident import IncidentStore
from ic_console.store.logfiles import log_files
from ic_console.store.paths import SUMMARY_FILE
from ic_console.synthetic import ScriptedIncident, write_busy_incident

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


# -- the review, the exports and the search (issue 13, items 3, 4 and 6) -------------------------

WIDE = 300
WIDE_TEXT = 20_000


@pytest.fixture(scope="module")
def wide_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An incident of WIDE scribe entries of 20,000 characters each (the text limit), some of
    them follow-ups: a path that holds every entry at once, or twice, shows at once."""
    root = tmp_path_factory.mktemp("wide")
    script = ScriptedIncident(START)
    script.run(c.Declare(incident_id="wide", title="Wide entries", severity=2))
    script.run(c.AssignRole(role=Role.IC, name="Alex"))
    filler = "lorem ipsum dolor sit amet " * (WIDE_TEXT // 27 + 1)
    kinds = (LogKind.NOTE, LogKind.ACTION, LogKind.STATUS, LogKind.FOLLOWUP)
    for step in range(WIDE):
        script.clock.advance(2)
        script.run(c.AddLogEntry(text=f"Entry {step}: {filler}"[:WIDE_TEXT], kind=kinds[step % 4]))
    script.clock.advance(2)
    script.run(c.Resolve())
    script.write(root)
    return root


def _log_size(root: Path, incident: str) -> int:
    return sum(path.stat().st_size for path in log_files(root / "incidents" / incident))


#: Peak of a whole export (read, review, written) over the log's size. The timeline's long texts
#: are read from the log book when asked (`review.timeline._BookText`), so the review itself
#: holds little; what stays is the renderer's: md and html hold their timeline table's rows
#: (the texts once) and the follow-ups (once more), the others about a batch beside the
#: follow-ups. Before, the timeline held every text as well: 2.15x for the JSON export.
WHOLE_EXPORT_PEAK = {"md": 2.3, "html": 2.3, "json": 1.4, "csv": 1.4}


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_is_never_held_whole(
    wide_root: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading, reviewing and writing an export costs what the renderer keeps and a batch, not
    the export nor the log again: with small batches the whole run's peak stays within a
    bound of the log's size, whatever the export's size (the JSON export is 3.5x the log)."""
    for module, name in (
        (eventlog, "READ_CHUNK"),
        (export_module, "JSON_CHARS"),
        (document, "TABLE_CHARS"),
    ):
        monkeypatch.setattr(module, name, 64 * 1024)
    needs = NEEDS[fmt]
    tracemalloc.start()
    try:
        source = open_for_review(
            wide_root, "wide", keep_json=needs.events_json, timeline=needs.timeline
        )
        review = build_review(source.events, source.state)
        written = 0
        for piece in STREAMERS[fmt](review):
            written += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    log = _log_size(wide_root, "wide")
    assert written > WIDE_TEXT * WIDE // 4  # every format carries the follow-ups' texts at least
    assert peak < WHOLE_EXPORT_PEAK[fmt] * log, f"{fmt}: peak {peak:,} for a log of {log:,}"


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("way", ["export_pieces", "export_bytes"])
def test_the_postmortem_formats_let_go_of_the_review_once_drafted(
    wide_root: Path, fmt: str, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """md and html are written from the postmortem document; the review it was drafted from
    (its timeline, its figures) is let go of before the first piece is written, to stdout or to
    a file. The file's generator kept it in a name: 10,000 entries of 20 kB peaked at 117 MB
    instead of 95."""
    import gc
    import weakref

    reviews: list[weakref.ref[object]] = []
    build = export_module.build_review

    def remembered(*args: object, **kwargs: object) -> object:
        review = build(*args, **kwargs)  # type: ignore[arg-type]
        reviews.append(weakref.ref(review))
        return review

    monkeypatch.setattr(export_module, "build_review", remembered)
    source = open_for_review(wide_root, "wide", timeline=True)
    pieces = iter(getattr(export_module, way)(source.events, source.state, fmt))
    first = next(pieces)
    gc.collect()
    assert first and len(reviews) == 1
    assert reviews[0]() is None, f"{way} still holds the review while writing {fmt}"
    assert sum(1 for _ in pieces) > 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_review_holds_no_text_twice(wide_root: Path, fmt: str) -> None:
    """Opened for any format, the review holds the log book's packed texts and little more:
    neither the events' JSON (the JSON export copies the lines from the log when it writes
    them) nor the timeline's long texts (read from the book when asked)."""
    needs = NEEDS[fmt]
    tracemalloc.start()
    try:
        source = open_for_review(
            wide_root, "wide", keep_json=needs.events_json, timeline=needs.timeline
        )
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    log = _log_size(wide_root, "wide")
    # Held as strings, the texts alone were the log's size; kept as JSON, again as much.
    assert held < 0.15 * log, f"{fmt}: {held:,} held for a log of {log:,}"
    timeline = source.events.timeline
    if timeline is not None:
        texts = [entry.text for entry in timeline]
        assert sum(map(len, texts)) > WIDE * WIDE_TEXT * 0.99


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_review_loads_only_what_a_format_needs(wide_root: Path, fmt: str) -> None:
    """Only the JSON export keeps each event as JSON; the others read a batch again from its
    place in the log when asked, and get the very same events and bytes."""
    needs = NEEDS[fmt]
    lean = open_for_review(wide_root, "wide", keep_json=needs.events_json, timeline=needs.timeline)
    kept = open_for_review(wide_root, "wide", keep_json=True)
    assert (lean.events.timeline is not None) == needs.timeline
    assert list(lean.events.arrays()) == list(kept.events.arrays())
    assert [e.seq for e in lean.events] == [e.seq for e in kept.events]
    assert lean.events[-1] == kept.events[-1]
    assert "".join(export_pieces(lean.events, lean.state, fmt)) == export(
        kept.events, kept.state, fmt
    )


def test_loading_for_review_holds_no_copy_of_the_log(
    wide_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review reads the log a chunk at a time and keeps no JSON of the events unless the
    JSON export asks: what it holds is the state (every entry's text once) and little more."""
    monkeypatch.setattr(eventlog, "READ_CHUNK", 256 * 1024)
    log = _log_size(wide_root, "wide")
    tracemalloc.start()
    try:
        source = open_for_review(wide_root, "wide", timeline=False)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(source.events) == source.state.last_seq > WIDE
    # The texts once (as 1-byte characters) is about the log's size; a second copy of the lines
    # or the file read whole would add as much again.
    assert held < 1.3 * log, f"{held:,} held for a log of {log:,}"
    assert peak < 1.5 * log, f"{peak:,} at the peak for a log of {log:,}"


def _search_peak(root: Path, needle: str) -> tuple[int, int]:
    tracemalloc.start()
    try:
        result = search(root, needle)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, len(result.hits)


def test_search_memory_does_not_grow_with_the_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "READ_CHUNK", 64 * 1024)
    small, large = tmp_path / "small", tmp_path / "large"
    write_busy_incident(small, "one", 2_000, rare="zebra-crossing", start=START)
    write_busy_incident(large, "one", 8_000, rare="zebra-crossing", start=START)
    for root in (small, large):
        summary.write_summary(
            root / "incidents" / "one" / SUMMARY_FILE,
            IncidentStore.open(root, "one", read_only=True).state,
        )
    (small_peak, small_hits), (large_peak, large_hits) = (
        _search_peak(small, "zebra-crossing"),
        _search_peak(large, "zebra-crossing"),
    )
    assert small_hits == large_hits == 1
    # Read whole and folded, the file was held three times over (bytes, text, folded text).
    assert large_peak < 1.3 * small_peak, f"{large_peak:,} for 4x the log, {small_peak:,}"
    assert large_peak < _log_size(large, "one") / 4


def test_a_log_cut_short_under_the_review_is_said_plainly(wide_root: Path, tmp_path: Path) -> None:
    """A batch the review did not keep is read again from the file: if the file was cut short
    meanwhile, the export stops with one clear line, never a traceback or a wrong event."""
    copy = tmp_path / "copy"
    shutil.copytree(wide_root / "incidents" / "wide", copy)
    source = open_for_review(tmp_path, str(copy))
    (path,) = log_files(copy)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(StoreError, match="changed under the review"):
        list(source.events.arrays())
