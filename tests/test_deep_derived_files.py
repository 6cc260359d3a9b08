"""A derived file (`state.snapshot`, `log.rows`) whose JSON is nested 200,000 deep, with a
checksum that matches (a file copied from another machine, or made by hand): `json.loads`
raised RecursionError, which no reader caught, and every verb on the incident ended in a
message about config.toml. Derived files are never trusted over the log: such a file is
ignored as damaged, with a notice, and the incident is read from its log."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from tests.test_rows_pane import ID, _open

from ic_console.domain import commands as c
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import incident_dir


def _deep(path: Path) -> None:
    body = b"[" * 200_000 + b"]" * 200_000
    path.write_bytes(b"%08x " % zlib.crc32(body) + body + b"\n")


@pytest.fixture
def incident(home: Path) -> Path:
    store = IncidentStore.create(
        home, c.Declare(incident_id=ID, title="Deep files", severity=2), actor="Alex"
    )
    for number in range(5):
        store.execute(c.AddLogEntry(text=f"line {number}"))
    assert store.write_snapshot()
    _open(home).close()  # the rows cache
    return incident_dir(home, ID)


def test_a_deep_snapshot_is_ignored_with_a_notice(home: Path, incident: Path) -> None:
    _deep(incident / "state.snapshot")
    store = IncidentStore.open(home, ID, actor="Alex")
    assert [entry.text for entry in store.state.log] == [f"line {n}" for n in range(5)]
    assert any("damaged" in notice.message for notice in store.notices), store.notices


@pytest.mark.parametrize("name", ["state.snapshot", "log.rows"])
def test_the_console_opens_past_a_deep_derived_file(home: Path, incident: Path, name: str) -> None:
    _deep(incident / name)
    live = _open(home)
    assert [row.text for row in live.rows][-5:] == [f"line {n}" for n in range(5)]
    live.close()
