"""kill -9 during a sync round: no partial file is ever visible, and the next round completes.

`ic sync` runs as a real process and is killed at several moments of its round, on the laptop
that sends and on the one that receives. After every kill, each replica file in every incident
folder holds whole lines only and is a prefix of the writer's own file; then one more round
ends with both laptops holding the same files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.store.paths import event_files, file_origin, incidents_dir
from ic_console.store.replica import list_local_files

from .conftest import Laptop

pytestmark = pytest.mark.slow

INCIDENTS = 12


def _ic_sync(laptop: Laptop, config: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "IC_CONSOLE_CONFIG": str(config),
        "IC_CONSOLE_USER": laptop.name,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "ic_console", "--home", str(laptop.root), "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _children_gone(laptop: Laptop) -> None:
    """Wait for git processes a killed round left behind (they finish on their own)."""
    marker = str(laptop.root / "sync").encode()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        busy = False
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    busy = busy or marker in handle.read()
            except OSError:
                continue
        if not busy:
            return
        time.sleep(0.05)


def _whole_prefixes(receiver: Laptop, writer: Laptop) -> int:
    """Check every peer file the receiver holds; how many there are."""
    theirs = {f.incident_id: f.path.read_bytes() for f in list_local_files(writer.root)}
    seen = 0
    base = incidents_dir(receiver.root)
    for folder in base.iterdir() if base.is_dir() else []:
        for path in event_files(folder):
            if file_origin(path) != writer.origin:
                continue
            data = path.read_bytes()
            assert data.endswith(b"\n"), path
            assert theirs[folder.name].startswith(data), path
            seen += 1
    return seen


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find git children")
def test_kill_9_during_rounds_leaves_whole_files_and_the_next_round_completes(
    laptops: list[Laptop], tmp_path: Path
) -> None:
    alex, priya, _sam = laptops
    config = tmp_path / "config.toml"
    config.write_text(f'[sync]\nremote = "{alex.remote}"\n')
    for n in range(INCIDENTS):
        store = alex.declare(f"incident-{n}")
        for line in range(20):
            store.execute(c.AddLogEntry(text=f"incident {n}, line {line}: " + "x" * 200))

    killed = 0
    # From the interpreter's start to the end of a round: on a quiet machine a round that has
    # little to send ends in under 0.3 s, so the first kills come early enough to land.
    for delay in (0.05, 0.15, 0.3, 0.5, 0.7, 0.9, 1.2, 1.6):
        for laptop in (alex, priya):
            process = _ic_sync(laptop, config)
            time.sleep(delay)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed += 1
            process.wait()
            assert process.stderr is not None
            assert b"Traceback" not in process.stderr.read()
            _children_gone(laptop)
            _whole_prefixes(priya, alex)
        # Alex keeps recording between the rounds.
        alex.store("incident-0").execute(c.AddLogEntry(text=f"still going after {delay}s"))
    assert killed > 0

    alex.syncer().round()
    priya.syncer().round()
    assert _whole_prefixes(priya, alex) == INCIDENTS
    for mine in list_local_files(alex.root):
        copy = incidents_dir(priya.root) / mine.incident_id / "events" / mine.path.name
        assert copy.read_bytes() == mine.path.read_bytes()
