"""Issue 12, second hardening round: one test per attack, each failing before its fix."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ic_console.cli import main
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.review.metrics import compute_metrics
from ic_console.review.source import open_for_review
from ic_console.store import lock as lock_module
from ic_console.store.catalog import list_incidents
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import EventLog
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import event_files

from .conftest import INCIDENT
from .test_damaged_files import run_cli


def _make(
    home: Path, incident_id: str = INCIDENT, clock: FakeClock | None = None, title: str = ""
) -> IncidentStore:
    store = IncidentStore.create(
        home,
        cmd.Declare(incident_id=incident_id, title=title or f"Title of {incident_id}"),
        clock=clock or FakeClock(),
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    store.execute(cmd.AddLogEntry(text="first line"))
    return store


def _seqs(path: Path) -> list[int]:
    return [json.loads(line)["seq"] for line in path.read_bytes().splitlines()]


def _with_crc(obj: dict[str, object]) -> bytes:
    body = json.dumps(obj, separators=(",", ":")).encode()
    return body[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(body)


# -- a whole last event missing only its newline ---------------------------------------------------


def test_a_whole_last_event_without_its_newline_is_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    last = store.state.last_seq
    store.events_path.write_bytes(store.events_path.read_bytes()[:-1])  # truncate -s -1
    code, out, err = run_cli(home, ["show", INCIDENT])
    assert code == 0 and "first line" in out and "line end" in err
    code, _out, err = run_cli(home, ["log", INCIDENT, "after the crash"])
    assert code == 0, err
    assert _seqs(store.events_path) == list(range(1, last + 2))
    assert not list(store.directory.glob("events.torn-*"))
    source = open_for_review(home, INCIDENT)
    assert source.state.last_seq == last + 1


def test_review_includes_a_whole_last_event_without_its_newline(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    store.events_path.write_bytes(store.events_path.read_bytes()[:-1])
    source = open_for_review(home, INCIDENT)
    assert source.state.last_seq == store.state.last_seq
    assert any("line end" in notice for notice in source.notices)


# -- damaged incidents stay visible and are candidates ---------------------------------------------


@pytest.mark.parametrize("how", ["crlf", "bom", "first line"])
def test_a_damaged_incident_is_listed_and_makes_a_verb_without_id_ask(
    tmp_path: Path, how: str
) -> None:
    home = tmp_path / "home"
    _make(home, "healthy")
    damaged = _make(home, "damaged")
    data = damaged.events_path.read_bytes()
    if how == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif how == "bom":
        data = b"\xef\xbb\xbf" + data
    else:
        data = b"garbage" + data
    damaged.events_path.write_bytes(data)
    (healthy,) = event_files(home / "incidents" / "healthy")
    healthy_log = healthy.read_bytes()
    code, out, _err = run_cli(home, ["list"])
    assert code == 0 and "damaged" in out and "healthy" in out
    code, _out, err = run_cli(home, ["log", "a line meant for one of them"])
    assert code == 2 and "damaged" in err and "healthy" in err
    assert healthy.read_bytes() == healthy_log
    code, out, err = run_cli(home, ["search", "first"])
    assert "damaged" in out + err


# -- a folder whose id is not its name; one log in two folders -------------------------------------


def test_a_copied_folder_is_named_with_its_path_and_refuses_writes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    shutil.copytree(store.directory, home / "incidents" / "copy")
    infos = {info.incident_id: info for info in list_incidents(home)}
    assert set(infos) == {INCIDENT, "copy"}
    assert infos[INCIDENT].problem is None
    problem = infos["copy"].problem or ""
    assert INCIDENT in problem and "copy" in problem
    code, _out, err = run_cli(home, ["log", "copy", "x"])
    assert code == 2 and "Nothing was recorded" in err
    code, _out, err = run_cli(home, ["log", "x"])  # "name one of" can be answered
    assert code == 2 and f"{INCIDENT} (" in err and "copy (" in err
    assert run_cli(home, ["show", "copy"])[0] == 0


def test_a_log_hard_linked_into_two_folders_refuses_writes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    other = home / "incidents" / "other"
    other.mkdir(mode=0o700)
    os.link(store.events_path, other / "events.jsonl")
    before = store.events_path.read_bytes()
    code, _out, err = run_cli(home, ["log", INCIDENT, "x"])
    assert code == 2 and "hard-linked" in err
    assert store.events_path.read_bytes() == before


# -- a log cut back to a line end ------------------------------------------------------------------


def test_a_log_cut_at_a_line_end_opens_read_only_naming_both_numbers(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    while store.state.last_seq < 10:
        store.execute(cmd.AddLogEntry(text=f"entry {store.state.last_seq}"))
    lines = store.events_path.read_bytes().splitlines(keepends=True)
    store.events_path.write_bytes(b"".join(lines[:8]))
    summary = store.summary_path.read_bytes()
    code, _out, err = run_cli(home, ["show", INCIDENT])
    assert code == 0 and "records 10 events" in err and "only 8" in err
    code, _out, err = run_cli(home, ["log", INCIDENT, "x"])
    assert code == 2 and "records 10 events" in err
    assert len(store.events_path.read_bytes().splitlines()) == 8
    assert store.summary_path.read_bytes() == summary  # last_seq not silently lowered


# -- exports ---------------------------------------------------------------------------------------


def test_an_export_onto_the_incidents_own_log_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    before = store.events_path.read_bytes()
    code, _out, err = run_cli(home, ["export", INCIDENT, "-o", str(store.events_path)])
    assert code == 2 and "Refusing to write" in err and store.events_path.name in err
    assert store.events_path.read_bytes() == before
    copy = tmp_path / "copy"
    shutil.copytree(store.directory, copy)
    own = copy / store.events_path.relative_to(store.directory)
    code, _out, err = run_cli(home, ["export", str(copy), "-o", str(own)])
    assert code == 2 and own.read_bytes() == before


def test_a_failed_export_leaves_the_previous_file_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    _make(home)
    target = tmp_path / "report.md"
    target.write_text("last week's export\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, _out, err = run_cli(home, ["export", INCIDENT, "-o", str(target)])
    monkeypatch.undo()
    # A full disk is a file that cannot be written: exit 1, as the README's table says.
    assert code == 1 and str(target) in err and "No space left" in err
    assert "incident files" not in err
    assert target.read_text() == "last week's export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "report.md"]
    code, _out, err = run_cli(home, ["postmortem", INCIDENT, "-o", str(tmp_path / "no" / "x.md")])
    assert code == 1 and "x.md" in err


# -- clock steps backwards -------------------------------------------------------------------------


def test_a_clock_stepped_back_gives_no_negative_duration_and_one_notice(tmp_path: Path) -> None:
    home = tmp_path / "home"
    clock = FakeClock()
    store = _make(home, clock=clock)
    clock.advance(600)
    store.execute(cmd.AddLogEntry(text="before the step"))
    clock.advance(-3600)
    store.execute(cmd.Resolve())
    store.execute(cmd.AddLogEntry(text="still behind"))
    told = [n for n in store.notices if "clock" in n.message]
    assert len(told) == 1 and store.clock_went_back
    source = open_for_review(home, INCIDENT)
    metrics = compute_metrics(source.events, state=source.state)
    for value in (metrics.to_resolution, metrics.total_duration):
        assert value is not None and value >= timedelta(0)
    code, out, _err = run_cli(home, ["postmortem", INCIDENT])
    assert code == 0 and "-50m" not in out and "-1h" not in out


# -- readers survive a year-9999 event -------------------------------------------------------------


def test_readers_survive_an_event_dated_9999(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    event = {
        "v": 1,
        "seq": store.state.last_seq + 1,
        "id": "e" * 32,
        "at": "9999-12-31T23:59:59Z",
        "actor": "Alex",
        "role": None,
        "data": {"type": "log.added", "text": "far future", "kind": "note"},
    }
    with open(store.events_path, "ab") as handle:
        handle.write(_with_crc(event))
    for argv in (
        ["show", INCIDENT],
        ["show", INCIDENT, "--json"],
        ["list", "--json", "--all"],
        ["export", INCIDENT, "--format", "json"],
        ["postmortem", INCIDENT],
    ):
        code, _out, err = run_cli(home, argv)
        assert code == 0, (argv, err)
        assert "out of range" in err or argv[0] == "list"


# -- names from the disk, arguments, locks ---------------------------------------------------------


def test_search_prints_a_crafted_folder_name_literally(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    crafted = home / "incidents" / "x\x1b]0;pwned\x07"
    shutil.copytree(store.directory, crafted)
    (crafted / "incident.toml").unlink()  # so the folder's own name is what gets reported
    _code, out, err = run_cli(home, ["search", "first"])
    assert "\x1b" not in out + err and "\x07" not in out + err


def test_invalid_utf8_in_an_argument_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    _make(home)
    bad = b"bad \xff text".decode("utf-8", "surrogateescape")
    for argv in (["log", INCIDENT, bad], ["--as", bad, "log", INCIDENT, "x"], ["new", bad]):
        assert main(["--home", str(home), *argv]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "UTF-8" in err


def test_a_stuck_lock_holder_is_named_and_nothing_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    store = _make(home)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.ftruncate(fd, 0); os.write(fd, b'%d\\n' % os.getpid())\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
            str(store.lock_path),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        monkeypatch.setattr(lock_module, "LOCK_WAIT", 0.3)
        before = store.events_path.read_bytes()
        code, out, _err = run_cli(home, ["show", INCIDENT])  # reads take no lock
        assert code == 0 and "first line" in out
        code, _out, err = run_cli(home, ["log", INCIDENT, "x"])
        assert code == 2 and f"pid {holder.pid}" in err and "nothing was recorded" in err
        assert store.events_path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


def test_new_builds_the_incident_under_a_temporary_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash before the first event is durable leaves no folder that blocks the id."""
    home = tmp_path / "home"
    seen: list[bool] = []
    original = EventLog.append

    def crash(self: EventLog, events: object) -> None:
        seen.append((home / "incidents" / "x").exists())
        raise KeyboardInterrupt  # as good as a kill for what is on disk

    monkeypatch.setattr(EventLog, "append", crash)
    with pytest.raises(KeyboardInterrupt):
        IncidentStore.create(home, cmd.Declare(incident_id="x", title="t"), actor="Alex")
    assert seen == [False]
    monkeypatch.setattr(EventLog, "append", original)
    assert list_incidents(home) == []
    store = IncidentStore.create(home, cmd.Declare(incident_id="x", title="t"), actor="Alex")
    assert store.directory == home / "incidents" / "x" and store.events_path.is_file()
    store.execute(cmd.AddLogEntry(text="works after the rename"))
    assert _seqs(store.events_path)[-1] == store.state.last_seq


