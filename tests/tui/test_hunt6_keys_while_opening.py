"""Hunt 6: keys typed while the incident opens are said not to have been used.

`ic open` on a long incident shows "Opening incident ..." for a second or more (the first open
reads the whole log). "l", a line and Enter typed at once in that time went to the opening
screen, which has nothing to give them to: the line was dropped without a word. Played to the
console later they would act blind (a "d" on a board never seen, see `test_first_frame`), so
the console says, once it is up, how many keys did nothing and to type them again. ctrl+q
still quits at once.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.live.incident import LiveIncident
from ic_console.store.incident import IncidentStore
from ic_console.tui.factory import make_app
from ic_console.tui.screens.console import ConsoleScreen

from .conftest import INCIDENT, drive, notifications, together, until
from .test_forms import payloads


@pytest.fixture
def slow_open(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Opening waits for the test (as reading a long log for the first time takes a while)."""
    gate = threading.Event()
    real = LiveIncident.open

    def open_slowly(*args: object, **kwargs: object) -> LiveIncident:
        gate.wait(10)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(LiveIncident, "open", open_slowly)
    return gate


def _app(home: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    return make_app(
        home,
        "Alex",
        incident_id=INCIDENT,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=True,
    )


def test_a_line_typed_while_the_incident_opens_is_said_to_be_lost(
    home: Path, clock: FakeClock, incident: IncidentStore, slow_open: threading.Event
) -> None:
    app = _app(home, clock)
    before = len(payloads(home, ev.LogEntryAdded))

    async def scenario(pilot: Pilot[int]) -> None:
        assert app.live is None, "the incident opened before the keys were typed"
        await together(pilot, "l", *"pool at 85", "enter")
        await pilot.pause(0.2)
        slow_open.set()
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen), timeout=10)
        await pilot.pause(0.2)
        said = [n for n in notifications(app) if "typed while the incident was opening" in n]
        assert said == [
            "12 keys typed while the incident was opening did nothing: the console was not "
            "up yet. Type them again now that it is."
        ], notifications(app)

    drive(app, scenario, size=(80, 24))
    assert len(payloads(home, ev.LogEntryAdded)) == before  # nothing typed blind was recorded


def test_no_word_when_nothing_was_typed_while_opening(
    home: Path, clock: FakeClock, incident: IncidentStore, slow_open: threading.Event
) -> None:
    app = _app(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        slow_open.set()
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen), timeout=10)
        await pilot.press("l")
        await pilot.pause(0.2)
        assert not [n for n in notifications(app) if "while the incident was opening" in n]

    drive(app, scenario, size=(80, 24))


def test_ctrl_q_while_the_incident_opens_quits_at_once(
    home: Path, clock: FakeClock, incident: IncidentStore, slow_open: threading.Event
) -> None:
    app = _app(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        assert app.live is None
        await pilot.press("ctrl+q")
        await pilot.pause(0.1)
        assert app.live is None and not app.is_running
        slow_open.set()  # the worker ends

    drive(app, scenario, size=(80, 24))
