"""Disk full and read-only file systems, injected at the write (see `faults.py`).

What must hold: the log never gets a partial line, a refused write leaves the log byte for byte
as it was, the person is told in one clear line (CLI) or beside what they typed (console), what
they typed stays so it can be retried, and it succeeds once space is back.

A failed fsync after a whole line was written is the tricky case. The store treats it as "not
recorded": it cuts the log back to where it ended and raises, because the person is told the
line was not saved and will retry; had the line stayed, the retry would record it twice, and
after a failed fsync the kernel may have dropped the page anyway.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from ic_console.cli import main
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.store.summary import read_summary

from .conftest import INCIDENT, console, drive, stored
from .faults import EIO, ENOSPC, EROFS, DiskFaults


@pytest.fixture
def faults(incident: IncidentStore, monkeypatch: pytest.MonkeyPatch) -> DiskFaults:
    return DiskFaults(monkeypatch, incident.directory)


def _seqs(store: IncidentStore) -> list[int]:
    return [e.seq for e in stored(store.directory.parent.parent, INCIDENT)]


@pytest.mark.parametrize(
    "fault",
    ["short write", "write ENOSPC", "write EROFS", "fsync ENOSPC", "fsync EIO", "open EROFS"],
)
def test_a_failed_append_leaves_the_log_exactly_as_it_was(
    incident: IncidentStore, faults: DiskFaults, fault: str
) -> None:
    before = incident.events_path.read_bytes()
    last = incident.state.last_seq
    kind, name = fault.split()
    if kind == "short":
        faults.short_write = 37  # part of the first line only
    else:
        setattr(faults, f"{kind}_errno", {"ENOSPC": ENOSPC, "EROFS": EROFS, "EIO": EIO}[name])
    # A multi-event command (a new owner joins, then gets the task) must vanish as a whole.
    with pytest.raises(OSError) as caught:
        incident.execute(
            cmd.AssignTask(owner="Sam", text="check disk", timebox=timedelta(minutes=5))
        )
    assert caught.value.strerror
    assert incident.events_path.read_bytes() == before
    assert incident.state.last_seq == last and not incident.state.tasks
    faults.off()
    incident.execute(cmd.AssignTask(owner="Sam", text="check disk", timebox=timedelta(minutes=5)))
    reopened = IncidentStore.open(incident.directory.parent.parent, INCIDENT)
    assert not reopened.read_only and not reopened.notices
    assert [t.text for t in reopened.state.tasks.values()] == ["check disk"]  # once, not twice
    assert reopened.state.last_seq == last + 2
    assert _seqs(incident) == list(range(1, last + 3))


def test_a_summary_that_cannot_be_written_is_told_but_the_event_is_kept(
    incident: IncidentStore, faults: DiskFaults
) -> None:
    summary_before = incident.summary_path.read_bytes()
    faults.calls.clear()
    faults.open_errno = ENOSPC  # the temp file for incident.toml cannot be created
    faults.open_only = ".incident."
    incident.execute(cmd.AddLogEntry(text="kept even if the summary is not"))
    assert faults.calls == ["write", "open"]  # the log line, then the refused summary
    assert incident.state.log[-1].text == "kept even if the summary is not"
    assert any("could not be rewritten" in n.message for n in incident.notices)
    assert incident.summary_path.read_bytes() == summary_before
    assert not list(incident.directory.glob(".incident.*.tmp"))
    faults.off()
    reopened = IncidentStore.open(incident.directory.parent.parent, INCIDENT)
    summary = read_summary(reopened.summary_path)
    assert summary is not None and summary["last_seq"] == reopened.state.last_seq


@pytest.mark.parametrize("errno_", [ENOSPC, EROFS])
def test_the_cli_answers_one_clear_line_and_succeeds_once_space_is_back(
    home: Path,
    incident: IncidentStore,
    faults: DiskFaults,
    capsys: pytest.CaptureFixture[str],
    errno_: int,
) -> None:
    before = incident.events_path.read_bytes()
    faults.short_write = 10 if errno_ == ENOSPC else None
    faults.write_errno = None if errno_ == ENOSPC else errno_
    code = main(["log", INCIDENT, "the disk is full"])
    out, err = capsys.readouterr()
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("ic: "), err
    assert ("No space left" if errno_ == ENOSPC else "Read-only file system") in err
    assert "Traceback" not in err and out == ""
    assert incident.events_path.read_bytes() == before
    faults.off()
    assert main(["log", INCIDENT, "the disk is full"]) == 0
    texts = [e.data.text for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]
    assert texts == ["the disk is full"]


def test_the_cli_on_a_read_only_directory_that_cannot_even_be_locked(
    home: Path, incident: IncidentStore, faults: DiskFaults, capsys: pytest.CaptureFixture[str]
) -> None:
    before = incident.events_path.read_bytes()
    faults.open_errno = EROFS
    code = main(["task", INCIDENT, "assign", "Sam", "check the disk", "--in", "5m"])
    _, err = capsys.readouterr()
    assert code != 0 and err.count("\n") == 1 and "Read-only file system" in err, err
    assert incident.events_path.read_bytes() == before
    # Reading still works on a read-only file system.
    faults.off()
    faults.write_errno = EROFS
    assert main(["show", INCIDENT]) == 0


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_the_console_keeps_a_log_line_it_could_not_write_and_saves_it_later(
    home: Path, clock: FakeClock, incident: IncidentStore, faults: DiskFaults
) -> None:
    typed = "rolled back deploy 4411"

    async def scenario(pilot: Pilot[int]) -> None:
        before = incident.events_path.read_bytes()
        faults.short_write = 5
        await pilot.press("l")
        await pilot.press(*typed)
        await pilot.press("enter")
        await pilot.pause()
        field = pilot.app.screen.query_one("#log-text", Input)
        assert field.value == typed
        hint = str(pilot.app.screen.query_one("#log-hint", Label).render())
        assert "No space left on device" in hint, hint
        assert incident.events_path.read_bytes() == before
        faults.off()
        await pilot.press("enter")
        await pilot.pause()
        assert field.value == ""

    drive(console(home, clock), scenario)
    texts = [e.data.text for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]
    assert texts == [typed]


def test_the_console_keeps_a_form_it_could_not_write_and_saves_it_later(
    home: Path, clock: FakeClock, incident: IncidentStore, faults: DiskFaults
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        faults.fsync_errno = EROFS
        await pilot.press("t")
        await pilot.pause()
        form = pilot.app.screen
        form.query_one("#field-owner", Input).value = "Sam"
        form.query_one("#field-text", Input).value = "free up disk space"
        form.query_one("#field-timebox", Input).value = "10m"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form, "the form closed although nothing was written"
        error = str(form.query_one("#form-error", Label).render())
        assert "Read-only file system" in error, error
        assert form.query_one("#field-text", Input).value == "free up disk space"
        faults.off()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is not form

    drive(console(home, clock), scenario)
    tasks = [e.data for e in stored(home) if isinstance(e.data, ev.TaskAssigned)]
    assert [(t.owner, t.text) for t in tasks] == [("Sam", "free up disk space")]
