"""Hunt 6 in a real terminal (tmux at 80x24): bots close the task under the IC's cursor while
the IC types "down" and "d" together, as one burst. The key must not close a task the IC never
saw under the cursor; it says which task is there now."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore

from .conftest import stored
from .test_tmux_hunt5 import IC, open_console, screen, see

pytestmark = pytest.mark.tmux


def test_down_d_typed_as_the_bots_close_the_task_closes_nothing_unseen(
    tmux: Callable[..., str], home: Path, tmp_path: Path
) -> None:
    assert IC.exists(), f"{IC} is missing: install the project into this environment"
    store = IncidentStore.create(home, cmd.Declare(incident_id="bots", title="Bots"), actor="Alex")
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    for minutes, owner in [(5, "Sam"), (10, "Mei"), (15, "Kai"), (20, "Dana")]:
        store.execute(
            cmd.AssignTask(owner=owner, text=f"{owner}'s task", timebox=timedelta(minutes=minutes))
        )
    open_console(tmux, home, tmp_path, "bots")
    see(tmux, lambda: "#4  Dana" in screen(tmux), "the task board")
    tmux("send-keys", "-t", "ic", "Down")  # the cursor on task 2 (Mei)
    # A bot closes task 2, as `ic task done 2` from a chat bot does.
    done = subprocess.run(
        [str(IC), "--home", str(home), "--as", "Bot", "task", "bots", "done", "2"],
        capture_output=True,
        text=True,
        env={"IC_CONSOLE_CONFIG": str(tmp_path / "no-config.toml"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # The board drops task 2 (the cursor now on task 3); the IC, still reading the board as it
    # was a moment ago, types Down and d together.
    see(tmux, lambda: "#2  Mei" not in screen(tmux), "task 2 leave the board")
    tmux("send-keys", "-t", "ic", "Down", "d")
    see(tmux, lambda: "Not done: task 2 has closed" in screen(tmux), "the refusal")

    def closed() -> list[int]:
        return [e.data.number for e in stored(home, "bots") if isinstance(e.data, ev.TaskDone)]

    assert closed() == [2], screen(tmux)
    tmux("send-keys", "-t", "ic", "C-q")
