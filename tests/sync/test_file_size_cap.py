"""A peer's file cut into many parts, each under the part limit, is bounded too: read whole to
be checked (and joined), a hostile branch of a thousand 9 MiB parts would have been read into
memory, 18 GiB. All its parts together above `MAX_FILE_BYTES` (1 GiB, four times a million
events' log) are refused unread. Scaled down here: a cap of 50,000 bytes. Found by the day's
review."""

from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.store.replica import replica_file
from ic_console.sync import clone, engine
from ic_console.sync.git import Git
from ic_console.sync.layout import part_path

from .conftest import INCIDENT, Laptop
from .test_gitfaults_hostile_peer import EVIL, _push_branch


def _parts(count: int, size: int) -> list[tuple[str, str, bytes]]:
    return [("100644", part_path(INCIDENT, EVIL, i), b"x" * size) for i in range(count)]


@pytest.mark.parametrize(("parts", "refused"), [(60, True), (50, False)])
def test_a_file_of_many_parts_too_big_in_all_is_refused_unread(
    laptops: list[Laptop],
    bare: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parts: int,
    refused: bool,
) -> None:
    alex, priya, _sam = laptops
    alex.declare()
    alex.syncer().round()
    _push_branch(bare, tmp_path, _parts(parts, 900))  # 54,000 or 45,000 bytes in all
    monkeypatch.setattr(engine, "MAX_FILE_BYTES", 50_000)
    read: list[list[str]] = []
    read_blobs = clone.read_blobs

    def recording(git: Git, idents: list[str]) -> list[bytes]:
        read.append(idents)
        return read_blobs(git, idents)

    monkeypatch.setattr(clone, "read_blobs", recording)
    report = priya.syncer().round()
    evil = [line for line in report.refused if EVIL in line]
    if refused:
        assert evil, report.refused
        assert f"its {parts} parts come to" in evil[0] and "it was not read" in evil[0]
        assert not any(len(idents) >= parts for idents in read)  # never brought into memory
    else:  # under the cap: read as any file is (no line end yet: waits for the next round)
        assert not any("it was not read" in line for line in evil), evil
        assert any(len(idents) >= parts for idents in read)
    assert not replica_file(priya.root / "incidents" / INCIDENT, EVIL).exists()
