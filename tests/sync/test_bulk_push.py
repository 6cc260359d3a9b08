"""A push that carries many new parts (a long incident's first send, a laptop back after long
offline) is packed without git's search for deltas between parts, which found little and cost
seconds; a round that adds a few lines keeps the search, so its delta against the part as last
sent stays small. Either way the other laptop reads every line."""

from __future__ import annotations

import pytest

from ic_console.domain import commands as c
from ic_console.store.logfiles import log_files
from ic_console.sync import clone
from ic_console.sync.git import Git, GitResult
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
