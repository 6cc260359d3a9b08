"""The state snapshot: a cache of the log that is never trusted over it (issue 13)."""

from __future__ import annotations

import dataclasses
import json
import os
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.events import EVENT_ADAPTER, Event
from ic_console.domain.model import LogKind
from ic_console.domain.state import IncidentState, replay
from ic_console.store import snapshot as snap
from ic_console.store.eventlog import EventLog, decode_body, encode
from ic_console.store.incident import IncidentStore
from ic_console.store.lazylog import LazyLog
from ic_console.store.paths import event_files
from ic_console.store.state_codec import STATE_FIELDS
from ic_console.synthetic import write_busy_incident

ID = "snap"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _replayed(directory: Path) -> IncidentState:
    """The state folded from the log alone, through the reader the store uses."""
    events: list[Event] = []
    (path,) = event_files(directory)
    EventLog(path).read_new(events.extend)
    return replay(events)


@pytest.fixture
def incident(home: Path) -> Path:
    """A 600-event incident of every kind, with a snapshot of all of it."""
    directory = write_busy_incident(home, ID, 600, start=START)
    store = IncidentStore.open(home, ID, actor="Alex")
    assert store.write_snapshot()
    assert (directory / snap.SNAPSHOT_FILE).exists()
    return directory


def _open(home: Path, **kwargs: object) -> IncidentStore:
    return IncidentStore.open(home, ID, actor="Alex", **kwargs)  # type: ignore[arg-type]


def _from_snapshot(store: IncidentStore) -> bool:
    return isinstance(store.state.log, LazyLog)


def test_the_snapshot_holds_the_whole_state(home: Path, incident: Path) -> None:
    store = _open(home)
    assert _from_snapshot(store) and not store.state.log.loaded  # type: ignore[attr-defined]
    assert store.state == _replayed(incident)
    assert not store.notices


def test_every_field_of_the_state_is_written() -> None:
    names = tuple(field.name for field in dataclasses.fields(IncidentState))
    assert names == STATE_FIELDS


def test_commands_read_only_the_tail_and_count_as_the_log(home: Path, incident: Path) -> None:
    store = _open(home)
    store.execute(c.AddLogEntry(text="after the snapshot", kind=LogKind.FOLLOWUP))
    assert not store.state.log.loaded  # type: ignore[attr-defined]
    summary = (incident / "incident.toml").read_text()
    truth = _replayed(incident)
    assert f"log_entries = {len(truth.log)}" in summary
    assert f"followups = {len(truth.followups())}" in summary
    assert store.state == truth


def test_an_appended_line_is_read_as_the_tail(home: Path, incident: Path) -> None:
    other = IncidentStore.open(home, ID, actor="Sam", on_events=lambda _: None)  # no snapshot
    other.execute(c.AddLogEntry(text="from the other terminal", kind=LogKind.NOTE))
    store = _open(home, read_only=True)
    assert _from_snapshot(store)
    assert store.state == _replayed(incident)
    assert store.state.log[-1].text == "from the other terminal"


