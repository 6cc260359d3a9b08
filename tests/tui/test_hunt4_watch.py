"""The fourth hunt's faults in the Deputy's view (`ic watch`), found in real terminals: keys in
bursts, as a terminal delivers them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import LogKind
from ic_console.store.incident import IncidentStore

from .conftest import INCIDENT, drive, stored, until
from .test_watch import staffed, watch_app  # noqa: F401  (staffed: a fixture used below)


def _entries(home: Path) -> list[tuple[LogKind, str]]:
    return [
        (e.data.kind, e.data.text)
        for e in stored(home, INCIDENT)
        if isinstance(e.data, ev.LogEntryAdded)
    ]


def test_esc_then_f_or_b_is_esc_and_that_key(home: Path, clock: FakeClock) -> None:
    """In tmux the Deputy left the log line and pressed f (follow-up) at once: tmux sent
    ESC f as one pair, which Textual reads as ctrl+right (an iTerm "natural editing" key), and
    ESC b as ctrl+left. The Esc and the f were both lost."""
    from .test_hunt2_escape import parsed

    watch_app(home, clock)  # the console sets up how the terminal is read
    assert [k.key for k in parsed("\x1bfsecond")][:2] == ["escape", "f"]
    assert [k.key for k in parsed("\x1bb")] == ["escape", "b"]
    assert [k.key for k in parsed("\x1b[1;5C")] == ["ctrl+right"]  # the real key stays


@pytest.mark.usefixtures("staffed")
def test_esc_f_and_a_word_in_the_deputys_view_never_closes_a_task(
    home: Path, clock: FakeClock
) -> None:
    """The Deputy typed Esc, f and "second" within tmux's escape time: ESC f was ctrl+right,
    no follow-up line opened, and the word's letters went to the task board as keys: its d
    marked Sam's task done. Now the f opens the follow-up line and the word is typed in it."""
    from .test_hunt2_escape import parsed

    app = watch_app(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        for key in parsed("\x1bfsecond\r"):
            app.post_message(key)
        await until(pilot, lambda: len(_entries(home)) >= 1, timeout=10)

    drive(app, scenario)
    assert _entries(home) == [(LogKind.FOLLOWUP, "second")]
    assert not [e for e in stored(home, INCIDENT) if isinstance(e.data, ev.TaskDone)]


@pytest.mark.parametrize("opened_by", ["question_mark", "g"])
def test_ctrl_q_quits_from_a_screen_over_the_console(
    home: Path, clock: FakeClock, incident: IncidentStore, opened_by: str
) -> None:
    """README: "Quit the console with ctrl+q". Over the console, the keys screen (?), a form,
    the drill's briefing and its scorecard took no notice of it: Textual leaves the app's keys
    out of a modal screen, so ctrl+q, pressed twice, did nothing until Esc closed the screen."""
    from ic_console.tui.screens.console import ConsoleScreen

    from .conftest import console

    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press(opened_by)
        await until(pilot, lambda: not isinstance(app.screen, ConsoleScreen))
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, timeout=5)

    drive(app, scenario)
    assert app.return_code in (0, None)


def test_a_quit_remapped_to_a_letter_is_still_typed_in_the_log_line(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """Quit is a priority key now; remapped to "q" (config.toml's keymap) it must not take the
    q typed into the log line."""
    from ic_console.tui.widgets.log_input import LogInput

    from .conftest import console

    app = console(home, clock)
    app.settings.keymap = {"quit": "q"}  # as config.toml's [keymap] gives it

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        await pilot.pause(0.3)
        await pilot.press("q", "u", "i", "t")
        await pilot.pause(0.2)
        assert app.is_running
        assert app.screen.query_one(LogInput).input.value == "quit"

    drive(app, scenario)
