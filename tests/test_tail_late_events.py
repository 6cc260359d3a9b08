# ruff: noqa: F811  (the `two` fixture comes from the merge tests)
"""`ic tail -f` on an incident shared by several laptops does not stop the moment it sees the
close: a laptop that was offline sends what it recorded before the close a sync round or two
later, and those events sort before the close. `-f` stopped at the close, so a bot bridging
the incident to chat never printed them. Now, when the incident is shared (a sync remote is
configured, or it already holds another laptop's log), `-f` keeps following after the close
until no laptop's log has grown for `--settle` (10 s by default), prints what arrives, then
says it stopped and gives the cursor to resume from. On one laptop with no remote it stops at
the close, as before (tests/integrations/test_tail_stops_when_closed.py)."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
from tests.test_replica_merge import ID, Laptop, exchange, two  # noqa: F401

from ic_console.cli import main
from ic_console.domain import commands as c

IC = [sys.executable, "-m", "ic_console"]


def _config(tmp_path: Path, remote: bool) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[sync]\nremote = "git@git.example.com:sre/incidents.git"\n' if remote else "",
        encoding="utf-8",
    )
    return path


def _follow(laptop: Laptop, config: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*IC, "--home", str(laptop.root), "tail", ID, "-f", *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
        env={**os.environ, "IC_CONSOLE_CONFIG": str(config), "TZ": "UTC"},
    )


def _line(stream: IO[bytes], timeout: float = 20) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        assert selector.select(timeout), "no line from ic tail -f"
    line = stream.readline().decode("utf-8")
    assert line, "ic tail -f ended"
    return line


def _until(stream: IO[bytes], text: str) -> list[str]:
    seen: list[str] = []
    while not seen or text not in seen[-1]:
        seen.append(_line(stream))
    return seen


def test_a_peers_events_synced_after_the_close_are_printed(
    two: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    alex, priya = two
    priya.clock.advance(20)
    priya.run(c.AddLogEntry(text="Priya: rolled back the config (offline)"))
    follower = _follow(alex, _config(tmp_path, remote=True), "--settle", "3")
    try:
        assert follower.stdout is not None
        _until(follower.stdout, "Task 1 assigned")  # what was there: declared, the task
        alex.clock.advance(60)
        alex.run(c.Resolve())
        alex.run(c.Close())
        _until(follower.stdout, "closed")
        assert follower.poll() is None  # still following: a laptop may still send
        exchange(priya, alex)  # Priya's laptop comes back online; her entry sorts earlier
        out, err = follower.communicate(timeout=30)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0, err
    lines = out.decode("utf-8").splitlines()
    assert "Priya: rolled back the config (offline)" in lines[0], lines
    assert lines[-1].startswith(f"Incident {ID} is closed: nothing more will be recorded")
    assert "no laptop's log grew for 3s" in lines[-1]
    assert f"ic tail {ID} --since " in lines[-1]
    assert err == b""


def test_the_cursor_it_gives_resumes_after_everything_it_printed(
    two: tuple[Laptop, Laptop], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alex, _priya = two
    alex.run(c.Resolve())
    alex.run(c.Close())
    config = _config(tmp_path, remote=True)
    started = time.monotonic()
    follower = _follow(alex, config, "--settle", "1", "--json")
    out, err = follower.communicate(timeout=30)
    assert follower.returncode == 0, err
    assert time.monotonic() - started >= 1
    printed = [json.loads(line) for line in out.decode().splitlines()]
    said = err.decode().strip()
    assert said.startswith(f"ic: incident {ID} is closed"), said
    cursor = said.rsplit("--since ", 1)[1].split()[0].rstrip(".")
    assert cursor == printed[-1]["cursor"]
    capsys.readouterr()
    assert main(["--home", str(alex.root), "tail", ID, "--json", "--since", cursor]) == 0
    assert capsys.readouterr().out == ""


def test_one_laptop_without_a_remote_still_stops_at_the_close(
    two: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    alex, _priya = two
    alex.run(c.Resolve())
    alex.run(c.Close())
    started = time.monotonic()
    follower = _follow(alex, _config(tmp_path, remote=False), "--settle", "30")
    out, err = follower.communicate(timeout=30)
    assert follower.returncode == 0, err
    assert time.monotonic() - started < 15
    assert out.decode().splitlines()[-1] == (
        f"Incident {ID} is closed: nothing more will be recorded, so ic tail stopped."
    )


def test_settle_zero_stops_at_the_close_and_a_bad_one_is_refused(
    two: tuple[Laptop, Laptop], tmp_path: Path
) -> None:
    alex, _priya = two
    alex.run(c.Resolve())
    alex.run(c.Close())
    config = _config(tmp_path, remote=True)
    done = _follow(alex, config, "--settle", "0")
    out, err = done.communicate(timeout=30)
    assert done.returncode == 0 and out.decode().splitlines()[-1].endswith("so ic tail stopped.")
    bad = _follow(alex, config, "--settle", "soon")
    out, err = bad.communicate(timeout=30)
    assert bad.returncode == 2 and out == b""
    assert err.decode().strip().splitlines() == [
        'ic: --settle "soon" is not a time: give seconds (10, 10s) or minutes (2m).'
    ]


def test_a_plain_number_is_the_first_logs_place_not_every_laptops() -> None:
    """`ic tail -f --since 40` on an incident with one log: the number is that log's place. A
    laptop's log that arrives later (past the close) is printed from its start: its events
    numbered 12 were skipped as "not after 40" (found in review)."""
    from datetime import UTC, datetime

    from ic_console.domain import events as ev
    from ic_console.domain.merge import TailCursor
    from ic_console.domain.model import LogKind

    at = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)

    def event(origin: str, seq: int) -> ev.Event:
        return ev.Event(
            seq=seq,
            id=f"{origin}-{seq}",
            at=at,
            actor="Alex",
            data=ev.LogEntryAdded(kind=LogKind.NOTE, text="x"),
            origin=origin,
        )

    cursor = TailCursor.parse("40")
    assert [cursor.take(event("aaaaaaaaaaaa", seq)) for seq in (39, 40, 41)] == [
        False,
        False,
        True,
    ]
    assert cursor.take(event("bbbbbbbbbbbb", 12))  # the late laptop's: printed
    assert not cursor.take(event("aaaaaaaaaaaa", 41))
    assert cursor.text() == "aaaaaaaaaaaa:41,bbbbbbbbbbbb:12"
