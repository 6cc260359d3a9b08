"""The CSV of action items needs only the incident's state, so its review starts from the
state snapshot the store keeps beside the log and reads only the log's tail (issue 13): the
same export as a read of the whole log, a snapshot never trusted over the log, and the events
still all there (read again, a chunk at a time) for anything that asks for them."""

from __future__ import annotations

import os
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.events import EVENT_ADAPTER
from ic_console.domain.model import LogKind
from ic_console.review import digest
from ic_console.review.export import NEEDS, export
from ic_console.review.source import ReviewSource, open_for_review
from ic_console.store import snapshot as snap
from ic_console.store.eventlog import BATCH_LINES, decode_body, encode
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import event_files
from ic_console.synthetic import write_busy_incident

ID = "csv-snap"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture(params=["replica", "pre-replication"])
def incident(request: pytest.FixtureRequest, home: Path) -> Path:
    """A 900-event incident with a snapshot of most of it and follow-ups past it: in a
    replica's file with the merged snapshot, as every incident written today is, or in the
    `events.jsonl` of an incident written before replication, with the single snapshot."""
    directory = write_busy_incident(home, ID, 900, start=START)
    if request.param == "pre-replication":
        path = directory / "events.jsonl"
        data = path.read_bytes()
        cut = len(data)
        for _ in range(3):
            cut = data.rindex(b"\n", 0, cut - 1) + 1
        path.write_bytes(data[:cut])
        assert IncidentStore.open(home, ID, actor="Alex").write_snapshot()
        path.write_bytes(data)
        assert event_files(directory) == [path]
        return directory
    store = IncidentStore.open(home, ID, actor="Alex")
    store.execute(c.AddLogEntry(text="follow-up before the snapshot", kind=LogKind.FOLLOWUP))
    assert store.write_snapshot()
    for n in range(3):
        store.execute(c.AddLogEntry(text=f"follow-up past the snapshot {n}", kind=LogKind.FOLLOWUP))
    (log,) = event_files(directory)
    assert log.parent.name == "events"
    return directory


def _log(directory: Path) -> Path:
    (path,) = event_files(directory)
    return path


def _csv_source(home: Path, given: str = ID) -> ReviewSource:
    needs = NEEDS["csv"]
    return open_for_review(
        home, given, keep_json=needs.events_json, timeline=needs.timeline, metrics=needs.metrics
    )


def _csv(source: ReviewSource) -> str:
    return export(source.events, source.state, "csv")


def _from_snapshot(source: ReviewSource) -> bool:
    return isinstance(source.state.log, snap.LazyLog)


def test_the_csv_starts_from_the_snapshot_and_is_the_whole_logs(home: Path, incident: Path) -> None:
    lean = _csv_source(home)
    whole = open_for_review(home, ID)
    assert _from_snapshot(lean) and not _from_snapshot(whole)
    assert lean.state == whole.state
    assert lean.as_of == whole.as_of is not None
    assert not lean.notices
    text = _csv(lean)
    assert text == _csv(whole)
    followups = [entry for entry in whole.state.log if entry.kind is LogKind.FOLLOWUP]
    assert followups[-1].text in text  # in a replica's file, read past the snapshot


def test_formats_that_read_every_event_never_start_from_it(home: Path, incident: Path) -> None:
    for fmt in ("md", "html", "json"):
        needs = NEEDS[fmt]
        source = open_for_review(
            home, ID, keep_json=needs.events_json, timeline=needs.timeline, metrics=needs.metrics
        )
        assert not _from_snapshot(source), fmt


def test_the_events_are_all_there_read_again(home: Path, incident: Path) -> None:
    lean = _csv_source(home)
    whole = open_for_review(home, ID)
    assert len(lean.events) == len(whole.events) == whole.state.last_seq
    assert list(lean.events) == list(whole.events)
    assert lean.events[0] == whole.events[0] and lean.events[-1] == whole.events[-1]
    assert lean.events[450] == whole.events[450]


def test_a_valid_edit_of_a_covered_follow_up_is_the_one_exported(
    home: Path, incident: Path
) -> None:
    """A follow-up changed and checksummed again, to the same length (so the offset the
    snapshot covers still fits): the snapshot is stale, the log's words are exported."""
    path = _log(incident)
    data = path.read_bytes()
    start = data.index(b'"kind":"followup"')
    start = data.rindex(b"\n", 0, start) + 1
    end = data.index(b"\n", start) + 1
    event = EVENT_ADAPTER.validate_json(decode_body(data[start : end - 1], path=path, number=1))
    text = event.data.text  # type: ignore[union-attr]
    changed = "Z" * len(text)
    data_changed = event.data.model_copy(update={"text": changed})
    line = encode(event.model_copy(update={"data": data_changed}))
    path.write_bytes(data[:start] + line + data[end:])
    assert path.stat().st_size == len(data)
    lean = _csv_source(home)
    assert not _from_snapshot(lean)
    assert changed in _csv(lean)
    assert _csv(lean) == _csv(open_for_review(home, ID))


def test_a_damaged_snapshot_is_ignored_with_a_notice(home: Path, incident: Path) -> None:
    path = incident / snap.SNAPSHOT_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    lean = _csv_source(home)
    assert not _from_snapshot(lean)
    assert any("snapshot" in notice and "damaged" in notice for notice in lean.notices)
    assert _csv(lean) == _csv(open_for_review(home, ID))


def test_damage_in_the_tail_is_told_at_its_line(home: Path, incident: Path) -> None:
    path = _log(incident)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[-2] = lines[-2].replace(b'"text":"', b'"text":"X')  # its checksum no longer fits
    path.write_bytes(b"".join(lines))
    lean = _csv_source(home)
    whole = open_for_review(home, ID)
    assert _from_snapshot(lean)
    assert lean.notices == whole.notices
    assert f"line {len(lines) - 1}:" in lean.notices[0]
    assert _csv(lean) == _csv(whole)


def test_a_read_only_copy_is_read_from_its_snapshot_and_left_as_it_was(
    home: Path, incident: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    for path in (_log(incident), incident / snap.SNAPSHOT_FILE):
        target = copy / path.relative_to(incident)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
        target.chmod(0o400)
    for folder in (copy / "events", copy):
        if folder.is_dir():
            folder.chmod(0o500)
    try:
        before = sorted(os.listdir(copy))
        lean = _csv_source(home, str(copy))
        assert _from_snapshot(lean) and lean.read_only_copy
        assert _csv(lean) == _csv(open_for_review(home, ID))
        assert sorted(os.listdir(copy)) == before
    finally:
        for folder in (copy, copy / "events"):
            if folder.is_dir():
                folder.chmod(0o700)


def test_iterating_a_covered_prefix_holds_a_chunk_of_events_not_all(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prefix is one place in the file; going through its events reads them a few
    thousand at a time (peak allocation measured, not time): far less than the models of all
    of them. (At most `_HELD` are held; made a read's batch here, so 30,000 events show it.)"""
    monkeypatch.setattr(digest, "_HELD", BATCH_LINES)
    directory = write_busy_incident(home, ID, 30_000, start=START)
    IncidentStore.open(home, ID, actor="Alex")  # writes it: far more events than its interval
    assert (directory / snap.SNAPSHOT_FILE).exists()
    lean = _csv_source(home)
    assert _from_snapshot(lean)
    tracemalloc.start()
    try:
        count = sum(1 for _ in lean.events)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 30_000
    tracemalloc.start()
    try:
        held = list(open_for_review(home, ID).events)
        _, whole_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(held) == 30_000
    assert peak < whole_peak / 2, (peak, whole_peak)
