"""Fixtures for the console tests: a private home, UTC, a fake clock and no cursor blink.

Determinism lives here, not in product code: the clock is a FakeClock, times are shown in UTC,
the user's own config and content are kept out, and the text cursor does not blink.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import console as shared
from helpers.console import Scenario, drive, notifications, together, type_text, until
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.events import Event
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp

__all__ = ["Scenario", "drive", "notifications", "together", "type_text", "until"]

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
INCIDENT = "checkout-eu"


@pytest.fixture(autouse=True)
def _private_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, utc: None, still_cursor: None
) -> Iterator[None]:
    """UTC times, a still cursor, and no user config, content or data from the machine."""
    monkeypatch.setenv("IC_CONSOLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    yield


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def incident(home: Path, clock: FakeClock) -> IncidentStore:
    """A fresh SEV-2 with Alex in command."""
    store = IncidentStore.create(
        home,
        cmd.Declare(incident_id=INCIDENT, title="Checkout errors in EU", severity=2),
        clock=clock,
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    return store


def console(home: Path, clock: FakeClock, incident_id: str = INCIDENT) -> ConsoleApp:
    """The console on this area's incident unless told otherwise."""
    return shared.console(home, clock, incident_id)


def stored(home: Path, incident_id: str = INCIDENT) -> list[Event]:
    """Every event on disk, read back through the store."""
    return shared.stored(home, incident_id)


#: The real-terminal tests need tmux (CI installs it; elsewhere they skip with the reason).
TMUX = shutil.which("tmux")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Run tmux commands on a private server, killed afterwards."""
    if TMUX is None:
        pytest.skip("tmux is not installed (apt-get install tmux): the real-terminal test needs it")
    socket = f"ic-test-{os.getpid()}-{tmp_path.name}"

    def run(*args: str) -> str:
        done = subprocess.run(
            [TMUX, "-L", socket, *args], capture_output=True, text=True, check=True, timeout=20
        )
        return done.stdout

    yield run
    subprocess.run([TMUX, "-L", socket, "kill-server"], capture_output=True, check=False)
