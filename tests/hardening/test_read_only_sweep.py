"""Verbs that only look never change a byte, whatever state the incident folder is in.

The sweep: for every damage case, every read verb is run; afterwards every file under the data
root has the same name and bytes as before (no repaired tail, no rebuilt summary, no lock file,
no sidecar). Repairs happen only on a write, and a read reports what it saw instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore

from .conftest import INCIDENT
from .test_damaged_files import run_cli

READ_VERBS: list[list[str]] = [
    ["list"],
    ["list", "--all"],
    ["list", "--json", "--all"],
    ["show", INCIDENT],
    ["show", INCIDENT, "--json"],
    ["search", "first"],
    ["search", "first", "--json"],
    ["export", INCIDENT, "--format", "md"],
    ["export", INCIDENT, "--format", "html"],
    ["export", INCIDENT, "--format", "json"],
    ["export", INCIDENT, "--format", "csv"],
    ["postmortem", INCIDENT],
]


def _with_crc(obj: dict[str, object]) -> bytes:
    body = json.dumps(obj, separators=(",", ":")).encode()
    return body[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(body)


def _event(seq: int, at: str = "2026-11-23T15:00:00Z") -> dict[str, object]:
    return {
        "v": 1,
        "seq": seq,
        "id": f"{seq:032x}",
        "at": at,
        "actor": "Alex",
        "role": None,
        "data": {"type": "log.added", "text": "later", "kind": "note"},
    }


def _torn_tail(store: IncidentStore) -> None:
    with open(store.events_path, "ab") as handle:
        handle.write(b'{"v":1,"seq":5,"id":"cut sh')


def _whole_tail_without_newline(store: IncidentStore) -> None:
    data = store.events_path.read_bytes()
    store.events_path.write_bytes(data[:-1])


def _crlf(store: IncidentStore) -> None:
    store.events_path.write_bytes(store.events_path.read_bytes().replace(b"\n", b"\r\n"))


def _bom(store: IncidentStore) -> None:
    store.events_path.write_bytes(b"\xef\xbb\xbf" + store.events_path.read_bytes())


def _first_line_damaged(store: IncidentStore) -> None:
    data = bytearray(store.events_path.read_bytes())
    data[10] ^= 0x01
    store.events_path.write_bytes(bytes(data))


def _middle_line_damaged(store: IncidentStore) -> None:
    lines = store.events_path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"Alex", b"Mallo")
    store.events_path.write_bytes(b"".join(lines))


def _cut_at_a_line_end(store: IncidentStore) -> None:
    lines = store.events_path.read_bytes().splitlines(keepends=True)
    store.events_path.write_bytes(b"".join(lines[:-1]))


def _summary_missing(store: IncidentStore) -> None:
    store.summary_path.unlink()


def _summary_garbage(store: IncidentStore) -> None:
    store.summary_path.write_bytes(b"\x00not toml [[[")


def _summary_stale(store: IncidentStore) -> None:
    with open(store.events_path, "ab") as handle:
        handle.write(_with_crc(_event(store.state.last_seq + 1)))


def _copied_under_another_name(store: IncidentStore) -> None:
    other = store.directory.parent / "copy-of-it"
    other.mkdir(mode=0o700)
    for name in (str(store.events_path.relative_to(store.directory)), "incident.toml"):
        (other / name).parent.mkdir(mode=0o700, exist_ok=True)
        (other / name).write_bytes((store.directory / name).read_bytes())


def _hard_linked(store: IncidentStore) -> None:
    other = store.directory.parent / "linked"
    other.mkdir(mode=0o700)
    os.link(store.events_path, other / "events.jsonl")


def _year_9999(store: IncidentStore) -> None:
    with open(store.events_path, "ab") as handle:
        handle.write(_with_crc(_event(store.state.last_seq + 1, "9999-12-31T23:59:59Z")))


def _stale_summary_temp(store: IncidentStore) -> None:
    temp = store.directory / ".incident.abc123.tmp"
    temp.write_bytes(b"half a summary")
    os.utime(temp, (0, 0))


def _newer_schema(store: IncidentStore) -> None:
    event = _event(store.state.last_seq + 1)
    event["v"] = 99
    with open(store.events_path, "ab") as handle:
        handle.write(_with_crc(event))


DAMAGES: dict[str, Callable[[IncidentStore], None]] = {
    "torn tail": _torn_tail,
    "whole last event without its newline": _whole_tail_without_newline,
    "CRLF line ends": _crlf,
    "byte order mark": _bom,
    "first line damaged": _first_line_damaged,
    "middle line damaged": _middle_line_damaged,
    "cut at a line end": _cut_at_a_line_end,
    "summary missing": _summary_missing,
    "summary garbage": _summary_garbage,
    "summary stale": _summary_stale,
    "copied under another name": _copied_under_another_name,
    "hard-linked log": _hard_linked,
    "event dated 9999": _year_9999,
    "stale summary temp file": _stale_summary_temp,
    "newer schema": _newer_schema,
}


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        )
        for path in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_read_verbs_change_nothing(tmp_path: Path, damage: str) -> None:
    home = tmp_path / "home"
    store = IncidentStore.create(
        home, cmd.Declare(incident_id=INCIDENT, title="Looked at"), clock=FakeClock(), actor="Alex"
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    store.execute(cmd.AddLogEntry(text="first line"))
    store.execute(cmd.AddLogEntry(text="second line"))
    (store.directory / ".lock").unlink()
    DAMAGES[damage](store)
    before = _snapshot(home)
    for argv in READ_VERBS:
        code, _out, err = run_cli(home, argv)
        assert "Traceback" not in err
        assert code in (0, 1, 2), (argv, code, err)
        assert _snapshot(home) == before, f"`ic {' '.join(argv)}` changed files ({damage})"
