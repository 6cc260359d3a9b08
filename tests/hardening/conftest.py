"""Fixtures for the hardening tests: a private data root, UTC, a fake clock, a console factory.

The shared `home` fixture (tests/conftest.py) already points $IC_CONSOLE_HOME at a temporary
directory and acts as "Alex"; here times are shown in UTC and the cursor does not blink, so
what the console draws depends only on what the test did.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from helpers import console as shared
from helpers.console import drive, notifications, screen_text
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.events import Event
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp

__all__ = ["drive", "notifications", "screen_text"]

INCIDENT = "fire-drill"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _utc_and_still_cursor(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, utc: None, still_cursor: None
) -> None:
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def incident(home: Path, clock: FakeClock) -> IncidentStore:
    """A SEV-2 with Alex in command."""
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


def run_ic(
    home: Path, args: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The real `ic` in a child process (so a traceback would reach stderr)."""
    full_env = {
        **os.environ,
        "IC_CONSOLE_HOME": str(home),
        "IC_CONSOLE_USER": "Alex",
        "TZ": "UTC",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "ic_console", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=REPO,
    )
