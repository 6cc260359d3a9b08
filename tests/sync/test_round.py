"""Sync rounds through a bare repository: round trip, refusals, parts, kill -9."""

from __future__ import annotations

import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.store.paths import replica_file
from ic_console.sync.engine import Syncer, SyncError
from ic_console.sync.layout import PART_BYTES, split_parts

from .conftest import INCIDENT, Laptop


def test_a_round_trip_brings_an_incident_to_the_other_laptops(laptops: list[Laptop]) -> None:
    alex, priya, sam = laptops
    store = alex.declare()
    store.execute(c.AddLogEntry(text="checkout 500s since 13:58"))
    lines = len(replica_file(store.directory, alex.origin).read_bytes().splitlines())
    first = alex.syncer().round()
    assert [(s.incident_id, s.events) for s in first.sent] == [(INCIDENT, lines)]

    got = priya.syncer().round()
    assert [(r.incident_id, r.origin, r.events, r.new_incident) for r in got.received] == [
        (INCIDENT, alex.origin, lines, True)
    ]
    assert [(p.name, p.origin) for p in got.peers] == [("Alex", alex.origin)]
    mine = priya.store()
    assert mine.state.title == "Checkout errors"
    mine.execute(c.AddLogEntry(text="Priya here, looking at the database"))
    assert [s.events for s in priya.syncer().round().sent] == [1]

    alex_again = alex.syncer().round()
    assert [(r.origin, r.events) for r in alex_again.received] == [(priya.origin, 1)]
    sam.syncer().round()
    texts = [[entry.text for entry in laptop.store().state.log] for laptop in (alex, priya, sam)]
    assert texts[0] == texts[1] == texts[2]
    assert "Priya here, looking at the database" in texts[0]
    # Nothing new: nothing sent, nothing received.
    quiet = alex.syncer().round()
    assert quiet.sent == [] and quiet.received == []


def test_a_peer_that_rewrote_its_file_is_refused_with_its_origin_named(
    laptops: list[Laptop], tmp_path: Path
) -> None:
    alex, priya, _sam = laptops
    store = alex.declare()
    store.execute(c.AddLogEntry(text="first"))
    alex.syncer().round()
    priya.syncer().round()
    before = replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes()

    # Alex's laptop rewrites history: changes the last line and pushes the file by hand.
    clone = tmp_path / "evil"
    subprocess.run(
        ["git", "clone", "--quiet", "-b", f"ic/{alex.origin}", alex.remote, str(clone)], check=True
    )
    path = clone / "incidents" / INCIDENT / "events" / f"{alex.origin}.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]) + lines[-1].replace(b"first", b"FIRST"))
    git = ["git", "-C", str(clone), "-c", "user.name=x", "-c", "user.email=x@x"]
    subprocess.run([*git, "commit", "--quiet", "-am", "rewrite"], check=True)
    subprocess.run([*git, "push", "--quiet", "origin", f"ic/{alex.origin}"], check=True)

    report = priya.syncer().round()
    assert len(report.refused) == 1
    assert alex.origin in report.refused[0]
    assert "rewritten" in report.refused[0]
    assert replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes() == before
    # Reported once, not at every round.
    assert priya.syncer().round().refused == []


