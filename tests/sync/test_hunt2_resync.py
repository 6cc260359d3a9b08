"""Second hostile-new-user hunt: a laptop whose sync folder was deleted, and two laptops that
share one replica id. Each test here failed before its fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.store.origin import forget_cached_origins
from ic_console.sync.git import SyncError

from .conftest import Laptop


def test_a_laptop_whose_sync_folder_was_deleted_sends_and_receives_again(
    laptops: list[Laptop],
) -> None:
    """`<data root>/sync/` deleted (to "reset sync", or a disk clean-up): the next round built
    its branch afresh, the remote refused the push (not a fast-forward of what this laptop had
    pushed before), and every round after failed with "git push failed ... failed to push some
    refs": nothing was sent, and nothing was received either. Now the branch goes on from
    what the remote has, since the remote's copy of this laptop's files is where they began."""
    alex, priya, _sam = laptops
    store = alex.declare()
    alex.syncer().round()
    priya.syncer().round()
    shutil.rmtree(alex.root / "sync")
    store.execute(c.AddLogEntry(text="written after the sync folder went"))
    priya.store().execute(c.AddLogEntry(text="Priya's line"))
    priya.syncer().round()

    report = alex.syncer().round()
    assert [s.events for s in report.sent] == [1]
    assert [(r.origin, r.events) for r in report.received] == [(priya.origin, 1)]
    got = priya.syncer().round()
    assert [(r.origin, r.events) for r in got.received] == [(alex.origin, 1)]
    texts = [entry.text for entry in priya.store().state.log]
    assert "written after the sync folder went" in texts


def test_two_laptops_with_one_replica_id_are_told_and_still_receive(
    laptops: list[Laptop], tmp_path: Path
) -> None:
    """A data folder copied to a second laptop keeps its replica id: both wrote their own
    events as that replica, the second push was refused, and the round said only "git push
    failed: ... failed to push some refs", received nothing, and kept failing. The round now
    says what happened and what to do, and still brings the other laptops' events in."""
    alex, priya, _sam = laptops
    store = alex.declare()
    alex.syncer().round()
    priya.syncer().round()
    twin = Laptop("Alex", tmp_path / "twin", alex.remote)
    shutil.copytree(alex.root, twin.root)
    forget_cached_origins()
    store.execute(c.AddLogEntry(text="on the first laptop"))
    alex.syncer().round()
    twin.store().execute(c.AddLogEntry(text="on the copy"))
    priya.store().execute(c.AddLogEntry(text="Priya's line"))
    priya.syncer().round()

    with pytest.raises(SyncError) as raised:
        twin.syncer().round()
    said = str(raised.value)
    assert "replica" in said and twin.origin in said and "origin" in said, said
    texts = [entry.text for entry in twin.store().state.log]
    assert "Priya's line" in texts, texts


def test_the_round_that_sends_what_waited_offline_says_it_sent_it(
    laptops: list[Laptop], tmp_path: Path
) -> None:
    """A line recorded while the remote was away was committed by the round that failed;
    the round after, which pushed it, said "Up to date: nothing to send or receive"."""
    alex, _priya, _sam = laptops
    store = alex.declare()
    alex.syncer().round()
    away = tmp_path / "away.git"
    Path(alex.remote).rename(away)
    store.execute(c.AddLogEntry(text="recorded while the remote was away"))
    with pytest.raises(SyncError):
        alex.syncer().round()
    away.rename(alex.remote)
    report = alex.syncer().round()
    assert [(s.incident_id, s.events) for s in report.sent] == [(store.incident_id, 1)]
