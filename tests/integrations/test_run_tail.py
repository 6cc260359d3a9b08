"""`ic run` records what was done at the keyboard; `ic tail` gives the events to bots; and
`ic log --stdin` takes a monitor's lines as they come. The streams are real processes here."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from ic_console.cli.run_command import RUN_TAIL_CHARS, clean_output
from ic_console.domain.model import LogKind
from ic_console.store.incident import IncidentStore

from .conftest import Ic, ic_process, json_lines, ok, refused, wait_for


def _declare(ic: Ic) -> str:
    return ok(ic("new", "Checkout errors in EU", "--sev", "1")).out.strip()


def _log(home: Path, incident_id: str) -> list[tuple[LogKind, str]]:
    state = IncidentStore.open(home, incident_id, read_only=True).state
    return [(entry.kind, entry.text) for entry in state.log]


# -- ic run ---------------------------------------------------------------------------------


SCRIPT = (
    "for i in $(seq 1 30); do echo line $i; done; sleep 0.5; "
    "echo oops >&2; sleep 0.5; printf '\\033[31mred\\033[0m bell\\a\\n'; exit 3"
)


def test_run_streams_output_exits_with_its_status_and_logs_an_action(ic: Ic) -> None:
    incident_id = _declare(ic)
    done = subprocess.run(
        [*_ic(ic), "run", incident_id, "--", "sh", "-c", SCRIPT],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert b"line 1\n" in done.stdout and b"line 30\n" in done.stdout
    assert b"\x1b[31mred" in done.stdout  # the terminal gets the output as the command wrote it
    assert b"oops" in done.stderr
    kind, text = _log(ic.home, incident_id)[-1]
    assert kind is LogKind.ACTION
    first = text.splitlines()[0]
    assert first.startswith("Ran `sh -c ") and "exit status 3 after " in first
    kept = text.split("Last lines of output:\n", 1)[1].splitlines()
    assert len(kept) == 20
    # Both streams, in the order they were written, cleaned of escapes and the bell.
    assert kept[-3:] == ["line 30", "oops", "red bell"]
    assert kept[0] == "line 13"
    assert "\x1b" not in text and "\x07" not in text


def test_run_a_missing_command_is_logged_with_127(ic: Ic) -> None:
    incident_id = _declare(ic)
    done = subprocess.run(
        [*_ic(ic), "run", "--", "no-such-command-ic-test"], capture_output=True, timeout=60
    )
    assert done.returncode == 127
    assert b"no-such-command-ic-test" in done.stderr
    assert "could not start" in _log(ic.home, incident_id)[-1][1]


def test_run_needs_the_double_dash_and_a_known_incident(ic: Ic) -> None:
    _declare(ic)
    refused(ic("run", "ls"), "Put -- before the command")
    refused(ic("run", "--"), "Say which command")
    refused(ic("run", "a", "b", "--", "ls"), "only the incident id")
    result = ic("run", "no-such-incident", "--", "touch", str(ic.tmp / "ran"))
    assert result.code == 2
    assert not (ic.tmp / "ran").exists()  # nothing runs for an unknown incident


def test_output_is_bounded_and_cleaned() -> None:
    noisy = "\n".join("x" * 1000 for _ in range(20))
    cleaned = clean_output(noisy)
    assert len(cleaned) <= RUN_TAIL_CHARS
    assert clean_output("a\x1b]0;title\x07b\x1b[2Jc\rd\x00e") == "abc\nde"


def _ic(ic: Ic) -> list[str]:
    import sys

    return [sys.executable, "-m", "ic_console", "--home", str(ic.home)]


# -- ic tail --------------------------------------------------------------------------------


def test_tail_prints_human_lines_and_json_with_a_stable_shape(ic: Ic) -> None:
    incident_id = _declare(ic)
    ok(ic("role", "ic", "Alex"))
    ok(ic("task", "assign", "Sam", "check the replica", "--in", "5m"))
    human = ok(ic("tail", incident_id)).out.splitlines()
    assert human[0] == (
        "#1 2026-11-23 14:00:00 UTC Alex: Incident declared as SEV-1: Checkout errors in EU"
    )
    assert any("Task 1 assigned to Sam" in line or "check the replica" in line for line in human)
    records = json_lines(ok(ic("tail", incident_id, "--json")).out)
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    # Only ever gains fields (the README's promise): replicated lines add origin, hlc and ref.
    assert set(records[0]) >= {"incident", "v", "seq", "id", "at", "actor", "role", "data"}
    assert records[0]["incident"] == incident_id
    assert records[0]["data"] == {
        "type": "incident.declared",
        "incident_id": incident_id,
        "title": "Checkout errors in EU",
        "severity": 1,
    }
    since = json_lines(ok(ic("tail", "--json", "--since", "3")).out)
    assert [r["seq"] for r in since] == [r["seq"] for r in records if r["seq"] > 3]
    refused(ic("tail", "--since", "three"), "not a sequence number")


def test_tail_follow_prints_events_as_another_process_records_them(ic: Ic) -> None:
    incident_id = _declare(ic)
    follower = ic_process(
        ic.home, "tail", incident_id, "-f", "--json", "--since", "1", stdout=subprocess.PIPE
    )
    try:
        assert follower.stdout is not None
        first = json.loads(follower.stdout.readline())
        assert first["seq"] == 2  # resumed after seq 1
        ok(ic("log", "noticed the error rate dropping"))
        line = json.loads(follower.stdout.readline())
        assert line["data"]["text"] == "noticed the error rate dropping"
        assert line["data"]["type"] == "log.added"
    finally:
        follower.terminate()
        follower.wait(timeout=10)


# -- ic log --stdin, streaming ------------------------------------------------------------------


def test_log_stdin_logs_each_line_as_a_monitor_sends_it(ic: Ic) -> None:
    incident_id = _declare(ic)
    writer = ic_process(ic.home, "log", "--stdin", incident_id, stdin=subprocess.PIPE)
    try:
        assert writer.stdin is not None
        writer.stdin.write(b"disk at 91%\n")
        writer.stdin.flush()
        assert wait_for(lambda: (LogKind.NOTE, "disk at 91%") in _log(ic.home, incident_id))
        time.sleep(0.1)
        writer.stdin.write(b"disk at 95%\n")
        writer.stdin.close()
        assert writer.wait(timeout=30) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
    assert _log(ic.home, incident_id)[-1] == (LogKind.NOTE, "disk at 95%")
