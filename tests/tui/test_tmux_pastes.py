"""In a real terminal at 80x24: a bracketed paste of two lines into the palette's search and the
runbooks' search keeps both lines (it kept the first), and a closed incident's log line says
it is closed instead of offering to save a line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ic_console.domain import commands as cmd
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore

from .test_tmux_hunt5 import IC, open_console, screen, see

pytestmark = pytest.mark.tmux


def _paste(tmux: Callable[..., str], tmp_path: Path, text: bytes) -> None:
    clip = tmp_path / "clipboard.txt"
    clip.write_bytes(text)
    tmux("load-buffer", "-b", "clip", str(clip))
    tmux("paste-buffer", "-p", "-b", "clip", "-t", "ic")


def test_pastes_of_two_lines_into_the_palette_and_runbook_search(
    tmux: Callable[..., str], home: Path, tmp_path: Path
) -> None:
    assert IC.exists(), f"{IC} is missing: install the project into this environment"
    store = IncidentStore.create(
        home, cmd.Declare(incident_id="paste", title="Paste check"), actor="Alex"
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    open_console(tmux, home, tmp_path, "paste")
    see(tmux, lambda: "Paste check" in screen(tmux), "the console")
    tmux("send-keys", "-t", "ic", "C-p")
    see(tmux, lambda: "Search for commands" in screen(tmux), "the palette")
    _paste(tmux, tmp_path, b"change\nseverity\n")
    see(tmux, lambda: "change severity" in screen(tmux), "both lines in the palette's search")
    tmux("send-keys", "-t", "ic", "Escape")
    see(tmux, lambda: "Search for commands" not in screen(tmux), "the palette closed")
    tmux("send-keys", "-t", "ic", "b")
    see(tmux, lambda: "Search the runbooks" in screen(tmux), "the runbooks")
    tmux("send-keys", "-t", "ic", "/", "x")  # "x": seen once the search has the focus
    see(tmux, lambda: "▊  x" in screen(tmux), "the search focused")
    _paste(tmux, tmp_path, b"database\r\nfailover\n")
    see(tmux, lambda: "xdatabase failover" in screen(tmux), "both lines in the runbook search")
    tmux("send-keys", "-t", "ic", "Escape", "Escape", "C-q")


def test_a_closed_incidents_log_line_says_it_is_closed(
    tmux: Callable[..., str], home: Path, tmp_path: Path
) -> None:
    store = IncidentStore.create(
        home, cmd.Declare(incident_id="shut", title="Closed check"), actor="Alex"
    )
    store.execute(cmd.Resolve())
    store.execute(cmd.Close())
    open_console(tmux, home, tmp_path, "shut")
    see(tmux, lambda: "CLOSED" in screen(tmux), "the console")
    tmux("send-keys", "-t", "ic", "2")
    see(
        tmux,
        lambda: "Closed: nothing more can be recorded here" in screen(tmux),
        "the closed log line",
    )
    assert "Enter saves" not in screen(tmux) and "Log a line" not in screen(tmux)
    tmux("send-keys", "-t", "ic", "C-q")
