"""Hunt 6 in a real terminal (tmux at 80x24): a bot closes the task under the IC's cursor, the
last on the board, and the IC types "Down" and "d" together. Down on the last row moves nothing,
so the row the cursor is on now is still one the IC never chose: d must close nothing and say
which task is there. (It closed that task: any cursor key cleared the guard.)"""

from __future__ import annotations

import subprocess
import time
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


def test_down_d_on_the_last_row_after_a_bot_closed_its_task_closes_nothing(
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
    tmux("send-keys", "-t", "ic", "End")  # the cursor on task 4 (Dana), the last row
    time.sleep(0.5)
    # A bot closes task 4, as `ic task done 4` from a chat bot does.
    done = subprocess.run(
        [str(IC), "--home", str(home), "--as", "Bot", "task", "bots", "done", "4"],
        capture_output=True,
        text=True,
        env={"IC_CONSOLE_CONFIG": str(tmp_path / "no-config.toml"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    see(tmux, lambda: "#4  Dana" not in screen(tmux), "task 4 leave the board")
    time.sleep(1.5)  # however long after: Down on the last row is no choice of a row
    tmux("send-keys", "-t", "ic", "Down", "d")
    see(tmux, lambda: "Not done: task 4 has closed" in screen(tmux), "the refusal")

    def closed() -> list[int]:
        return [e.data.number for e in stored(home, "bots") if isinstance(e.data, ev.TaskDone)]

    assert closed() == [4], screen(tmux)
    tmux("send-keys", "-t", "ic", "C-q")
