"""Driving the console in tests, shared by `tests/tui` and `tests/hardening`.

Plain functions plus two fixtures (`utc`, `still_cursor`); `tests/conftest.py` registers this
module as a pytest plugin, so every worker of pytest-xdist loads it the same way.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.reactive import reactive
from textual.widgets import Input

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain.clock import FakeClock
from ic_console.domain.events import Event
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app

Scenario = Callable[[Pilot[int]], Awaitable[None]]


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in UTC, whatever the machine's zone; restored afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def still_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make screenshots depend on the moment they are taken."""
    still = reactive(False, init=False)
    still.__set_name__(Input, "cursor_blink")
    monkeypatch.setattr(Input, "cursor_blink", still)


def console(home: Path, clock: FakeClock, incident_id: str) -> ConsoleApp:
    """The console as the CLI builds it, loading in the foreground so tests need not wait."""
    return make_app(
        home,
        "Alex",
        incident_id=incident_id,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )


def stored(home: Path, incident_id: str) -> list[Event]:
    """Every event on disk, read back through the store (the truth, not the screen)."""
    events: list[Event] = []
    IncidentStore.open(home, incident_id, read_only=True, on_events=events.extend)
    return events


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


async def together(pilot: Pilot[int], *keys: str) -> None:
    """Keys typed together ("3d": task 3 done), as a terminal delivers them: one burst with one
    time. (`pilot.press` makes each key when the one before has been handled, which on a busy
    machine can look like a pause between them; the console reads such a pause.)"""
    at = time.monotonic()
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.time = at
        pilot.app.post_message(event)
    await pilot.pause()


async def until(pilot: Pilot[int], check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (in small steps) until `check()` holds; fail with a clear message after `timeout`."""
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"gave up after {timeout} s waiting for {check}")


def screen_text(app: ConsoleApp) -> str:
    """What the terminal shows, as plain text (the screenshot's text, unescaped)."""
    svg = app.export_screenshot()
    spans = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(spans)).replace("\xa0", " ")


def wait_for(check: Callable[[], bool], timeout: float = 10.0, every: float = 0.05) -> None:
    """Wait (outside an event loop) until `check()` holds; fail clearly after `timeout`."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {check}")
        time.sleep(every)
