"""Hunt 6: ctrl+q in a half-filled form asks first, as it does with a typed log line.

The IC typing a decision's words on the call ("fail over the primary to the replica in
eu-west") and pressing ctrl+q by mistake lost them at once on an incident with no open task:
only the log line was asked about. A form opened with a suggestion and left as it was is
nothing typed, and quits at once.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.screens.forms import CommandForm

from .conftest import console, drive, notifications, type_text, until

WORDS = "fail over the primary to the replica"


def test_ctrl_q_in_a_form_holding_typed_words_asks_once(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, CommandForm))
        await type_text(pilot, WORDS)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running, "quit at once: the words typed in the form were lost"
        said = [n for n in notifications(app) if "is not saved" in n]
        assert len(said) == 1 and "Enter saves it, Esc cancels it." in said[0], said
        assert isinstance(app.screen, CommandForm)
        await pilot.press("ctrl+q")
        await pilot.pause()

    drive(app, scenario, size=(80, 24))
    assert not app.is_running


def test_ctrl_q_in_a_form_with_nothing_typed_quits_at_once(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("s")  # the severity form opens on the severity it has now
        await until(pilot, lambda: isinstance(app.screen, CommandForm))
        await pilot.press("ctrl+q")
        await pilot.pause()

    drive(app, scenario, size=(80, 24))
    assert not app.is_running
