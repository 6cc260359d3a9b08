"""Faults 4: a console opened on an incident whose files cannot be written says so at open.

On a read-only filesystem, or with the folder and files made read-only (`chmod -w`), the console
said nothing until the first line typed was refused. It now says at open, once, why and how to
follow the incident instead, and still shows everything; a writable incident, and one opened
`--read-only`, say nothing of the kind.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain.clock import FakeClock
from ic_console.live import writable
from ic_console.store.incident import IncidentStore
from ic_console.tui.factory import make_app
from ic_console.tui.screens.console_at_scale import ConsoleAtScale

from .conftest import INCIDENT, console, drive, notifications, until

UNWRITABLE = "This incident's files cannot be written here"


@pytest.fixture
def read_only_folder(incident: IncidentStore) -> Iterator[Path]:
    """The incident's folder and every file in it without a write bit; put back afterwards."""
    folder = incident.directory
    paths = [folder, *(p for p in folder.rglob("*"))]
    modes = {path: path.stat().st_mode for path in paths}
    for path in paths:
        path.chmod(modes[path] & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield folder
    for path in reversed(paths):
        path.chmod(stat.S_IMODE(modes[path]))


def _said(pilot: Pilot[int]) -> list[str]:
    return [n for n in notifications(pilot.app) if UNWRITABLE in n]


def test_read_only_files_are_said_at_open_once(
    home: Path, clock: FakeClock, read_only_folder: Path
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleAtScale))
        await until(pilot, lambda: bool(_said(pilot)))
        (said,) = _said(pilot)
        assert "marked read-only" in said, said
        assert f"ic watch {INCIDENT} --read-only" in said, said
        # Once: a poll of the log (a second on) does not say it again.
        clock.advance(2)
        await pilot.pause(0.6)
        assert len(_said(pilot)) == 1
        # Nothing that still works is blocked: the log line takes the l key.
        await pilot.press("l")
        await until(pilot, lambda: getattr(pilot.app.focused, "id", None) == "log-text")

    drive(console(home, clock), scenario, size=(80, 24))


def test_a_writable_incident_says_nothing_of_it(home: Path, clock: FakeClock, incident) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleAtScale))
        await pilot.pause(0.3)
        assert _said(pilot) == []

    drive(console(home, clock), scenario, size=(80, 24))


def test_opened_read_only_it_says_nothing_of_it(
    home: Path, clock: FakeClock, read_only_folder: Path
) -> None:
    app = make_app(
        home,
        "Alex",
        incident_id=INCIDENT,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
        read_only=True,
    )

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleAtScale))
        await pilot.pause(0.3)
        assert _said(pilot) == []

    drive(app, scenario, size=(80, 24))


def test_a_read_only_filesystem_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`statvfs` says the mount is read-only (as on a read-only mount, where even root's
    writes fail): the reason names it."""
    real = os.statvfs

    class ReadOnly:
        def __init__(self, path: os.PathLike[str]) -> None:
            self.f_flag = real(path).f_flag | os.ST_RDONLY

    monkeypatch.setattr(writable.os, "statvfs", ReadOnly)
    notice = writable.unwritable_notice(tmp_path, tmp_path / "events.jsonl", INCIDENT)
    assert notice is not None
    assert f"({tmp_path} is on a read-only filesystem)" in notice.message
    monkeypatch.undo()
    assert writable.unwritable_notice(tmp_path, tmp_path / "events.jsonl", INCIDENT) is None
