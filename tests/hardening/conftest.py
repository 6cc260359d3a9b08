"""Fixtures for the hardening tests: a private data root, UTC, a fake clock, a console factory.

The shared `home` fixture (tests/conftest.py) already points $IC_CONSOLE_HOME at a temporary
directory and acts as "Alex"; here times are shown in UTC and the cursor does not blink, so
what the console draws depends only on what the test did.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.reactive import reactive
from textual.widgets import Input

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.events import Event
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp, make_app

INCIDENT = "fire-drill"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _utc_and_still_cursor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    still = reactive(False, init=False)
    still.__set_name__(Input, "cursor_blink")
    monkeypatch.setattr(Input, "cursor_blink", still)
    yield
    monkeypatch.undo()
    time.tzset()


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
    """The console as the CLI builds it, loading in the foreground."""
    return make_app(
        home,
        "Alex",
        incident_id=incident_id,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )


def drive(
    app: ConsoleApp,
    scenario: Callable[[Pilot[int]], Awaitable[None]],
    size: tuple[int, int] = (120, 40),
) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)
            await pilot.pause()

    asyncio.run(main())


def stored(home: Path, incident_id: str = INCIDENT) -> list[Event]:
    """Every event on disk, read back through the store (the truth, not the screen)."""
    events: list[Event] = []
    IncidentStore.open(home, incident_id, read_only=True, on_events=events.extend)
    return events


def notifications(app: ConsoleApp) -> list[str]:
    return [n.message for n in app._notifications]


def screen_text(app: ConsoleApp) -> str:
    """What the terminal shows, as plain text (the screenshot's text, unescaped)."""
    import html
    import re

    svg = app.export_screenshot()
    spans = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(spans)).replace("\xa0", " ")


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
