"""Hunt 5 in a real terminal (tmux at 80x24): what a bridge call does to the console.

A paste from the terminal's clipboard (tmux `paste-buffer -p`, a bracketed paste, as a terminal
sends Ctrl+Shift+V): several lines of a coloured log go into the log line whole, without the
colour codes, and nothing of it runs as keys.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from helpers.console import wait_for
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore

from .conftest import stored

pytestmark = pytest.mark.tmux

IC = Path(sys.executable).parent / "ic"


def open_console(tmux: Callable[..., str], home: Path, tmp_path: Path, incident: str) -> None:
    environment = {
        "IC_CONSOLE_HOME": str(home),
        "IC_CONSOLE_USER": "Alex",
        "IC_CONSOLE_CONFIG": str(tmp_path / "no-config.toml"),
        "TERM": "xterm-256color",
        "TZ": "UTC",
    }
    exports = [f"-e{key}={value}" for key, value in environment.items()]
    tmux("new-session", "-d", "-s", "ic", "-x", "80", "-y", "24", *exports, f"{IC} open {incident}")


def screen(tmux: Callable[..., str]) -> str:
    return tmux("capture-pane", "-p", "-t", "ic")


def see(tmux: Callable[..., str], check: Callable[[], bool], what: str) -> None:
    try:
        wait_for(check, timeout=30, every=0.1)
    except AssertionError:
        raise AssertionError(f"never saw {what}:\n{screen(tmux)}") from None


def test_a_pasted_coloured_log_goes_into_the_log_line_whole(
    tmux: Callable[..., str], home: Path, tmp_path: Path
) -> None:
    assert IC.exists(), f"{IC} is missing: install the project into this environment"
    store = IncidentStore.create(
        home, cmd.Declare(incident_id="paste", title="Paste check"), actor="Alex"
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    store.execute(cmd.AssignTask(owner="Sam", text="check the pool", timebox=timedelta(minutes=30)))
    open_console(tmux, home, tmp_path, "paste")
    see(tmux, lambda: "Paste check" in screen(tmux) and "#1" in screen(tmux), "the console")
    clip = tmp_path / "clipboard.txt"
    # Three lines of a log with colour codes, and a "d" after a code: read as keys it was the
    # text after the code typed ahead of the paste, an Enter, and task 1 marked done.
    clip.write_bytes(b"14:02 pool at 85%\n\x1b[31mERROR\x1b[0m retries\nd\n")
    tmux("load-buffer", "-b", "clip", str(clip))
    tmux("send-keys", "-t", "ic", "l")
    see(tmux, lambda: "Enter saves" in screen(tmux) or "Kind:" in screen(tmux), "the log line")
    tmux("paste-buffer", "-p", "-b", "clip", "-t", "ic")
    see(tmux, lambda: "14:02 pool at 85% ERROR retries d" in screen(tmux), "the pasted lines")
    tmux("send-keys", "-t", "ic", "Enter")

    def on_disk() -> list[str]:
        return [e.data.text for e in stored(home, "paste") if isinstance(e.data, ev.LogEntryAdded)]

    see(tmux, lambda: bool(on_disk()), "the entry on disk")
    assert on_disk() == ["14:02 pool at 85% ERROR retries d"]
    state = IncidentStore.open(home, "paste", read_only=True).state
    assert state.tasks[1].is_open
    tmux("send-keys", "-t", "ic", "C-q")
