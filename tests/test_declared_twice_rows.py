"""The console's log pane when a third laptop's declaration of the same incident arrives (it
declared the id while apart: `domain.merge` keeps the first declaration and says the second).
That declaration is a seq 1 in the middle of a merged fold; the pane took any batch starting
with a declaration at seq 1 for the whole log again and cleared every row, and saved the few
rows left to the rows cache. The store now says when the log comes again from the start
(`on_rewind(None)`), and the pane keeps its rows otherwise: live, in the gap a rows cache is
carried over, and in the tail read after the merged snapshot. Found by the day's review."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from tests.test_merge_marks import _two_laptops
from tests.test_merged_rows_cache import _console, _from_the_start
from tests.test_replica_merge import ID, START, Laptop, exchange

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore


def _sam_declares_it_too(tmp_path: Path) -> Laptop:
    sam = Laptop(tmp_path / "Sam", "Sam", FakeClock(START + timedelta(minutes=10)))
    sam.root.mkdir(mode=0o700)
    sam.store = IncidentStore.create(
        sam.root,
        c.Declare(incident_id=ID, title="Checkout errors", severity=1),
        clock=sam.clock,
        actor="Sam",
    )
    sam.run(c.AddLogEntry(text="Sam: same alert here"))
    return sam


def test_an_open_console_keeps_its_rows_when_the_declaration_arrives(tmp_path: Path) -> None:
    _alex, priya = _two_laptops(tmp_path, lines=6)
    live = _console(priya)
    assert "line 0" in [r.text for r in live.rows]
    exchange(_sam_declares_it_too(tmp_path), priya)
    for _ in range(3):
        live.poll()
    rows = [r.text for r in live.rows]
    _store, full = _from_the_start(priya.root)
    assert rows == [r.text for r in full.rows]
    assert "line 0" in rows and "Sam: same alert here" in rows
    live.close()
    assert [r.text for r in _console(priya).rows] == rows  # the rows cache it saved


@pytest.mark.parametrize("snapshot", [True, False], ids=["gap-before-snapshot", "tail"])
def test_a_console_opened_after_it_arrived_shows_every_row(tmp_path: Path, snapshot: bool) -> None:
    """Arrived while no console was open: with a snapshot written since (the cache is carried
    on through the gap, `CachedRows.merged_gap`), or without (the tail after the snapshot)."""
    _alex, priya = _two_laptops(tmp_path, lines=6)
    _console(priya).close()  # the merged rows cache, covering both files
    exchange(_sam_declares_it_too(tmp_path), priya)
    if snapshot:
        assert IncidentStore.open(priya.root, ID, actor="Priya").write_snapshot()
    live = _console(priya)
    rows = [r.text for r in live.rows]
    _store, full = _from_the_start(priya.root)
    assert "line 0" in rows, rows
    assert rows == [r.text for r in full.rows]
    live.close()
    assert [r.text for r in _console(priya).rows] == rows
