"""Fixtures for the console tests: a private home, UTC, a fake clock and no cursor blink.

Determinism lives here, not in product code: the clock is a FakeClock, times are shown in UTC,
the user's own config and content are kept out, and the text cursor does not blink.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
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

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
INCIDENT = "checkout-eu"


@pytest.fixture(autouse=True)
def _private_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC times, and no user config, content or data from the machine running the tests."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("IC_CONSOLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make screenshots depend on the moment they are taken."""
    still = reactive(False, init=False)
    still.__set_name__(Input, "cursor_blink")
    monkeypatch.setattr(Input, "cursor_blink", still)


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
    """The console as the CLI builds it, loading in the foreground so tests need not wait."""
    return make_app(
        home,
        "Alex",
        incident_id=incident_id,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )


def stored(home: Path, incident_id: str = INCIDENT) -> list[Event]:
    """Every event on disk, read back through the store (the truth, not the screen)."""
    events: list[Event] = []
    IncidentStore.open(home, incident_id, read_only=True, on_events=events.extend)
    return events


Scenario = Callable[[Pilot[int]], Awaitable[None]]


def drive(app: ConsoleApp, scenario: Scenario, size: tuple[int, int] = (120, 40)) -> None:
    """Run `scenario` against the app in a headless terminal of `size`."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)
            await pilot.pause()

    asyncio.run(main())


async def type_text(pilot: Pilot[int], text: str) -> None:
    """Type `text` key by key, as a person would."""
    await pilot.press(*text)


def notifications(app: ConsoleApp) -> list[str]:
    return [n.message for n in app._notifications]


async def until(pilot: Pilot[int], check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (in small steps) until `check()` holds; fail with a clear message after `timeout`."""
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"gave up after {timeout} s waiting for {check}")
