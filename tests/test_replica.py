"""Replicas' files in an incident folder: the origin id, the layout, the legacy log, and what a
transport hands in through `accept_peer_file`."""

from __future__ import annotations

import json
import os
import shutil
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import DecisionStatus, TaskStatus
from ic_console.store import replica
from ic_console.store.catalog import list_incidents
from ic_console.store.errors import StoreError
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import ORIGIN_FILE, forget_cached_origins, local_origin
from ic_console.store.paths import EVENTS_FILE, event_files, replica_file
from ic_console.store.replica import (
    PeerRefused,
    accept_peer_file,
    adopt_legacy_log,
    list_local_files,
    list_peer_files,
    refresh_derived,
)
from ic_console.store.state_codec import state_body

#: An incident written by ic-console before replication (made with that version's own writer).
LEGACY = Path(__file__).parent / "fixtures" / "legacy_v1"
LEGACY_ID = "legacy-checkout"
MIN5 = timedelta(minutes=5)


def _legacy(root: Path) -> Path:
    directory = root / "incidents" / LEGACY_ID
    directory.mkdir(parents=True, mode=0o700)
    os.chmod(root, 0o700)
    os.chmod(root / "incidents", 0o700)
    for name in (EVENTS_FILE, "incident.toml"):
        shutil.copyfile(LEGACY / name, directory / name)
        (directory / name).chmod(0o600)
    return directory


