"""A slow link (hotel wifi, a phone's hotspot): a fetch that keeps receiving is not killed by
the timeout meant for a remote that does not answer. Before, every git call had a total time
limit (10 s in the console, 20 s for `ic sync`): a first fetch of a long incident over a slow
link was killed every round and started again from nothing, so that laptop never received it,
and was told the remote "got no answer". The limit is now on silence: a call is killed when
git has said nothing (no progress) for that long."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from ic_console.sync.engine import Syncer
from ic_console.sync.git import Git, SyncError

from .conftest import Laptop

#: A pretend ssh: runs the git command the URL names on this machine, and passes what it
#: prints to git at `RATE` bytes a second (or not at all when `SILENT` is set: a remote that
#: accepted the connection and then hangs).
SLOW_SSH = """#!{python}
import os, subprocess, sys, threading, time
rate = float(os.environ["SLOW_RATE"])
if os.environ.get("SLOW_SILENT"):
    time.sleep(600)
proc = subprocess.Popen(["sh", "-c", sys.argv[-1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def pump():
    while data := os.read(0, 65536):
        proc.stdin.write(data)
        proc.stdin.flush()
    proc.stdin.close()
threading.Thread(target=pump, daemon=True).start()
while data := proc.stdout.read1(int(rate / 10) or 1):
    os.write(1, data)
    time.sleep(len(data) / rate)
sys.exit(proc.wait())
"""


@pytest.fixture
def slow_ssh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "slow-ssh"
    script.write_text(SLOW_SSH.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(script))
    return script


def test_a_call_that_keeps_reporting_progress_is_not_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transfer that takes 3 s on a slow link and reports its progress (as git does on
    stderr, asked with --progress) outlives a 1 s limit; the limit is on silence."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text(
        "#!/bin/sh\n"
        'echo "$@" > "$(dirname "$0")/args"\n'
        "for i in 1 2 3 4 5 6 7 8 9 10; do\n"
        "  printf 'Receiving objects: %s0%%\\r' $i >&2; sleep 0.3\n"
        "done\n"
        "echo done\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    git = Git(tmp_path / "repo.git", timeout=1.0)
    git.env["PATH"] = os.environ["PATH"]
    started = time.monotonic()
    result = git.run(["fetch", "--prune", "team"], what="git fetch")
    assert time.monotonic() - started > 2.5
    assert result.stdout == b"done\n"
    assert (bin_dir / "args").read_text().split()[1:] == ["fetch", "--progress", "--prune", "team"]


def test_a_remote_that_hangs_is_still_killed_after_the_timeout_and_said_so(
    laptops: list[Laptop], bare: Path, slow_ssh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex = laptops[0]
    alex.declare()
    monkeypatch.setenv("SLOW_RATE", "1")
    monkeypatch.setenv("SLOW_SILENT", "1")
    syncer = Syncer(alex.root, f"ssh://slow{bare}", actor="Alex", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(SyncError) as caught:
        syncer.round()
    assert time.monotonic() - started < 5
    assert "no answer from the remote for 1 s" in str(caught.value)
    assert "nothing was lost" in str(caught.value)