def test_a_truncated_log_is_not_covered(home: Path, incident: Path) -> None:
    path = incident / "events.jsonl"
    data = path.read_bytes()
    cut = data.rfind(b"\n", 0, len(data) // 2) + 1
    path.write_bytes(data[:cut])
    store = _open(home, read_only=True)
    assert not _from_snapshot(store)
    assert store.state == _replayed(incident)


def test_a_changed_byte_anywhere_in_the_prefix_is_noticed(home: Path, incident: Path) -> None:
    path = incident / "events.jsonl"
    data = bytearray(path.read_bytes())
    at = data.index(b"Observation 20:")
    data[at] = ord("o")  # the line's checksum no longer matches
    path.write_bytes(bytes(data))
    store = _open(home, read_only=True)
    assert not _from_snapshot(store)
    assert store.damaged is not None  # found because the log was read, not the snapshot


def test_a_replaced_log_is_not_covered(home: Path, incident: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other"
    other = write_busy_incident(elsewhere, ID, 600, start=START + timedelta(hours=1))
    os.replace(other / "events.jsonl", incident / "events.jsonl")
    store = _open(home, read_only=True)
    assert not _from_snapshot(store)
    assert store.state.declared_at == START + timedelta(hours=1)


@pytest.mark.parametrize("line", [0, 1, 2])
def test_a_damaged_snapshot_is_ignored_with_a_notice(home: Path, incident: Path, line: int) -> None:
    path = incident / snap.SNAPSHOT_FILE
    lines = path.read_bytes().split(b"\n")
    target = bytearray(lines[line])
    middle = len(target) // 2
    target[middle] = ord("#") if target[middle] != ord("#") else ord("%")
    lines[line] = bytes(target)
    path.write_bytes(b"\n".join(lines))
    store = _open(home, read_only=True)
    assert store.state == _replayed(incident)
    if line < 2:
        assert not _from_snapshot(store)
        assert any("damaged" in notice.message for notice in store.notices)
    else:  # the scribe log is read only when needed, and then rebuilt from the log
        assert len(store.state.log) == len(_replayed(incident).log)


def test_a_snapshot_from_a_newer_layout_is_ignored(home: Path, incident: Path) -> None:
    path = incident / snap.SNAPSHOT_FILE
    header, rest = path.read_bytes().split(b"\n", 1)
    data = json.loads(header[9:])
    data["schema"] = snap.SNAPSHOT_SCHEMA + 1
    head = json.dumps(data).encode()
    path.write_bytes(b"%08x " % zlib.crc32(head) + head + b"\n" + rest)
    store = _open(home, read_only=True)
    assert not _from_snapshot(store)
    assert not store.notices  # not damage: just not ours to read
    assert store.state == _replayed(incident)


def test_a_snapshot_with_values_of_the_wrong_type_is_ignored(home: Path, incident: Path) -> None:
    """A folder from another machine could carry any JSON that passes the checksums."""
    path = incident / snap.SNAPSHOT_FILE
    header_line, body, log = path.read_bytes().split(b"\n", 2)  # the log part is binary
    header_line = header_line[9:]
    state = json.loads(body)
    state["tasks"][0][5] = "five minutes"  # a timebox that is not a number
    body = json.dumps(state).encode()
    header = json.loads(header_line)
    header.update(body_crc=zlib.crc32(body), body_len=len(body))
    head = json.dumps(header).encode()
    path.write_bytes(b"\n".join([b"%08x " % zlib.crc32(head) + head, body, log]))
    store = _open(home, read_only=True)
    assert not _from_snapshot(store)
    assert any("not valid" in notice.message for notice in store.notices)
    assert store.state == _replayed(incident)


def test_read_only_verbs_never_write_it(home: Path) -> None:
    directory = write_busy_incident(home, ID, 600, start=START)
    store = _open(home, read_only=True)
    assert not store.write_snapshot()
    assert not (directory / snap.SNAPSHOT_FILE).exists()


def test_a_snapshot_link_is_not_followed(home: Path, incident: Path, tmp_path: Path) -> None:
    path = incident / snap.SNAPSHOT_FILE
    target = tmp_path / "elsewhere"
    os.replace(path, target)
    path.symlink_to(target)
    store = _open(home)
    assert not _from_snapshot(store)
    assert store.write_snapshot()
    assert not path.is_symlink()  # replaced by a file, the link's target left alone
    assert target.exists()


def test_resolving_writes_it(home: Path) -> None:
    directory = write_busy_incident(home, ID, 300, start=START)
    store = IncidentStore.open(home, ID, actor="Alex", clock=FakeClock(START + timedelta(days=1)))
    store.execute(c.AddLogEntry(text="not yet", kind=LogKind.NOTE))
    assert not (directory / snap.SNAPSHOT_FILE).exists()  # never on each command
    store.execute(c.Resolve())
    assert _from_snapshot(_open(home, read_only=True))


def test_a_command_fsyncs_the_log_only(
    home: Path, incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _open(home)
    store.execute(c.AddLogEntry(text="the first write moves events.jsonl into events/"))
    calls: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
    store.execute(c.AddLogEntry(text="one fsync", kind=LogKind.NOTE))
    assert len(calls) == 1


@pytest.mark.parametrize("count", [1, 5, 50])
def test_latest_by_when_is_the_end_of_the_sorted_log(
    home: Path, incident: Path, count: int
) -> None:
    clock = FakeClock(START + timedelta(days=1))
    store = IncidentStore.open(home, ID, actor="Alex", clock=clock)
    store.execute(c.AddLogEntry(text="late", kind=LogKind.NOTE, occurred_at=START))
    store.execute(c.AddLogEntry(text="newest", kind=LogKind.NOTE))
    lazy = _open(home, read_only=True).state.log
    assert not lazy.loaded  # type: ignore[attr-defined]
    expected = sorted(_replayed(incident).log, key=lambda e: e.when)[-count:]
    assert snap.latest_by_when(lazy, count) == expected
    assert not lazy.loaded  # type: ignore[attr-defined]
    assert snap.latest_by_when(list(lazy), count) == expected


# -- any change to the log, any damage to the snapshot (issue 13, item 5) ------------------------


def _rewritten(line: bytes, text: str) -> bytes:
    """`line` as a valid, checksummed line whose scribe text is `text` (same event otherwise):
    what a careful hand-edit, or a log from another copy of the incident, looks like."""
    body = decode_body(line.rstrip(b"\n"), path=Path("x"), number=1)
    event = EVENT_ADAPTER.validate_json(body)
    data = event.data.model_copy(update={"text": text})
    return encode(event.model_copy(update={"data": data}))


def _entry_lines(data: bytes) -> list[int]:
    """Where each scribe entry's line starts."""
    starts, at = [], 0
    for line in data.splitlines(keepends=True):
        if b'"type":"log.added"' in line:
            starts.append(at)
        at += len(line)
    return starts


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_valid_edit_of_any_covered_line_is_noticed(
    home: Path, incident: Path, where: str
) -> None:
    """A line changed and checksummed again (so the log itself reads as valid) anywhere in the
    covered part, even to the same length: the snapshot is not used, the log's words are."""
    path = incident / "events.jsonl"
    data = path.read_bytes()
    starts = _entry_lines(data)
    start = {"first": starts[0], "middle": starts[len(starts) // 2], "last": starts[-1]}[where]
    end = data.index(b"\n", start) + 1
    old = EVENT_ADAPTER.validate_json(decode_body(data[start : end - 1], path=path, number=1))
    text = old.data.text  # type: ignore[union-attr]
    changed = "X" * len(text)  # the same length: the offset the snapshot covers still fits
    path.write_bytes(data[:start] + _rewritten(data[start:end], changed) + data[end:])
    assert path.stat().st_size == len(data)
    store = _open(home, read_only=True)
    assert not _from_snapshot(store)
    assert store.damaged is None
    assert store.state == _replayed(incident)
    assert any(entry.text == changed for entry in store.state.log)


def test_a_removed_covered_line_is_noticed(home: Path, incident: Path) -> None:
    path = incident / "events.jsonl"
    data = path.read_bytes()
    start = _entry_lines(data)[10]
    end = data.index(b"\n", start) + 1
    path.write_bytes(data[:start] + data[end:] + data[start:end])  # moved to the end instead
    store = _open(home, read_only=True)
    assert not _from_snapshot(store)
    assert store.damaged is not None  # a sequence number out of order, found in the log


@pytest.mark.parametrize(
    "damage",
    ["empty", "cut inside its state", "not json", "header only", "another file's bytes"],
)
def test_a_damaged_snapshot_file_is_ignored_with_a_notice(
    home: Path, incident: Path, damage: str
) -> None:
    path = incident / snap.SNAPSHOT_FILE
    data = path.read_bytes()
    header, body, _ = data.split(b"\n", 2)
    path.write_bytes(
        {
            "empty": b"",
            "cut inside its state": data[: len(header) + 1 + len(body) // 2],
            "not json": b"00000000 {not json\n\n\n",
            "header only": data.split(b"\n", 1)[0] + b"\n",
            "another file's bytes": (incident / "events.jsonl").read_bytes()[:4096],
        }[damage]
    )
    store = _open(home, read_only=True)
    assert not _from_snapshot(store)
    assert store.state == _replayed(incident)
    assert [n for n in store.notices if "snapshot" in n.message.lower()], store.notices
    assert not store.damaged  # the log is fine: only its cache was


def test_a_replaying_listener_over_a_current_snapshot_does_not_write_it_again(
    home: Path, incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console replays the whole log for its rows; a current snapshot is not rewritten
    (it cost 0.7 s of opening 100,000 events), a stale or missing one is when due."""
    import ic_console.store.incident as store_module

    monkeypatch.setattr(store_module, "SNAPSHOT_EVERY", 100)
    written: list[int] = []
    real = store_module.save_snapshot

    def counting(directory: Path, state: IncidentState, log: EventLog) -> bool:
        written.append(state.last_seq)
        return real(directory, state, log)

    monkeypatch.setattr(store_module, "save_snapshot", counting)
    seen: list[Event] = []
    store = _open(home, on_events=seen.extend)
    assert seen and store.state.last_seq == seen[-1].seq
    assert written == []
    current, _ = snap.load_snapshot(incident, incident / "events.jsonl")
    assert current is not None and current.state.last_seq == store.state.last_seq
    (incident / snap.SNAPSHOT_FILE).unlink()
    assert snap.load_snapshot(incident, incident / "events.jsonl")[0] is None
    _open(home, on_events=seen.extend)
    assert written == [store.state.last_seq]


def test_a_listener_gets_every_event_while_the_state_starts_from_the_snapshot(
    home: Path, incident: Path
) -> None:
    """The console's first open reads the whole log for its rows: each event is handed over
    from seq 1, and the state is the snapshot's plus the tail folded, the same as a fold of the
    whole log (the prefix was folded again before: a third of a 100,000-event open)."""
    store = _open(home)
    store.execute(c.AddLogEntry(text="after the snapshot", kind=LogKind.NOTE))
    store.execute(c.AssignTask(owner="Sam", text="check", timebox=timedelta(minutes=5)))
    seen: list[Event] = []
    listened = _open(home, on_events=seen.extend, read_only=True)
    assert [event.seq for event in seen] == list(range(1, listened.state.last_seq + 1))
    assert _from_snapshot(listened)  # the prefix was not folded again
    assert listened.state == _replayed(incident)
    # A damaged snapshot: the whole log is folded, and the listener still gets every event.
    path = incident / snap.SNAPSHOT_FILE
    data = bytearray(path.read_bytes())
    data[12] ^= 0x20  # inside the checksummed header
    path.write_bytes(bytes(data))
    seen.clear()
    refolded = _open(home, on_events=seen.extend, read_only=True)
    assert not _from_snapshot(refolded)
    assert [event.seq for event in seen] == list(range(1, refolded.state.last_seq + 1))
    assert refolded.state == _replayed(incident)


def test_a_snapshot_is_not_used_once_the_prefix_changes(home: Path, incident: Path) -> None:
    path = incident / "events.jsonl"
    assert snap.load_snapshot(incident, path)[0] is not None
    data = bytearray(path.read_bytes())
    at = data.index(b"Observation 20:")
    data[at] = ord("o")
    path.write_bytes(bytes(data))
    assert snap.load_snapshot(incident, path)[0] is None


def test_a_settled_prefix_is_checked_once_a_recent_one_every_time(tmp_path: Path) -> None:
    """The snapshot and the rows cache check the same prefix at each open: a file whose time has
    settled is summed once per process; a file written just now is read again at each check,
    since a write within the same tick of the kernel's clock can leave its time unchanged."""
    log = tmp_path / "events.jsonl"
    log.write_bytes(b'{"a":1}\n{"b":2}\n')
    old = time.time_ns() - 10 * snap.SETTLED_NS
    os.utime(log, ns=(old, old))
    first = snap.prefix_checksums(log, 16)
    log.write_bytes(b'{"a":9}\n{"b":2}\n')  # changed in place, same size...
    os.utime(log, ns=(old, old))  # ...and the same time: only the remembered sum can answer
    assert snap.prefix_checksums(log, 16) == first

    recent = tmp_path / "recent.jsonl"
    recent.write_bytes(b'{"a":1}\n{"b":2}\n')
    now = os.stat(recent).st_mtime_ns
    before = snap.prefix_checksums(recent, 16)
    recent.write_bytes(b'{"a":9}\n{"b":2}\n')
    os.utime(recent, ns=(now, now))  # a second write in the same tick
    assert snap.prefix_checksums(recent, 16) != before