def _laptop(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    root.mkdir(mode=0o700)
    return root


def _declare(root: Path, clock: FakeClock, actor: str = "Alex") -> IncidentStore:
    declare = c.Declare(incident_id="inc-1", title="Checkout errors", severity=2)
    return IncidentStore.create(root, declare, clock=clock, actor=actor)


# -- origin ------------------------------------------------------------------------------------


def test_the_origin_is_made_once_and_kept(tmp_path: Path) -> None:
    root = _laptop(tmp_path, "a")
    first = local_origin(root)
    assert len(first) == 12 and int(first, 16) >= 0 and first == first.lower()
    assert (root / ORIGIN_FILE).read_text() == f"{first}\n"
    assert oct((root / ORIGIN_FILE).stat().st_mode & 0o777) == "0o600"
    forget_cached_origins()
    assert local_origin(root) == first
    assert local_origin(_laptop(tmp_path, "b")) != first


def test_a_damaged_origin_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    root = _laptop(tmp_path, "a")
    (root / ORIGIN_FILE).write_text("not-an-id\n")
    forget_cached_origins()
    with pytest.raises(StoreError, match=r"replica id .*12 lowercase hex digits"):
        local_origin(root)


# -- the previous version's incident ------------------------------------------------------------


def test_an_incident_written_by_the_previous_version_opens_unchanged(home: Path) -> None:
    directory = _legacy(home)
    before = {name: (directory / name).read_bytes() for name in (EVENTS_FILE, "incident.toml")}
    store = IncidentStore.open(home, LEGACY_ID, read_only=True)
    state = store.state
    assert (state.title, state.severity, state.last_seq) == ("Checkout errors", 2, 17)
    assert state.tasks[1].status is TaskStatus.DONE and state.tasks[2].extensions == 1
    assert state.decisions[1].status is DecisionStatus.ACCEPTED
    assert [o.by for o in state.decisions[1].objections] == ["Kim"]
    assert [e.text for e in state.log] == ["Error rate at 12% on checkout"]
    assert store.damaged is None and store.blocked is None
    assert store.notices == [] and state.merge_notices == []
    # Opened to write, still nothing changes until something is recorded.
    IncidentStore.open(home, LEGACY_ID, clock=FakeClock(), actor="Alex")
    assert [i.incident_id for i in list_incidents(home)] == [LEGACY_ID]
    for name, raw in before.items():
        assert (directory / name).read_bytes() == raw
    assert event_files(directory) == [directory / EVENTS_FILE]


def test_the_first_write_makes_the_legacy_log_this_laptops_file(home: Path) -> None:
    directory = _legacy(home)
    legacy = (directory / EVENTS_FILE).read_bytes()
    clock = FakeClock(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    store = IncidentStore.open(home, LEGACY_ID, clock=clock, actor="Alex")
    store.execute(c.CompleteTask(number=2))
    own = replica_file(directory, local_origin(home))
    assert event_files(directory) == [own]
    data = own.read_bytes()
    assert data.startswith(legacy)  # renamed, never rewritten
    line = json.loads(data[len(legacy) :])
    assert line["seq"] == 18 and line["origin"] == local_origin(home) and line["v"] == 2
    assert line["hlc"][0] == int(clock.now().timestamp() * 1000) and line["hlc"][1] == 0
    assert line["ref"]  # the creating event of task 2
    again = IncidentStore.open(home, LEGACY_ID, read_only=True)
    assert again.state.tasks[2].status is TaskStatus.DONE and again.state.last_seq == 18


def test_adopting_a_legacy_log_lists_it_as_this_laptops_file(home: Path) -> None:
    directory = _legacy(home)
    assert list_local_files(home) == []
    assert adopt_legacy_log(home, LEGACY_ID) == replica_file(directory, local_origin(home))
    (found,) = list_local_files(home)
    assert found.incident_id == LEGACY_ID and found.size == (LEGACY / EVENTS_FILE).stat().st_size
    assert IncidentStore.open(home, LEGACY_ID, read_only=True).state.last_seq == 17


# -- new lines ----------------------------------------------------------------------------------


def test_new_lines_carry_origin_and_a_clock_that_only_grows(home: Path, clock: FakeClock) -> None:
    store = _declare(home, clock)
    store.execute(c.AssignTask(owner="Sam", text="Check the database", timebox=MIN5))
    clock.set(clock.now() - timedelta(minutes=1))  # the clock went back
    store.execute(c.CompleteTask(number=1))
    lines = [json.loads(line) for line in store.events_path.read_bytes().splitlines()]
    assert {line["origin"] for line in lines} == {local_origin(home)}
    clocks = [tuple(line["hlc"]) for line in lines]
    assert clocks == sorted(clocks) and len(set(clocks)) == len(clocks)
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    created = next(line["id"] for line in lines if line["data"]["type"] == "task.assigned")
    assert lines[-1]["data"]["type"] == "task.done" and lines[-1]["ref"] == created


# -- accepting a peer's file --------------------------------------------------------------------


def test_a_peer_file_is_accepted_new_then_grown_then_unchanged(
    tmp_path: Path, clock: FakeClock
) -> None:
    alex, priya = _laptop(tmp_path, "alex"), _laptop(tmp_path, "priya")
    store = _declare(alex, clock)
    first = store.events_path.read_bytes()
    accepted = accept_peer_file(priya, "inc-1", local_origin(alex), first)
    assert accepted.status == "new" and accepted.created_incident and accepted.added == 2
    store.execute(c.AddLogEntry(text="Error rate at 12%"))
    grown = store.events_path.read_bytes()
    # A line still being written is left for the next round.
    accepted = accept_peer_file(priya, "inc-1", local_origin(alex), grown + b'{"v":2,"se')
    assert accepted.status == "grew" and accepted.added == 1
    assert accept_peer_file(priya, "inc-1", local_origin(alex), grown).status == "unchanged"
    there = IncidentStore.open(priya, "inc-1", read_only=True)
    assert [e.text for e in there.state.log] == ["Error rate at 12%"]
    assert [f.origin for f in list_peer_files(priya)] == [local_origin(alex)]
    assert refresh_derived(priya, "inc-1") == []
    (listed,) = list_incidents(priya)
    assert (listed.title, listed.problem) == ("Checkout errors", None)
    assert "log_entries = 1" in (there.directory / "incident.toml").read_text()
    assert [f.incident_id for f in list_local_files(alex)] == ["inc-1"]
    assert list_local_files(priya) == []
    assert not [p for p in os.listdir(there.directory / "events") if p.endswith(".part")]


def test_a_rewritten_peer_file_is_refused_naming_the_origin(
    tmp_path: Path, clock: FakeClock
) -> None:
    alex, priya = _laptop(tmp_path, "alex"), _laptop(tmp_path, "priya")
    store = _declare(alex, clock)
    store.execute(c.AddLogEntry(text="Error rate at 12%"))
    origin = local_origin(alex)
    accept_peer_file(priya, "inc-1", origin, store.events_path.read_bytes())
    kept = replica_file(priya / "incidents" / "inc-1", origin).read_bytes()
    lines = store.events_path.read_bytes().splitlines(keepends=True)
    changed = b"".join(lines[:-1]) + lines[-1].replace(b"12%", b"21%")
    with pytest.raises(PeerRefused, match=f"replica {origin}.*rewritten"):
        accept_peer_file(priya, "inc-1", origin, changed)
    assert replica_file(priya / "incidents" / "inc-1", origin).read_bytes() == kept
    # Only the start of what is here (a branch moved back on the remote): nothing to take.
    assert accept_peer_file(priya, "inc-1", origin, b"".join(lines[:-1])).status == "unchanged"
    assert replica_file(priya / "incidents" / "inc-1", origin).read_bytes() == kept


def test_this_laptops_own_file_is_never_overwritten(tmp_path: Path, clock: FakeClock) -> None:
    alex = _laptop(tmp_path, "alex")
    store = _declare(alex, clock)
    with pytest.raises(PeerRefused, match="this laptop's own file"):
        accept_peer_file(alex, "inc-1", local_origin(alex), b"")
    assert store.events_path.stat().st_size > 0


def _line(obj: dict[str, object]) -> bytes:
    body = json.dumps(obj, separators=(",", ":")).encode()
    return body[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(body)


def test_an_event_id_twice_with_different_contents_is_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    alex, priya, sam = (_laptop(tmp_path, n) for n in ("alex", "priya", "sam"))
    store = _declare(alex, clock)
    accept_peer_file(priya, "inc-1", local_origin(alex), store.events_path.read_bytes())
    # Sam's "file" repeats Alex's declaration id with another title.
    first = json.loads(store.events_path.read_bytes().splitlines()[0])
    del first["crc"]
    first["data"]["title"] = "Something else"
    first["origin"] = local_origin(sam)
    with pytest.raises(PeerRefused, match=f"replica {local_origin(sam)}.*different contents"):
        accept_peer_file(priya, "inc-1", local_origin(sam), _line(first))
    assert not replica_file(priya / "incidents" / "inc-1", local_origin(sam)).exists()


def test_a_damaged_peer_file_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    alex, priya = _laptop(tmp_path, "alex"), _laptop(tmp_path, "priya")
    store = _declare(alex, clock)
    data = store.events_path.read_bytes().replace(b"Checkout", b"Checkin!")
    with pytest.raises(PeerRefused, match="line 1 is damaged"):
        accept_peer_file(priya, "inc-1", local_origin(alex), data)
    assert not (priya / "incidents" / "inc-1").exists()  # no empty incident left behind


def test_a_grown_copy_whose_new_line_is_damaged_is_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    alex, priya = _laptop(tmp_path, "alex"), _laptop(tmp_path, "priya")
    store = _declare(alex, clock)
    accept_peer_file(priya, "inc-1", local_origin(alex), store.events_path.read_bytes())
    store.execute(c.AddLogEntry(text="Error rate at 12%"))
    grown = store.events_path.read_bytes().replace(b"12%", b"13%")
    with pytest.raises(PeerRefused, match="line 3 is damaged"):
        accept_peer_file(priya, "inc-1", local_origin(alex), grown)
    again = store.events_path.read_bytes()
    assert accept_peer_file(priya, "inc-1", local_origin(alex), again).added == 1


def test_a_first_copy_killed_part_way_leaves_nothing_and_the_next_completes(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, priya = _laptop(tmp_path, "alex"), _laptop(tmp_path, "priya")
    store = _declare(alex, clock)
    origin = local_origin(alex)
    store.execute(c.AddLogEntry(text="Error rate at 12%"))
    target = replica_file(priya / "incidents" / "inc-1", origin)

    class Killed(BaseException):
        pass

    real_rename = os.rename

    def killed(*args: object) -> None:
        raise Killed  # the process dies between writing the copy and renaming it

    monkeypatch.setattr(os, "unlink", lambda *a, **k: None)  # a killed process cleans nothing
    monkeypatch.setattr(os, "rename", killed)
    with pytest.raises(Killed):
        accept_peer_file(priya, "inc-1", origin, store.events_path.read_bytes())
    monkeypatch.undo()
    assert not target.exists()  # never a partial file in its place
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".part")]
    assert event_files(target.parent.parent) == []  # a part is never read as a log
    assert os.rename is real_rename
    done = accept_peer_file(priya, "inc-1", origin, store.events_path.read_bytes())
    assert done.status == "new" and target.read_bytes() == store.events_path.read_bytes()
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]


def test_a_growth_killed_part_way_keeps_whole_lines_and_the_next_completes(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A grown copy is appended (only its new lines are written): killed half-way through a
    line, readers see the lines before it, and the next round writes the rest over it."""
    alex, priya = _laptop(tmp_path, "alex"), _laptop(tmp_path, "priya")
    store = _declare(alex, clock)
    origin = local_origin(alex)
    accept_peer_file(priya, "inc-1", origin, store.events_path.read_bytes())
    target = replica_file(priya / "incidents" / "inc-1", origin)
    kept = target.read_bytes()
    store.execute(c.AddLogEntry(text="Error rate at 12%"))
    store.execute(c.AddLogEntry(text="Rolled back the deploy"))
    grown = store.events_path.read_bytes()
    new = grown[len(kept) :]
    torn = kept + new[: new.index(b"\n") + 1 + 20]  # one new line whole, 20 bytes of the next

    class Killed(BaseException):
        pass

    real_write = replica._write_all
    writes: list[bytes] = []

    def dies_half_way(fd: int, data: bytes) -> None:
        writes.append(data)
        if writes == [new, new]:  # checked in a file of its own first, then appended
            real_write(fd, data[: len(torn) - len(kept)])
            raise Killed
        real_write(fd, data)

    monkeypatch.setattr(os, "unlink", lambda *a, **k: None)  # a killed process cleans nothing
    monkeypatch.setattr(replica, "_write_all", dies_half_way)
    with pytest.raises(Killed):
        accept_peer_file(priya, "inc-1", origin, grown)
    monkeypatch.undo()
    assert target.read_bytes() == torn
    assert event_files(target.parent.parent) == [target]  # the checked part is never a log
    reader = IncidentStore.open(priya, "inc-1", read_only=True)
    assert [e.text for e in reader.state.log] == ["Error rate at 12%"]
    whole = torn[:-20]
    same = accept_peer_file(priya, "inc-1", origin, whole)  # a round before the peer grew again
    assert same.status == "unchanged" and target.read_bytes() == whole  # the torn part dropped
    done = accept_peer_file(priya, "inc-1", origin, grown)
    assert done.status == "grew" and done.added == 1 and target.read_bytes() == grown
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]
    reader.refresh()
    assert [e.text for e in reader.state.log] == ["Error rate at 12%", "Rolled back the deploy"]


def test_two_laptops_with_the_same_old_incident_merge_it_once(tmp_path: Path) -> None:
    """Both had a copy of an incident written before replication: each makes it its own file
    at its first write; exchanged, its old events count once."""
    alex, priya = _laptop(tmp_path, "alex"), _laptop(tmp_path, "priya")
    stores = []
    for minute, (root, who) in enumerate(((alex, "Alex"), (priya, "Priya"))):
        _legacy(root)
        clock = FakeClock(datetime(2026, 11, 20, 10, minute, tzinfo=UTC))
        store = IncidentStore.open(root, LEGACY_ID, clock=clock, actor=who)
        store.execute(c.AddLogEntry(text=f"{who} was here"))
        stores.append(store)
    for source, target in ((alex, priya), (priya, alex)):
        (mine,) = list_local_files(source)
        accept_peer_file(target, LEGACY_ID, mine.origin, mine.path.read_bytes())
    for store in stores:
        store.refresh()
        assert store.merged and store.state.merge_notices == []
        assert [e.text for e in store.state.log] == [
            "Error rate at 12% on checkout",
            "Alex was here",
            "Priya was here",
        ]
        assert store.state.tasks[1].status is TaskStatus.DONE
    assert state_body(stores[0].state) == state_body(stores[1].state)