def test_parts_keep_full_parts_unchanged_as_a_file_grows() -> None:
    line = b"x" * 99 + b"\n"
    data = line * (3 * PART_BYTES // 100)
    parts = split_parts(data)
    assert b"".join(parts) == data
    assert len(parts) == 3
    assert all(PART_BYTES <= len(part) < PART_BYTES + 100 for part in parts[:-1])
    grown = split_parts(data + line * 10)
    assert grown[:2] == parts[:2]
    assert all(part.endswith(b"\n") for part in grown)


def test_a_big_file_travels_in_parts(
    laptops: list[Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ic_console.sync.engine.split_parts", lambda data: split_parts(data, 600))
    alex, priya, _sam = laptops
    store = alex.declare()
    for n in range(12):
        store.execute(c.AddLogEntry(text=f"line {n}"))
    alex.syncer().round()
    priya.syncer().round()
    mine = replica_file(alex.root / "incidents" / INCIDENT, alex.origin).read_bytes()
    theirs = replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes()
    assert theirs == mine
    tree = subprocess.run(
        ["git", "--git-dir", alex.remote, "ls-tree", "-r", "--name-only", f"ic/{alex.origin}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(tree) > 3
    store.execute(c.AddLogEntry(text="one more"))
    alex.syncer().round()
    assert [r.events for r in priya.syncer().round().received] == [1]


def test_an_unreachable_remote_is_one_line_and_recorded_as_offline(laptops: list[Laptop]) -> None:
    alex = laptops[0]
    store = alex.declare()
    lines = len(replica_file(store.directory, alex.origin).read_bytes().splitlines())
    syncer = Syncer(alex.root, str(alex.root / "no-such.git"), actor="Alex", timeout=5)
    with pytest.raises(SyncError) as caught:
        syncer.round()
    assert "\n" not in str(caught.value)
    assert "git fetch failed" in str(caught.value)
    assert syncer.waiting() == lines


def test_a_remote_url_that_looks_like_an_option_is_refused(laptops: list[Laptop]) -> None:
    with pytest.raises(SyncError) as caught:
        Syncer(laptops[0].root, "--upload-pack=touch /tmp/x", actor="Alex")
    assert caught.value.usage


def test_both_laptops_close_the_same_task_offline_one_done_one_notice(
    laptops: list[Laptop],
) -> None:
    alex, priya, _sam = laptops
    store = alex.declare()
    store.execute(c.AssignTask(owner="Sam", text="page the DBA", timebox=timedelta(minutes=5)))
    alex.syncer().round()
    priya.syncer().round()
    store.execute(c.CompleteTask(number=1))
    priya.store().execute(c.CompleteTask(number=1))
    for laptop in (alex, priya, alex):
        laptop.syncer().round()
    states = [laptop.store().state for laptop in (alex, priya)]
    assert [s.tasks[1].status for s in states] == [states[0].tasks[1].status] * 2
    notices = [[n.text for n in s.merge_notices] for s in states]
    assert notices[0] == notices[1]
    assert len(notices[0]) == 1 and "done" in notices[0][0]


def test_a_temporary_copy_left_by_a_killed_round_is_removed_at_the_next(
    laptops: list[Laptop],
) -> None:
    alex, priya, _ = laptops
    alex.declare()
    alex.syncer().round()
    priya.syncer().round()
    events = priya.root / "incidents" / INCIDENT / "events"
    stale = events / f".{alex.origin}.4242-deadbeef.part"
    stale.write_bytes(b'{"half": ')  # what kill -9 in accept_peer_file leaves
    priya.syncer().round()  # a new process: nothing new from Alex, the copy goes anyway
    assert not stale.exists()
    assert sorted(p.name for p in events.iterdir()) == [f"{alex.origin}.jsonl"]


def _refuse_pushes_of(bare: Path, origin: str) -> None:
    """The git host gives `origin` read access only (as a forge refuses a reader's push)."""
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\n"
        f'grep -q "refs/heads/ic/{origin}$" && '
        '{ echo "Permission denied: read-only access" >&2; exit 1; }\n'
        "exit 0\n"
    )
    hook.chmod(0o755)


def test_a_laptop_with_read_access_that_recorded_follows_instead_of_going_offline(
    laptops: list[Laptop],
) -> None:
    from ic_console.live.syncing import BackgroundSync

    alex, priya, _ = laptops
    alex.declare()
    alex.syncer().round()
    priya.syncer().round()
    _refuse_pushes_of(Path(priya.remote), priya.origin)
    priya.store().execute(c.AddLogEntry(text="noted on a read-only laptop"))
    alex.store().execute(c.AddLogEntry(text="Alex goes on"))
    alex.syncer().round()
    report = priya.syncer().round()  # no SyncError: the push is refused, the rest goes on
    assert report.read_only is not None and "Permission denied" in report.read_only
    assert report.sent == [] and report.waiting == 1
    assert [r.events for r in report.received] == [1]  # Alex's new event arrived
    texts = [entry.text for entry in priya.store().state.log]
    assert texts == ["noted on a read-only laptop", "Alex goes on"] or texts == [
        "Alex goes on",
        "noted on a read-only laptop",
    ]
    worker = BackgroundSync(priya.root, priya.remote, "Priya")
    worker.run_round()
    view = worker.view()
    assert not view.offline
    assert view.line(time.time()).startswith("read-only remote: following only")
