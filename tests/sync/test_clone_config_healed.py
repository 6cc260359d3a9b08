"""A round killed while the clone was being set up (the remote's URL written, its fetch line
not yet) no longer breaks every round after it: each round's check looks at both lines and
writes them again when one is missing or differs. Found by `test_kill9` on a loaded machine:
"git fetch failed: couldn't find remote ref HEAD", round after round."""

from __future__ import annotations

import subprocess

from ic_console.domain import commands as c
from ic_console.sync.clone import REMOTE, REPO_DIR

from .conftest import Laptop


def test_a_clone_left_without_its_fetch_line_is_mended_by_the_next_round(
    laptops: list[Laptop],
) -> None:
    alex, priya, _ = laptops
    alex.declare().execute(c.AddLogEntry(text="error rate at 12%"))
    alex.syncer().round()
    priya.syncer().round()  # the clone is made and set up
    repo = priya.root / "sync" / REPO_DIR
    subprocess.run(
        ["git", f"--git-dir={repo}", "config", "--unset-all", f"remote.{REMOTE}.fetch"],
        check=True,
    )
    alex.store().execute(c.AddLogEntry(text="rolled back the deploy"))
    alex.syncer().round()
    priya.syncer().round()  # a new process's first round checks the clone again
    assert priya.store().state.log[-1].text == "rolled back the deploy"


def test_a_clone_with_a_second_fetch_line_is_mended_too(laptops: list[Laptop]) -> None:
    """Two fetch lines (one added by hand): written back to the one line, not refused."""
    alex, priya, _ = laptops
    alex.declare().execute(c.AddLogEntry(text="error rate at 12%"))
    alex.syncer().round()
    priya.syncer().round()
    repo = priya.root / "sync" / REPO_DIR
    subprocess.run(
        ["git", f"--git-dir={repo}", "config", "--add", f"remote.{REMOTE}.fetch", "+HEAD:x"],
        check=True,
    )
    alex.store().execute(c.AddLogEntry(text="rolled back the deploy"))
    alex.syncer().round()
    priya.syncer().round()
    assert priya.store().state.log[-1].text == "rolled back the deploy"
