"""Symbolic links inside the data root cannot turn a verb against files outside it.

The sweep: every file and folder of an incident is replaced, one at a time, by a link to a
decoy outside the data root (a copy of what it replaced, with a torn last line added to tempt
the recovery into truncating it). Every verb is then run; afterwards the decoy's bytes are
exactly what they were, and no verb raised (an exception here would be a traceback).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.catalog import list_incidents
from ic_console.store.errors import StoreError
from ic_console.store.incident import IncidentStore
from ic_console.store.presence import PresenceBoard

from .conftest import INCIDENT
from .test_damaged_files import VERBS, run_cli

TORN = b'{"v":1,"seq":99,"id":"torn'

#: Read and write verbs of test_damaged_files, and the review verbs (export to a file outside).
SWEEP_VERBS: list[list[str]] = [
    *VERBS,
    ["search", "first"],
    ["export", INCIDENT, "--format", "json"],
    ["postmortem", INCIDENT],
    ["new", "Another one", "--id", "other"],
]


def _make(home: Path) -> IncidentStore:
    store = IncidentStore.create(
        home,
        cmd.Declare(incident_id=INCIDENT, title="Linked"),
        clock=FakeClock(),
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    store.execute(cmd.AddLogEntry(text="first line"))
    PresenceBoard(store.directory, clock=FakeClock(), actor="Alex").beat()
    store.lock_path.write_bytes(b"")
    return store


def _checksum(path: Path) -> str:
    """Bytes and names of everything under `path` (a file or a folder), links not followed."""
    digest = hashlib.sha256()
    paths = [path] if path.is_file() else sorted(p for p in path.rglob("*"))
    for item in paths:
        digest.update(str(item.relative_to(path.parent)).encode())
        if item.is_file() and not item.is_symlink():
            digest.update(item.read_bytes())
    return digest.hexdigest()


def _link_away(home: Path, outside: Path, name: str) -> Path:
    """Replace `name` (relative to the incident folder, "" for the folder) with a link to a
    decoy under `outside`; return the decoy."""
    folder = home / "incidents" / INCIDENT
    target = folder / name if name else folder
    decoy = outside / ("decoy-" + (name.replace("/", "-") or "folder"))
    if target.is_dir():
        shutil.copytree(target, decoy)
        for events in decoy.glob("**/*.jsonl"):
            events.write_bytes(events.read_bytes() + TORN)
        shutil.rmtree(target)
    else:
        data = target.read_bytes()
        decoy.write_bytes(data + (TORN if name.endswith(".jsonl") else b""))
        target.unlink()
    os.symlink(decoy, target)
    return decoy


LINKED = ["events/*.jsonl", "events", "incident.toml", ".lock", "presence", "presence/*.json", ""]


@pytest.mark.parametrize("name", LINKED)
def test_no_verb_changes_a_file_outside_the_data_root_through_a_link(
    tmp_path: Path, name: str
) -> None:
    home = tmp_path / "home"
    outside = tmp_path / "outside"
    outside.mkdir()
    store = _make(home)
    if name == "presence/*.json":
        [beat] = (store.directory / "presence").glob("*.json")
        name = f"presence/{beat.name}"
    if name == "events/*.jsonl":
        name = str(store.events_path.relative_to(store.directory))
    decoy = _link_away(home, outside, name)
    before = _checksum(decoy)
    for argv in SWEEP_VERBS:
        _code, _out, err = run_cli(home, argv)
        assert "Traceback" not in err
        assert _checksum(decoy) == before, f"`ic {' '.join(argv)}` changed {decoy}"
    run_cli(home, ["export", INCIDENT, "--format", "md", "-o", str(tmp_path / "out.md")])
    assert _checksum(decoy) == before
    # The console's own paths: opening for writing, following, presence.
    try:
        opened = IncidentStore.open(home, INCIDENT, clock=FakeClock(), actor="Alex")
    except StoreError:
        pass
    else:
        board = PresenceBoard(opened.directory, clock=FakeClock(), actor="Kim")
        board.beat()
        board.others()
        board.leave()
        opened.refresh()
    assert _checksum(decoy) == before


def test_a_linked_log_is_refused_with_a_message_naming_it(tmp_path: Path) -> None:
    """The attack of the issue: `ln -s ~/some.conf .../events.jsonl; ic list --all` cut the
    target short. Now it is listed as damaged, the message names the link, and the target keeps
    every byte."""
    home = tmp_path / "home"
    victim = tmp_path / "some.conf"
    victim.write_bytes(b"setting = 1\nunfinished")
    folder = home / "incidents" / "evil"
    folder.mkdir(parents=True, mode=0o700)
    os.symlink(victim, folder / "events.jsonl")
    code, out, err = run_cli(home, ["list", "--all"])
    assert code == 0
    assert "evil" in out and "damaged" in out and "symbolic link" in out
    assert victim.read_bytes() == b"setting = 1\nunfinished"
    code, _out, err = run_cli(home, ["log", "evil", "x"])
    assert code == 2 and "symbolic link" in err and "events.jsonl" in err
    assert victim.read_bytes() == b"setting = 1\nunfinished"


def test_a_linked_incident_folder_is_listed_as_damaged_not_followed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    elsewhere = tmp_path / "elsewhere"
    store.directory.rename(elsewhere)
    os.symlink(elsewhere, home / "incidents" / INCIDENT)
    [info] = list_incidents(home)
    assert info.problem is not None and "symbolic link" in info.problem
    with pytest.raises(StoreError, match="symbolic link"):
        IncidentStore.open(home, INCIDENT)
