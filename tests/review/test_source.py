"""Opening incidents for review: copies, read-only copies, damaged and torn logs."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from ic_console.review.source import open_for_review
from ic_console.store.errors import StoreError
from ic_console.store.paths import event_files

from .fixture import GOLDEN_ID, build


def test_opens_by_id_and_by_directory_path(tmp_path: Path) -> None:
    build(tmp_path)
    by_id = open_for_review(tmp_path, GOLDEN_ID)
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(by_id.directory, copy)
    by_path = open_for_review(tmp_path / "unused", str(copy))
    assert by_path.state.incident_id == GOLDEN_ID
    assert len(by_path.events) == len(by_id.events)
    assert not by_path.active


def test_read_only_copy_is_opened_and_never_written(tmp_path: Path) -> None:
    build(tmp_path)
    copy = tmp_path / "ro"
    shutil.copytree(tmp_path / "incidents" / GOLDEN_ID, copy)
    for path in copy.iterdir():
        path.chmod(stat.S_IRUSR)
    copy.chmod(stat.S_IRUSR | stat.S_IXUSR)
    before = sorted(p.name for p in copy.iterdir())
    try:
        source = open_for_review(tmp_path, str(copy))
        assert source.read_only_copy
        assert sorted(p.name for p in copy.iterdir()) == before
    finally:
        copy.chmod(stat.S_IRWXU)


def test_review_writes_nothing(tmp_path: Path) -> None:
    build(tmp_path)
    directory = tmp_path / "incidents" / GOLDEN_ID
    before = {p.name: p.stat().st_mtime_ns for p in directory.iterdir()}
    (directory / "incident.toml").unlink()
    open_for_review(tmp_path, GOLDEN_ID)
    after = {p.name for p in directory.iterdir()}
    assert after == set(before) - {"incident.toml"}


def test_active_incident_is_reported_as_active(tmp_path: Path) -> None:
    build(tmp_path, resolve=False, close=False)
    source = open_for_review(tmp_path, None)
    assert source.active
    assert source.as_of is not None


def test_damaged_line_stops_the_read_with_a_notice(tmp_path: Path) -> None:
    build(tmp_path)
    (path,) = event_files(tmp_path / "incidents" / GOLDEN_ID)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[9] = lines[9].replace(b"2026", b"2027", 1)
    path.write_bytes(b"".join(lines))
    source = open_for_review(tmp_path, GOLDEN_ID)
    assert len(source.events) == 9
    assert any("line 10" in notice for notice in source.notices)


def test_torn_last_line_is_left_out_with_a_notice(tmp_path: Path) -> None:
    build(tmp_path)
    (path,) = event_files(tmp_path / "incidents" / GOLDEN_ID)
    with open(path, "ab") as handle:
        handle.write(b'{"v":1,"seq":')
    source = open_for_review(tmp_path, GOLDEN_ID)
    assert any("incomplete line" in notice for notice in source.notices)
    assert path.read_bytes().endswith(b'{"v":1,"seq":')  # left exactly as found


def test_a_directory_without_a_log_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="not an incident directory"):
        open_for_review(tmp_path, str(tmp_path / "empty"))
