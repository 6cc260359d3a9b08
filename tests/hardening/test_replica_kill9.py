"""kill -9 while another laptop's file is being taken in: no partial file is ever visible, and
the next transfer completes. A real process, killed at a random moment of its transfers."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.store.eventlog import EventLog
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import local_origin
from ic_console.store.paths import replica_file
from ic_console.store.replica import accept_peer_file

ROUNDS = 6
pytestmark = pytest.mark.slow


def _child(priya: Path, origin: str, copies: list[bytes], target: Path) -> None:
    try:
        while True:  # busy with transfers until killed
            for data in copies:
                accept_peer_file(priya, "inc-1", origin, data)
            target.unlink()
    finally:
        os._exit(0)


def test_kill9_during_transfers_never_shows_a_partial_file(tmp_path: Path) -> None:
    alex, priya = tmp_path / "alex", tmp_path / "priya"
    alex.mkdir(mode=0o700)
    priya.mkdir(mode=0o700)
    store = IncidentStore.create(
        alex, c.Declare(incident_id="inc-1", title="Checkout"), clock=FakeClock(), actor="Alex"
    )
    copies = [store.events_path.read_bytes()]
    for i in range(200):
        store.execute(c.AddLogEntry(text=f"line {i} " + "x" * 200))
        if i % 25 == 24:
            copies.append(store.events_path.read_bytes())
    origin = local_origin(alex)
    target = replica_file(priya / "incidents" / "inc-1", origin)
    rng = random.Random(14)
    for _ in range(ROUNDS):
        pid = os.fork()
        if pid == 0:
            _child(priya, origin, copies, target)
        time.sleep(rng.uniform(0.01, 0.15))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        if target.exists():
            data = target.read_bytes()
            assert data in copies, "a partial or mixed file is visible"
            read = EventLog(target).read_new()
            assert read.damage is None and read.tail == b""
        # The next transfer (here: the latest copy) completes whatever was left.
        accept_peer_file(priya, "inc-1", origin, copies[-1])
        assert target.read_bytes() == copies[-1]
        opened = IncidentStore.open(priya, "inc-1", read_only=True)
        assert opened.damaged is None and len(opened.state.log) == 200
        # Start the next round from the beginning (as if a new laptop).
        target.unlink()
