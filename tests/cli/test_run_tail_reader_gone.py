"""`ic run -- CMD | head` and `ic tail -f | head` stop when the reader of their output goes.

`ic run` read the command's output on after the pipe closed and threw it away: `ic run -- yes |
head -1` never ended. Now the command's own stdout is closed, so its next write ends it with
SIGPIPE, as `yes | head -1` ends; the run is logged once, whole, and `ic run` exits with the
command's status (141). `ic tail -f | head -1` on a quiet incident waited forever for an event
to write; it now notices the reader is gone, as GNU `tail -f` does, and exits 141 quietly.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from ic_console.domain import events as ev
from ic_console.store.incident import IncidentStore

from .conftest import IC, Run, ok


def _read_one_line_then_leave(
    env: dict[str, str], *argv: str, until: str = ""
) -> tuple[int, str, str]:
    """Run the real `ic`, read the first line of its stdout and close the pipe (`| head -1`):
    its exit code, that line and its stderr. Fails when it is still running 30 s later. With
    `until`, lines are read up to the one holding it first, and the pipe is closed a moment
    later (once the output it had to write is written)."""
    process = subprocess.Popen(
        [str(IC), *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        first = process.stdout.readline().decode()
        if until:
            line = first
            while until not in line:
                line = process.stdout.readline().decode()
                assert line, f"the output ended before {until!r}"
            time.sleep(1.0)  # following, with nothing more to write
        process.stdout.close()
        code = process.wait(timeout=30)
    finally:
        process.kill()
        process.wait()
    return code, first, process.stderr.read().decode()


def _actions(home: Path, incident_id: str) -> list[str]:
    events: list[ev.Event] = []
    IncidentStore.open(home, incident_id, read_only=True, on_events=events.extend)
    return [
        e.data.text
        for e in events
        if isinstance(e.data, ev.LogEntryAdded) and e.data.text.startswith("Ran `")
    ]


def test_ic_run_stops_the_command_when_the_reader_goes(
    ic: Run, env: dict[str, str], home: Path
) -> None:
    incident_id = ok(ic("new", "Checkout down")).out.strip()
    code, first, err = _read_one_line_then_leave(env, "run", "--", "yes")
    assert first == "y\n"
    assert code == 141, err  # yes ended by SIGPIPE, as in `yes | head -1`
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.strip() == f"ic: logged the command as an action on {incident_id}.", err
    (logged,) = _actions(home, incident_id)
    assert logged.startswith("Ran `yes`: killed by signal 13 (SIGPIPE: the reader of its output")
    assert logged.endswith("\ny")  # its last lines, as it printed them
    # Nothing half-written: every file ends with a whole line, and every verb reads it.
    for log in (home / "incidents" / incident_id).rglob("*.jsonl"):
        assert log.read_bytes().endswith(b"\n")
    ok(ic("show", incident_id))


def test_ic_run_copies_the_commands_stderr_after_the_reader_goes(
    ic: Run, env: dict[str, str], home: Path
) -> None:
    """The command goes on after its output's reader left (a shell whose `yes` was ended):
    its stderr still reaches ours, and the log says the reader stopped before the end."""
    incident_id = ok(ic("new", "Checkout down")).out.strip()
    code, _first, err = _read_one_line_then_leave(
        env, "run", "--", "sh", "-c", "yes; echo rolled back >&2; exit 3"
    )
    assert code == 3
    assert "rolled back" in err
    (logged,) = _actions(home, incident_id)
    assert "exit status 3" in logged
    assert "The reader of its output stopped reading before it ended." in logged


def test_ic_tail_follow_ends_when_the_reader_goes_on_a_quiet_incident(
    ic: Run, env: dict[str, str]
) -> None:
    ok(ic("new", "Checkout down"))
    code, first, err = _read_one_line_then_leave(env, "tail", "-f", until="joined the call")
    assert "Incident declared" in first
    assert (code, err) == (141, "")


def test_the_reader_check_leaves_files_and_open_pipes_alone(tmp_path: Path) -> None:
    from ic_console.cli.tail import _reader_gone

    with (tmp_path / "out.txt").open("w") as file:
        assert not _reader_gone(file)
    reader, writer = os.pipe()
    with os.fdopen(writer, "w") as pipe:
        assert not _reader_gone(pipe)
        os.close(reader)
        assert _reader_gone(pipe)
    assert not _reader_gone(object())


def test_ic_run_names_an_empty_command_it_could_not_start(
    ic: Run, env: dict[str, str], home: Path
) -> None:
    """`ic run -- "$CMD"` with CMD unset said "ic: : Permission denied."."""
    ok(ic("new", "Checkout down"))
    done = subprocess.run(
        [str(IC), "run", "--", ""],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert done.returncode == 126
    assert "ic: '': Permission denied." in done.stderr, done.stderr
