"""The incident directory on disk: creation, permissions, appends, summary, recovery, following."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tomllib
import zlib
from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.events import EVENT_ADAPTER, SCHEMA_VERSION
from ic_console.domain.model import Role, Status
from ic_console.store.catalog import list_incidents, new_incident_id, resolve_incident_id
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import EventLog, decode_body
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import local_origin
from ic_console.store.paths import EVENTS_FILE, LOCK_FILE, SUMMARY_FILE, data_root

MIN5 = timedelta(minutes=5)


def make(root: Path, clock: FakeClock, incident_id: str = "inc-1", **kw: object) -> IncidentStore:
    declare = c.Declare(incident_id=incident_id, title=f"Incident {incident_id}", severity=2)
    return IncidentStore.create(root, declare, clock=clock, actor="Alex", **kw)  # type: ignore[arg-type]


def lines_of(store: IncidentStore) -> list[bytes]:
    return store.events_path.read_bytes().splitlines(keepends=True)


def with_crc(obj: dict[str, object]) -> bytes:
    """A log line for `obj` with a valid checksum, as the writer would make it."""
    body = json.dumps(obj, separators=(",", ":")).encode()
    return body[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(body)


@pytest.fixture
def store(home: Path, clock: FakeClock) -> IncidentStore:
    s = make(home, clock)
    s.execute(c.AssignRole(role=Role.IC, name="Alex"))
    s.execute(c.AddLogEntry(text="Error rate at 12%"))
    s.execute(c.AssignTask(owner="Sam", text="Check the database", timebox=MIN5))
    return s  # events: declared, joined Alex, role, log, joined Sam, task = 6 lines


# -- creating and opening ----------------------------------------------------------------------


def test_data_root_comes_from_the_environment_or_the_option(home: Path, tmp_path: Path) -> None:
    assert data_root() == home
    assert data_root(tmp_path / "given") == tmp_path / "given"


def test_create_makes_private_files(home: Path, clock: FakeClock) -> None:
    store = make(home, clock)
    for directory in (home, home / "incidents", store.directory):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    assert store.events_path == store.directory / "events" / f"{local_origin(home)}.jsonl"
    for name in (str(store.events_path.relative_to(store.directory)), SUMMARY_FILE, LOCK_FILE):
        assert stat.S_IMODE((store.directory / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(store.events_path.parent.stat().st_mode) == 0o700
    assert store.state.declared and store.state.last_seq == 2


def test_private_even_with_a_permissive_umask(home: Path, clock: FakeClock) -> None:
    old = os.umask(0)
    try:
        store = make(home, clock)
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.events_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.summary_path.stat().st_mode) == 0o600


def test_create_twice_is_refused(home: Path, clock: FakeClock) -> None:
    make(home, clock)
    with pytest.raises(StoreError, match="already exists"):
        make(home, clock)


def test_a_refused_declaration_leaves_nothing_behind(home: Path, clock: FakeClock) -> None:
    with pytest.raises(DomainError, match="title is empty"):
        IncidentStore.create(home, c.Declare(incident_id="x", title=" "), clock=clock, actor="A")
    assert not (home / "incidents" / "x").exists()
    with pytest.raises(DomainError, match="is a group"):
        IncidentStore.create(home, c.Declare(incident_id="y", title="T"), actor="everyone")
    assert not (home / "incidents" / "y").exists()


def test_open_missing_incident(home: Path) -> None:
    with pytest.raises(StoreError, match="There is no incident 'nope'"):
        IncidentStore.open(home, "nope")
    with pytest.raises(DomainError, match="not a valid incident id"):
        IncidentStore.open(home, "../../etc")


def test_world_writable_incident_directory_is_refused(store: IncidentStore, home: Path) -> None:
    store.directory.chmod(0o777)
    with pytest.raises(DomainError, match="writable by every user") as caught:
        IncidentStore.open(home, "inc-1")
    assert "chmod 700" in str(caught.value)


def test_world_writable_incidents_directory_is_refused_on_create(
    home: Path, clock: FakeClock
) -> None:
    make(home, clock)
    (home / "incidents").chmod(0o777)
    try:
        with pytest.raises(DomainError, match="writable by every user"):
            make(home, clock, "inc-2")
    finally:
        (home / "incidents").chmod(0o700)


def test_reopen_gives_the_same_state(store: IncidentStore, home: Path, clock: FakeClock) -> None:
    again = IncidentStore.open(home, "inc-1", clock=clock, actor="Dana")
    assert again.state == store.state
    assert again.notices == [] and not again.read_only


# -- appending ---------------------------------------------------------------------------------


def test_append_writes_whole_checksummed_lines_with_contiguous_seq(store: IncidentStore) -> None:
    raw = store.events_path.read_bytes()
    assert raw.endswith(b"\n")
    lines = raw.split(b"\n")[:-1]
    events = [
        EVENT_ADAPTER.validate_json(decode_body(line, path=store.events_path, number=n))
        for n, line in enumerate(lines, 1)
    ]
    assert [e.seq for e in events] == list(range(1, 7))
    assert len({e.id for e in events}) == 6
    for line in lines:
        body = line[: line.rindex(b',"crc"')] + b"}"
        assert json.loads(line)["crc"] == format(zlib.crc32(body), "08x")
    assert events[0].type == "incident.declared" and events[0].actor == "Alex"
    assert events[-1].type == "task.assigned"


def test_execute_returns_the_events_and_records_actor_and_role(
    home: Path, clock: FakeClock
) -> None:
    store = make(home, clock, role=Role.IC)
    clock.advance(30)
    written = store.execute(c.AddLogEntry(text="note"), actor="Kim")
    assert [e.seq for e in written] == [3]
    assert (written[0].actor, written[0].role, written[0].at) == ("Kim", Role.IC, clock.now())
    assert store.state.log[-1].author == "Kim"


def test_a_refused_command_writes_nothing(store: IncidentStore) -> None:
    before = store.events_path.read_bytes()
    with pytest.raises(DomainError, match="There is no task 9"):
        store.execute(c.CompleteTask(number=9))
    with pytest.raises(DomainError, match="is a group"):
        store.execute(c.AddLogEntry(text="x"), actor="someone")
    assert store.events_path.read_bytes() == before


def test_read_only_store_refuses_to_write(store: IncidentStore, home: Path) -> None:
    viewer = IncidentStore.open(home, "inc-1", read_only=True)
    assert viewer.read_only
    with pytest.raises(StoreError, match="read-only"):
        viewer.execute(c.AddLogEntry(text="x"))


def test_two_stores_race_and_the_loser_is_refused(store: IncidentStore, home: Path) -> None:
    other = IncidentStore.open(home, "inc-1", actor="Dana")
    store.execute(c.CompleteTask(number=1))
    with pytest.raises(DomainError, match="already done"):
        other.execute(c.CompleteTask(number=1))
    # The loser's state caught up while it was refused.
    assert other.state.tasks[1].status.value == "done"


# -- the summary -------------------------------------------------------------------------------


def read_toml(path: Path) -> dict[str, object]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def test_summary_follows_every_change(store: IncidentStore) -> None:
    summary = read_toml(store.summary_path)
    assert summary["last_seq"] == 6 and summary["id"] == "inc-1"
    assert summary["roles"] == {"ic": "Alex", "sme": []}
    assert summary["log_bytes"] == store.events_path.stat().st_size
    store.execute(c.ChangeSeverity(severity=1))
    summary = read_toml(store.summary_path)
    assert summary["severity"] == 1 and summary["last_seq"] == 7
    assert not list(store.directory.glob(".incident.*.tmp"))


def test_summary_rebuilt_when_missing(store: IncidentStore, home: Path) -> None:
    store.summary_path.unlink()
    IncidentStore.open(home, "inc-1")
    assert read_toml(store.summary_path)["last_seq"] == 6


def test_summary_rebuilt_when_damaged_with_a_notice(store: IncidentStore, home: Path) -> None:
    store.summary_path.write_text("this is [not toml")
    again = IncidentStore.open(home, "inc-1")
    assert read_toml(store.summary_path)["last_seq"] == 6
    assert any("was damaged; it was rebuilt" in n.message for n in again.notices)


def test_summary_rebuilt_when_stale(store: IncidentStore, home: Path) -> None:
    text = store.summary_path.read_text().replace("last_seq = 6", "last_seq = 3")
    store.summary_path.write_text(text)
    IncidentStore.open(home, "inc-1")
    assert read_toml(store.summary_path)["last_seq"] == 6


def test_list_notices_a_summary_older_than_the_log(store: IncidentStore, home: Path) -> None:
    old_summary = store.summary_path.read_bytes()
    store.execute(c.ChangeSeverity(severity=1))
    store.summary_path.write_bytes(old_summary)  # as if a crash came between append and summary
    [info] = list_incidents(home)
    assert info.severity == 1
    # Listing only reads: the stale summary is rebuilt by the next open that may write.
    assert store.summary_path.read_bytes() == old_summary
    IncidentStore.open(home, "inc-1")
    assert read_toml(store.summary_path)["severity"] == 1


# -- recovery ----------------------------------------------------------------------------------


def test_torn_last_line_is_moved_aside_and_the_log_cut_back(
    store: IncidentStore, home: Path
) -> None:
    whole = store.events_path.read_bytes()
    torn = b'{"v":1,"seq":7,"id":"abc","at":"2026-11-23T14:0'
    with open(store.events_path, "ab") as handle:
        handle.write(torn)
    again = IncidentStore.open(home, "inc-1", actor="Dana")
    assert store.events_path.read_bytes() == whole
    [sidecar] = store.directory.glob("events.torn-*.jsonl")
    assert sidecar.read_bytes() == torn
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    [notice] = again.notices
    assert "was incomplete" in notice.message and sidecar.name in notice.message
    assert not again.read_only and again.state.last_seq == 6
    again.execute(c.AddLogEntry(text="after the crash"))
    assert [json.loads(line)["seq"] for line in lines_of(again)] == list(range(1, 8))


def test_a_read_only_console_tells_of_a_torn_tail_and_leaves_it(store: IncidentStore) -> None:
    with open(store.events_path, "ab") as handle:
        handle.write(b'{"v":1,"seq":7')
    before = store.events_path.read_bytes()
    viewer = IncidentStore.open(store.directory.parent.parent, "inc-1", read_only=True)
    assert viewer.state.last_seq == 6
    assert any("ends with an incomplete line" in n.message for n in viewer.notices)
    assert store.events_path.read_bytes() == before
    assert not list(store.directory.glob("events.torn-*"))


def test_a_running_store_recovers_a_torn_tail_before_appending(store: IncidentStore) -> None:
    with open(store.events_path, "ab") as handle:
        handle.write(b'{"v":1,"seq":7')
    store.execute(c.AddLogEntry(text="next"))
    assert [json.loads(line)["seq"] for line in lines_of(store)] == list(range(1, 8))
    assert any("was incomplete" in n.message for n in store.notices)


def damage_and_open(store: IncidentStore, home: Path, lines: list[bytes]) -> IncidentStore:
    store.events_path.write_bytes(b"".join(lines))
    summary_before = store.summary_path.read_bytes()
    log_before = store.events_path.read_bytes()
    damaged = IncidentStore.open(home, "inc-1", actor="Dana")
    assert damaged.read_only
    # Nothing was rewritten: not the log, not the summary, no sidecar.
    assert store.events_path.read_bytes() == log_before
    assert store.summary_path.read_bytes() == summary_before
    assert not list(store.directory.glob("events.torn-*"))
    with pytest.raises(StoreError, match="is damaged, so nothing more can be recorded"):
        damaged.execute(c.AddLogEntry(text="x"))
    assert store.events_path.read_bytes() == log_before
    return damaged


def severe_message(store: IncidentStore) -> str:
    [notice] = [n for n in store.notices if n.severe]
    return notice.message


def test_damaged_middle_line_opens_read_only(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    lines[2] = lines[2][:10] + b"#garbage#" + lines[2][19:]
    damaged = damage_and_open(store, home, lines)
    message = severe_message(damaged)
    assert f"{store.events_path}, line 3:" in message and "read-only" in message
    assert damaged.state.last_seq == 2  # the events before the damaged line are shown


def test_changed_text_fails_the_checksum(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    lines[3] = lines[3].replace(b"Error rate at 12%", b"Error rate at 2%!")
    damaged = damage_and_open(store, home, lines)
    message = severe_message(damaged)
    assert "line 4:" in message and "checksum does not match" in message
    assert "changed after it was written" in message


def test_missing_checksum(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    obj = json.loads(lines[1])
    del obj["crc"]
    lines[1] = json.dumps(obj).encode() + b"\n"
    assert "line 2: it has no checksum" in severe_message(damage_and_open(store, home, lines))


def test_sequence_gap(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    del lines[3]
    message = severe_message(damage_and_open(store, home, lines))
    assert "line 4: sequence number 5 where 4 was expected" in message


def test_repeated_line(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    lines.insert(4, lines[3])
    message = severe_message(damage_and_open(store, home, lines))
    assert "line 5: sequence number 4 where 5 was expected" in message


def test_newer_schema_version(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    obj = json.loads(lines[-1])
    del obj["crc"]
    obj["v"] = SCHEMA_VERSION + 1
    lines[-1] = with_crc(obj)
    damaged = damage_and_open(store, home, lines)
    message = severe_message(damaged)
    assert f"line 6: it was written by a newer ic-console (schema {SCHEMA_VERSION + 1}" in message
    assert "upgrade ic-console" in message
    assert damaged.state.last_seq == 5


def test_newer_event_type(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    obj = json.loads(lines[-1])
    del obj["crc"]
    obj["v"] = 3
    obj["data"] = {"type": "hologram.projected", "colour": "blue"}
    lines[-1] = with_crc(obj)
    assert "newer ic-console (schema 3" in severe_message(damage_and_open(store, home, lines))


def test_invalid_event_names_the_field(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    obj = json.loads(lines[-1])
    del obj["crc"]
    obj["data"]["timebox_seconds"] = "soon"
    lines[-1] = with_crc(obj)
    message = severe_message(damage_and_open(store, home, lines))
    assert "line 6: the event is not valid (data.task.assigned.timebox_seconds" in message


def test_an_event_that_does_not_fit_the_incident(store: IncidentStore, home: Path) -> None:
    lines = lines_of(store)
    obj = json.loads(lines[-1])
    del obj["crc"]
    obj["data"] = {"type": "task.done", "number": 42}
    lines[-1] = with_crc(obj)
    message = severe_message(damage_and_open(store, home, lines))
    assert "line 6: event 6 (task.done) does not fit the incident" in message


# -- following ---------------------------------------------------------------------------------


def test_incremental_reader_returns_only_new_events(store: IncidentStore) -> None:
    log = EventLog(store.events_path)
    first = log.read_new()
    assert [e.seq for e in first.events] == list(range(1, 7))
    assert first.offset == store.events_path.stat().st_size and first.lines == 6
    assert log.read_new().events == []
    store.execute(c.AddLogEntry(text="one"))
    store.execute(c.AddLogEntry(text="two"))
    assert [e.seq for e in log.read_new().events] == [7, 8]


def test_incremental_reader_leaves_a_partial_line_for_later(store: IncidentStore) -> None:
    log = EventLog(store.events_path)
    log.read_new()
    store.execute(c.AddLogEntry(text="whole"))
    line = lines_of(store)[-1]
    store.events_path.write_bytes(b"".join(lines_of(store)[:-1]) + line[:20])
    half = log.read_new()
    assert half.events == [] and half.tail == line[:20]
    with open(store.events_path, "ab") as handle:
        handle.write(line[20:])
    assert [e.seq for e in log.read_new().events] == [7]


def test_incremental_reader_hands_over_batches(store: IncidentStore) -> None:
    batches: list[list[int]] = []
    result = EventLog(store.events_path).read_new(lambda b: batches.append([e.seq for e in b]))
    assert batches == [[1, 2, 3, 4, 5, 6]] and result.events == []


def test_refresh_applies_other_terminals_events(store: IncidentStore, home: Path) -> None:
    deputy = IncidentStore.open(home, "inc-1", actor="Dana")
    assert not deputy.has_changes()
    store.execute(c.AcknowledgeTask(number=1))
    assert deputy.has_changes()
    assert [e.type for e in deputy.refresh()] == ["task.acknowledged"]
    assert deputy.state == store.state
    assert deputy.refresh() == []


def test_replaced_log_triggers_a_full_reload(store: IncidentStore, home: Path) -> None:
    deputy = IncidentStore.open(home, "inc-1", actor="Dana")
    shorter = b"".join(lines_of(store)[:3])
    replacement = store.directory / "replacement.jsonl"
    replacement.write_bytes(shorter)
    os.replace(replacement, store.events_path)
    assert deputy.log.replaced()
    assert deputy.refresh() == []
    assert deputy.state.last_seq == 3 and deputy.state.ic == "Alex"


def test_truncated_log_triggers_a_full_reload(store: IncidentStore, home: Path) -> None:
    deputy = IncidentStore.open(home, "inc-1", actor="Dana")
    with open(store.events_path, "r+b") as handle:
        handle.truncate(len(b"".join(lines_of(store)[:2])))
    deputy.refresh()
    assert deputy.state.last_seq == 2 and deputy.state.tasks == {}


def test_writer_reloads_a_replaced_log_before_appending(store: IncidentStore) -> None:
    # Another terminal's `cp` put a copy in place (a new file, the same events).
    tmp = store.directory / "x.jsonl"
    tmp.write_bytes(b"".join(lines_of(store)))
    other = IncidentStore.open(store.directory.parent.parent, "inc-1")
    other.execute(c.AddLogEntry(text="from the other terminal"))
    tmp.write_bytes(b"".join(lines_of(store)))
    os.replace(tmp, store.events_path)
    store.execute(c.AddLogEntry(text="after"))
    assert [json.loads(line)["seq"] for line in lines_of(store)] == list(range(1, 9))


def test_writer_refuses_a_log_replaced_by_a_shorter_one(store: IncidentStore) -> None:
    """A log cut back to fewer events than the summary records is not silently accepted."""
    shorter = b"".join(lines_of(store)[:2])
    tmp = store.directory / "x.jsonl"
    tmp.write_bytes(shorter)
    os.replace(tmp, store.events_path)
    with pytest.raises(StoreError, match=r"records 6 events but .* holds only 2"):
        store.execute(c.AddLogEntry(text="after"))
    assert store.events_path.read_bytes() == shorter


def test_directory_removed_under_a_running_store(store: IncidentStore) -> None:
    shutil.rmtree(store.directory)
    with pytest.raises(StoreError, match="was removed or renamed") as caught:
        store.execute(c.AddLogEntry(text="x"))
    assert str(store.directory) in str(caught.value) and "nothing" in str(caught.value)
    with pytest.raises(StoreError, match="was removed or renamed"):
        store.refresh()
    assert not store.directory.exists()  # nothing was recreated


def test_log_removed_under_a_running_store(store: IncidentStore) -> None:
    store.events_path.unlink()
    with pytest.raises(StoreError, match=r"\.jsonl was removed"):
        store.execute(c.AddLogEntry(text="x"))
    assert not store.events_path.exists()


# -- finding incidents -------------------------------------------------------------------------


def test_list_and_resolve_incident_ids(home: Path, clock: FakeClock) -> None:
    assert list_incidents(home) == []
    with pytest.raises(StoreError, match="There is no active incident"):
        resolve_incident_id(home, None)
    first = make(home, clock, "inc-1")
    assert resolve_incident_id(home, None) == "inc-1"
    clock.advance(60)
    make(home, clock, "inc-2")
    with pytest.raises(StoreError, match="More than one incident is active") as caught:
        resolve_incident_id(home, None)
    assert "inc-1 (Incident inc-1)" in str(caught.value)
    assert [i.incident_id for i in list_incidents(home)] == ["inc-2", "inc-1"]
    first.execute(c.Resolve())
    assert resolve_incident_id(home, None) == "inc-2"
    assert resolve_incident_id(home, "inc-1") == "inc-1"
    with pytest.raises(StoreError, match="There is no incident 'inc-9'"):
        resolve_incident_id(home, "inc-9")
    statuses = {i.incident_id: i.status for i in list_incidents(home)}
    assert statuses == {"inc-1": Status.RESOLVED.value, "inc-2": "active"}


def test_list_reads_a_missing_summary_and_lists_junk_as_damaged(
    home: Path, clock: FakeClock
) -> None:
    store = make(home, clock)
    store.summary_path.unlink()
    (home / "incidents" / "Not An Id").mkdir()
    ((home / "incidents" / "Not An Id") / EVENTS_FILE).write_text("")
    infos = list_incidents(home)
    [good] = [info for info in infos if info.problem is None]
    [junk] = [info for info in infos if info.problem is not None]
    assert good.incident_id == "inc-1" and good.title == "Incident inc-1"
    assert not store.summary_path.exists()  # listing never writes
    assert junk.incident_id == "Not An Id" and "not a valid incident id" in (junk.problem or "")


def test_new_incident_ids_are_unique_and_typable(home: Path, clock: FakeClock) -> None:
    first = new_incident_id(home, "Checkout 500s in EU!", clock.now())
    assert first == "20261123-checkout-500s-in-eu"
    make(home, clock, first)
    assert new_incident_id(home, "Checkout 500s in EU!", clock.now()) == first + "-2"
