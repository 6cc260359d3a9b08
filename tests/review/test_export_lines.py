"""The JSON export copies the log's lines instead of keeping every event as JSON while the log
is read (`review.digest.Lines`): the same bytes as dumping the events, and never a mix of two
versions of a log that changed in between."""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pytest

from ic_console.domain.events import EVENT_LIST_ADAPTER
from ic_console.review.export import export, export_pieces
from ic_console.review.source import open_for_review
from ic_console.store import eventlog
from ic_console.store.errors import StoreError
from ic_console.store.logfiles import log_files
from ic_console.synthetic import write_busy_incident

from .fixture import GOLDEN_ID, build


def _line(body: bytes) -> bytes:
    """A log line of the event JSON `body` with its checksum, however `body` is written."""
    return body[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(body)


def _bodies(path: Path) -> list[bytes]:
    return [line[: line.rindex(b',"crc":')] + b"}" for line in path.read_bytes().splitlines()]


def _dumped_export(directory: Path) -> str:
    """The JSON export from the events as models, dumped by pydantic (no line copied)."""
    source = open_for_review(directory.parent, str(directory))
    return export(list(source.events), source.state, "json")


def _copied_export(directory: Path) -> str:
    source = open_for_review(directory.parent, str(directory), keep_json=True)
    return "".join(export_pieces(source.events, source.state, "json"))


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    build(tmp_path / "root")
    return tmp_path / "root" / "incidents" / GOLDEN_ID


def _kinds(directory: Path) -> set[str]:
    source = open_for_review(directory.parent, str(directory), keep_json=True)
    return {type(kept).__name__ for kept in source.events._batches}


def test_lines_written_by_the_store_are_copied_as_they_are(
    golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines with and without replication members (the golden incident has both, on several
    batches): copied, they are byte for byte what pydantic dumps from the events."""
    monkeypatch.setattr(eventlog, "BATCH_LINES", 7)
    assert _kinds(golden) == {"Lines"}
    source = open_for_review(golden.parent, str(golden), keep_json=True)
    for index, array in enumerate(source.events.arrays()):
        assert array == EVENT_LIST_ADAPTER.dump_json(source.events._batch(index))
    assert _copied_export(golden) == _dumped_export(golden)


def test_a_busy_log_is_copied_whole(tmp_path: Path) -> None:
    directory = write_busy_incident(tmp_path, "busy", 3_000, resolve=True)
    assert _kinds(directory) == {"Lines"}
    assert _copied_export(directory) == _dumped_export(directory)


def test_lines_written_some_other_way_are_dumped_from_their_events(golden: Path) -> None:
    """A line with valid checksum and schema but written otherwise (spaces, another order of
    members, escapes): the export is what it would be from the store's own lines."""
    expected = _dumped_export(golden)
    (path,) = log_files(golden)
    bodies = _bodies(path)
    spaced = json.dumps(json.loads(bodies[3]), ensure_ascii=True).encode()
    reordered = json.loads(bodies[5])
    reordered = dict(reversed(list(reordered.items())))
    lines = [_line(body) for body in bodies]
    lines[3] = _line(spaced)
    lines[5] = _line(json.dumps(reordered, separators=(",", ":")).encode())
    path.write_bytes(b"".join(lines))
    assert "bytes" in _kinds(golden)
    assert _copied_export(golden) == expected


def test_lines_appended_after_the_read_are_left_out(golden: Path) -> None:
    source = open_for_review(golden.parent, str(golden), keep_json=True)
    before = b"".join(source.events.arrays())
    (path,) = log_files(golden)
    lines = path.read_bytes().splitlines(keepends=True)
    with path.open("ab") as handle:
        handle.write(lines[-1])  # a line (its seq repeated) the review never read
    assert b"".join(source.events.arrays()) == before


def test_a_line_changed_under_the_export_stops_it(tmp_path: Path) -> None:
    """A line rewritten in place, as long as before and with a valid checksum, after the read:
    the export refuses it with one clear line rather than mix the two logs."""
    directory = write_busy_incident(tmp_path, "busy", 500, resolve=True)
    source = open_for_review(tmp_path, str(directory), keep_json=True)
    (path,) = log_files(directory)
    bodies = _bodies(path)
    changed = next(i for i, body in enumerate(bodies) if b'"log.added"' in body and b"a" in body)
    bodies[changed] = bodies[changed].replace(b"a", b"e", 1)
    path.write_bytes(b"".join(_line(body) for body in bodies))
    with pytest.raises(StoreError, match="changed under the review"):
        list(source.events.arrays())


def test_a_log_cut_or_removed_under_the_export_stops_it(tmp_path: Path) -> None:
    directory = write_busy_incident(tmp_path, "busy", 500, resolve=True)
    (path,) = log_files(directory)
    whole = path.read_bytes()
    source = open_for_review(tmp_path, str(directory), keep_json=True)
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(StoreError, match="changed under the review"):
        list(source.events.arrays())
    shutil.rmtree(directory)
    with pytest.raises(StoreError, match="changed under the review"):
        list(source.events.arrays())