def test_a_half_made_folder_from_an_older_crash_is_explained(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = home / "incidents" / "x"
    folder.mkdir(parents=True, mode=0o700)
    (folder / "events.jsonl").write_bytes(b"")
    with pytest.raises(StoreError, match="holds no incident"):
        IncidentStore.create(home, cmd.Declare(incident_id="x", title="t"), actor="Alex")


def test_stale_summary_temp_files_are_removed_on_the_next_write(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _make(home)
    stale = store.directory / ".incident.dead.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    fresh = store.directory / ".incident.live.tmp"
    fresh.write_bytes(b"being written right now")
    store.execute(cmd.AddLogEntry(text="x"))
    assert not stale.exists() and fresh.exists()


def test_export_prefers_the_incident_over_a_folder_of_that_name_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    _make(home)
    decoy_home = tmp_path / "decoy-home"
    decoy = _make(decoy_home, title="The decoy")
    workdir = tmp_path / "work"
    workdir.mkdir()
    shutil.copytree(decoy.directory, workdir / INCIDENT)
    monkeypatch.chdir(workdir)
    code, out, err = run_cli(home, ["export", INCIDENT, "--format", "json"])
    assert code == 0 and f"./{INCIDENT}" in err and "not the folder" in err
    assert json.loads(out)["incident"]["title"] == f"Title of {INCIDENT}"
    code, out, err = run_cli(home, ["export", f"./{INCIDENT}", "--format", "json"])
    assert code == 0 and json.loads(out)["incident"]["title"] == "The decoy"
    shutil.rmtree(home / "incidents" / INCIDENT)
    code, out, err = run_cli(home, ["export", INCIDENT, "--format", "json"])
    assert code == 0 and json.loads(out)["incident"]["title"] == "The decoy"
    assert "reading the folder" in err


# -- one store shared between threads --------------------------------------------------------------


def test_one_store_shared_between_threads_never_reports_false_damage(tmp_path: Path) -> None:
    home = tmp_path / "home"
    writer = _make(home)
    shared = IncidentStore.open(home, INCIDENT, read_only=True)
    done = threading.Event()
    errors: list[BaseException] = []

    def follow() -> None:
        try:
            while not done.is_set():
                shared.refresh()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=follow) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for n in range(150):
            writer.execute(cmd.AddLogEntry(text=f"line {n} " + "x" * 200))
    finally:
        done.set()
        for thread in threads:
            thread.join()
    shared.refresh()
    assert not errors
    assert shared.damaged is None
    assert shared.state.last_seq == writer.state.last_seq


def test_export_into_a_pipe_or_through_a_link_keeps_them(tmp_path: Path) -> None:
    """`-o /dev/null` once replaced /dev/null with a regular file (renamed over it)."""
    from ic_console.cli.review import write_file_atomically

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_file_atomically(fifo, b"exported\n")
    reader.join(5)
    assert received == [b"exported\n"]
    assert fifo.is_fifo()

    target = tmp_path / "real.md"
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_file_atomically(link, b"new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_summary_written_by_another_terminal_after_our_read_is_not_a_cut_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writers: one read the log, the other appended and rewrote incident.toml, then the
    first compared the summary with what it had read and called the log cut short (seen once
    in the racing-writers test). Here the other terminal writes just as the summary is read."""
    from ic_console.store import recovery
    from ic_console.store.eventlog import EventLog
    from ic_console.store.incident import IncidentStore

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    clock = FakeClock(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    first = IncidentStore.create(
        home, cmd.Declare(incident_id="race", title="Race"), clock=clock, actor="Alex"
    )
    read_to, state = first.log.offset, first.state
    read_summary = recovery.read_summary

    def other_terminal_writes_first(path: Path) -> object:
        monkeypatch.setattr(recovery, "read_summary", read_summary)  # once
        other = IncidentStore.open(home, "race", clock=clock, actor="Sam")
        other.execute(cmd.AddLogEntry(text="appended and summarised in between"))
        return read_summary(path)

    monkeypatch.setattr(recovery, "read_summary", other_terminal_writes_first)
    log = EventLog(first.events_path)
    assert recovery.folder_contradiction(first.directory, state, log, read_to=read_to) is None
