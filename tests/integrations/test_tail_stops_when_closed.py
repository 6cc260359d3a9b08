"""`ic tail -f` stops once the incident is closed: nothing more can be recorded on a closed
incident, yet the follower kept polling forever (a bot bridging the incident to chat never
ended). It prints what is left, one line saying why it stopped, and exits 0. A resolved
incident is still followed: follow-ups, the postmortem owner and a reopen come after it."""

from __future__ import annotations

import json
import subprocess
import time
from typing import IO

from .conftest import Ic, ic_process, ok


def _declare(ic: Ic) -> str:
    return ok(ic("new", "Checkout errors in EU", "--sev", "1")).out.strip()


def _line(stream: IO[bytes], timeout: float = 20) -> str:
    """The next line, or a failure naming the wait (never a test that hangs); the stream is
    unbuffered (bufsize=0), so what select sees is all there is."""
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        assert selector.select(timeout), "no line from ic tail -f"
    return stream.readline().decode("utf-8")


def test_tail_follows_past_resolve_and_stops_when_closed(ic: Ic) -> None:
    incident_id = _declare(ic)
    follower = ic_process(
        ic.home,
        "tail",
        incident_id,
        "-f",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    try:
        assert follower.stdout is not None
        assert "declared" in _line(follower.stdout).lower()
        assert "joined the call" in _line(follower.stdout)
        ok(ic("resolve", incident_id))
        assert "resolved" in _line(follower.stdout).lower()
        ok(ic("log", incident_id, "Priya owns the postmortem"))
        assert "Priya owns the postmortem" in _line(follower.stdout)
        assert follower.poll() is None  # resolved: still following
        ok(ic("close", incident_id))
        out, err = follower.communicate(timeout=20)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0, err
    lines = out.decode("utf-8").splitlines()
    assert "closed" in lines[0].lower()  # the close event itself, printed before stopping
    assert lines[1:] == [
        f"Incident {incident_id} is closed: nothing more will be recorded, so ic tail stopped."
    ]
    assert err == b""


def test_tail_follow_on_a_closed_incident_prints_it_and_stops_at_once(ic: Ic) -> None:
    incident_id = _declare(ic)
    ok(ic("resolve", incident_id))
    ok(ic("close", incident_id))
    started = time.monotonic()
    done = subprocess.run(
        [*ic_process_argv(ic), "tail", incident_id, "-f"],
        capture_output=True,
        timeout=30,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 15
    lines = done.stdout.splitlines()
    assert len(lines) == 5  # declared, joined, resolved, closed, and why it stopped
    assert lines[-1].endswith("is closed: nothing more will be recorded, so ic tail stopped.")


def test_tail_follow_json_keeps_stdout_json_and_says_why_on_stderr(ic: Ic) -> None:
    incident_id = _declare(ic)
    ok(ic("resolve", incident_id))
    follower = ic_process(
        ic.home,
        "tail",
        incident_id,
        "-f",
        "--json",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    try:
        assert follower.stdout is not None
        for _ in range(3):  # declared, joined, resolved
            _line(follower.stdout)
        ok(ic("close", incident_id))
        out, err = follower.communicate(timeout=20)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0
    (last,) = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    assert last["data"]["type"] == "incident.closed"
    assert err.decode("utf-8") == (
        f"ic: incident {incident_id} is closed: nothing more will be recorded, so ic tail "
        "stopped.\n"
    )


def ic_process_argv(ic: Ic) -> list[str]:
    import sys

    return [sys.executable, "-m", "ic_console", "--home", str(ic.home)]
