"""Faults found by using the console as a hostile new user would, in real terminals: each test
here failed before its fix. Keys are sent in bursts, as a terminal delivers them."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock

from .conftest import console, drive, until
from .test_forms import burst, payloads


def test_log_lines_typed_in_one_burst_keep_their_own_words(
    home: Path, clock: FakeClock, incident
) -> None:
    """Three log lines typed in one burst: the letter typed right after each Enter went into
    the line being saved ("alpha oneb", "ravo twoc", "harlie three" in a real terminal), since
    the line was read when the save ran, not when Enter was pressed."""

    async def scenario(pilot: Pilot[int]) -> None:
        burst(pilot.app, "l", "alpha one", "enter", "bravo two", "enter", "charlie three", "enter")
        await until(pilot, lambda: len(payloads(home, ev.LogEntryAdded)) >= 3, timeout=10)

    drive(console(home, clock), scenario)
    texts = [p.text for p in payloads(home, ev.LogEntryAdded)]  # type: ignore[attr-defined]
    assert texts == ["alpha one", "bravo two", "charlie three"]
