"""The real `ic` in a real terminal: tmux runs it detached at a fixed size, we type, we look.

Proves the console starts outside the test harness, draws, and records a log line on disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.console import wait_for as shared_wait_for
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore

from .conftest import stored

pytestmark = pytest.mark.tmux

IC = Path(sys.executable).parent / "ic"


def wait_for(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    try:
        shared_wait_for(check, timeout=timeout, every=0.1)
    except AssertionError:
        raise AssertionError(f"gave up waiting for {what}") from None


def test_real_ic_takes_a_log_line(tmux: Callable[..., str], home: Path, tmp_path: Path) -> None:
    assert IC.exists(), f"{IC} is missing: install the project into this environment"
    store = IncidentStore.create(
        home, cmd.Declare(incident_id="tmux-check", title="Real terminal check"), actor="Alex"
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    environment = {
        "IC_CONSOLE_HOME": str(home),
        "IC_CONSOLE_USER": "Alex",
        "IC_CONSOLE_CONFIG": str(tmp_path / "no-config.toml"),
        "TERM": "xterm-256color",
    }
    exports = [f"-e{key}={value}" for key, value in environment.items()]
    tmux(
        "new-session", "-d", "-s", "ic", "-x", "100", "-y", "30", *exports, f"{IC} open tmux-check"
    )

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "ic")

    wait_for(lambda: "Scribe log" in screen() and "Real terminal check" in screen(), "the console")
    # One write, as fast typing delivers it: the console keeps the keys in order.
    tmux("send-keys", "-t", "ic", "-H", *(f"{b:02x}" for b in b"ltyped in a real terminal\r"))

    def on_disk() -> bool:
        return any(
            isinstance(e.data, ev.LogEntryAdded) and e.data.text == "typed in a real terminal"
            for e in stored(home, "tmux-check")
        )

    wait_for(on_disk, "the log line in events.jsonl")
    wait_for(lambda: "typed in a real terminal" in screen(), "the log line on screen")
    tmux("send-keys", "-t", "ic", "C-q")


def test_deputy_view_follows_another_process(
    tmux: Callable[..., str], home: Path, tmp_path: Path
) -> None:
    """`ic watch` in a real terminal shows what a second process (the IC's `ic log`) records."""
    store = IncidentStore.create(
        home, cmd.Declare(incident_id="two-procs", title="Two processes"), actor="Alex"
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    store.execute(cmd.AssignRole(role=Role.DEPUTY, name="Priya"))
    environment = {
        "IC_CONSOLE_HOME": str(home),
        "IC_CONSOLE_CONFIG": str(tmp_path / "no-config.toml"),
        "TERM": "xterm-256color",
    }
    exports = [f"-e{key}={value}" for key, value in environment.items()]
    tmux(
        "new-session", "-d", "-s", "dep", "-x", "100", "-y", "30", *exports,
        f"{IC} --as Priya watch two-procs",
    )  # fmt: skip

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "dep")

    wait_for(lambda: "Incident clock" in screen() and "Chase now" in screen(), "the Deputy's view")
    writer = subprocess.run(
        [str(IC), "--as", "Alex", "log", "two-procs", "written by another process"],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert writer.returncode == 0, writer.stderr
    wait_for(lambda: "written by another process" in screen(), "the other process's line")
    tmux("send-keys", "-t", "dep", "-H", *(f"{b:02x}" for b in b"fcheck the retry budget\r"))

    def followup_on_disk() -> bool:
        return any(
            isinstance(e.data, ev.LogEntryAdded)
            and e.data.text == "check the retry budget"
            and e.data.kind.value == "followup"
            and e.actor == "Priya"
            and e.role is Role.DEPUTY
            for e in stored(home, "two-procs")
        )

    wait_for(followup_on_disk, "the Deputy's follow-up in events.jsonl")
    tmux("send-keys", "-t", "dep", "C-q")
