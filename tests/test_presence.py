"""Presence heartbeats: who else has the incident open."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.presence import STALE_AFTER, PresenceBoard, read_presence


def test_two_consoles_see_each_other_and_not_themselves(tmp_path: Path) -> None:
    clock = FakeClock()
    ic = PresenceBoard(tmp_path, clock=clock, actor="Alex", role=Role.IC)
    deputy = PresenceBoard(tmp_path, clock=clock, actor="Dana", role=Role.DEPUTY, read_only=True)
    ic.beat()
    deputy.beat()
    assert [p.actor for p in ic.others()] == ["Dana"]
    assert ic.others()[0].label == "Dana (Deputy, read-only)"
    assert [p.label for p in deputy.others()] == ["Alex (Incident Commander)"]


def test_heartbeat_files_are_private_and_removed_on_leave(tmp_path: Path) -> None:
    board = PresenceBoard(tmp_path, clock=FakeClock(), actor="Alex")
    board.beat()
    files = list((tmp_path / "presence").glob("*.json"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600
    board.leave()
    assert list((tmp_path / "presence").glob("*.json")) == []
    board.leave()  # leaving twice is harmless


def test_stale_heartbeat_is_ignored_and_cleaned_up(tmp_path: Path) -> None:
    clock = FakeClock()
    gone = PresenceBoard(tmp_path, clock=clock, actor="Gone")
    gone.beat()
    clock.advance(delta=STALE_AFTER + timedelta(seconds=1))
    assert read_presence(tmp_path, clock) == []
    assert list((tmp_path / "presence").glob("*.json")) == []


def test_heartbeat_of_a_dead_process_on_this_host_is_ignored(tmp_path: Path) -> None:
    clock = FakeClock()
    board = PresenceBoard(tmp_path, clock=clock, actor="Killed")
    board.beat()
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    record = json.loads(board._path.read_text())
    record["pid"] = int(child.stdout)
    board._path.write_text(json.dumps(record))
    assert read_presence(tmp_path, clock) == []


def test_garbage_in_the_presence_directory_is_skipped(tmp_path: Path) -> None:
    clock = FakeClock()
    (tmp_path / "presence").mkdir()
    (tmp_path / "presence" / "junk.json").write_text("{not json")
    (tmp_path / "presence" / "partial.json").write_text('{"session": "x"}')
    PresenceBoard(tmp_path, clock=clock, actor="Alex").beat()
    assert [p.actor for p in read_presence(tmp_path, clock)] == ["Alex"]
    assert os.path.exists(tmp_path / "presence" / "junk.json")
