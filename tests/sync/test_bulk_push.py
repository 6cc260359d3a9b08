"""A push that carries many new parts (a long incident's first send, a laptop back after long
offline) is packed without git's search for deltas between parts, which found little and cost
seconds; a round that adds a few lines keeps the search, so its delta against the part as last
sent stays small. Either way the other laptop reads every line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.store.logfiles import log_files
from ic_console.sync import clone
from ic_console.sync.git import Git, GitResult, SyncError
from ic_console.sync.layout import PART_BYTES

from .conftest import INCIDENT, Laptop


def test_many_new_parts_are_pushed_without_deltas_a_few_lines_with(
    laptops: list[Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, priya, _ = laptops
    store = alex.declare()
    entry = "checked the pool: " + "x" * 19_000
    lines = 0
    folder = alex.root / "incidents" / INCIDENT
    while (
        sum(path.stat().st_size for path in log_files(folder)) < (clone.FEW_PARTS + 2) * PART_BYTES
    ):
        store.execute(c.AddLogEntry(text=f"{entry} {lines}"))
        lines += 1
    pushes: list[list[str]] = []
    real = Git.run

    def watched(self: Git, args: list[str], **kwargs: object) -> GitResult:
        if "push" in args:
            pushes.append(list(args))
        return real(self, args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "run", watched)
    syncer = alex.syncer()
    syncer.round()  # the first send: every part is new
    store.execute(c.AddLogEntry(text="one more line"))
    syncer.round()  # one part changed
    assert len(pushes) == 2
    assert pushes[0][:2] == ["-c", "pack.window=0"]
    assert "pack.window=0" not in pushes[1]
    priya.syncer().round()
    received = priya.store()
    assert len(received.state.log) == lines + 1
    assert received.state.log[-1].text == "one more line"


def test_a_part_committed_in_several_offline_rounds_counts_once(
    laptops: list[Laptop], monkeypatch: pytest.MonkeyPatch, bare: Path
) -> None:
    """Offline for a few rounds, each adding a line: the same last part is committed each time,
    and the push once back online still looks for its delta (it is one part, not many)."""
    alex, _, _ = laptops
    store = alex.declare()
    syncer = alex.syncer()
    syncer.round()
    away = bare.with_name("away.git")
    bare.rename(away)  # offline: the remote cannot be reached
    for n in range(clone.FEW_PARTS + 3):
        store.execute(c.AddLogEntry(text=f"offline line {n}"))
        with pytest.raises(SyncError):
            syncer.round()
    away.rename(bare)
    pushes: list[list[str]] = []
    real = Git.run

    def watched(self: Git, args: list[str], **kwargs: object) -> GitResult:
        if "push" in args:
            pushes.append(list(args))
        return real(self, args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "run", watched)
    store.execute(c.AddLogEntry(text="back online"))
    syncer.round()
    assert pushes and "pack.window=0" not in pushes[-1]
