"""ctrl+z while typing takes back the typing, not the incident's last change.

Before, ctrl+z in the log line (which has no undo of its own) reached the app's undo and
reopened the task just marked done while the IC was fixing a typo. Now a line with typing in
it undoes its own text a word or an edit at a time; only ctrl+z on an empty line takes back
the incident's last change, and not one that is part of the ctrl+z burst that emptied it.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import TaskStatus
from ic_console.store.incident import IncidentStore
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.widgets.undoable_input import UndoableInput

from .conftest import INCIDENT, console, drive, notifications, stored, together, type_text, until


@pytest.fixture
def two_tasks(incident: IncidentStore) -> IncidentStore:
    incident.execute(
        cmd.AssignTask(owner="Sam", text="check the pool", timebox=timedelta(minutes=5))
    )
    incident.execute(cmd.AssignTask(owner="Priya", text="dashboards", timebox=timedelta(minutes=6)))
    return incident


def task_status(home: Path, number: int) -> TaskStatus:
    return IncidentStore.open(home, INCIDENT, read_only=True).state.tasks[number].status


def line(pilot: Pilot[int]) -> Input:
    return pilot.app.screen.query_one("#log-text", Input)


async def keys_at(pilot: Pilot[int], at: float, *keys: str) -> None:
    """Keys typed at `at` (Textual's clock), a held key 30 ms apart."""
    for step, key in enumerate(keys):
        event = events.Key(key, key if len(key) == 1 else None)
        event.time = at + step * 0.03
        pilot.app.post_message(event)
    await pilot.pause()


def test_ctrl_z_in_the_log_line_takes_back_the_typing_not_the_task(
    home: Path, clock: FakeClock, two_tasks: IncidentStore
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "2", "d")
        await until(pilot, lambda: task_status(home, 2) is TaskStatus.DONE)
        await pilot.press("l")
        await until(pilot, lambda: pilot.app.focused is line(pilot))
        await type_text(pilot, "restarted teh pool")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert line(pilot).value == "restarted teh "  # the last word goes
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert line(pilot).value == "restarted "
        await type_text(pilot, "the pool")
        assert line(pilot).value == "restarted the pool"
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.press("ctrl+z")  # the deletions come back as one step
        await pilot.pause()
        assert line(pilot).value == "restarted the pool"
        assert task_status(home, 2) is TaskStatus.DONE

    drive(console(home, clock), scenario)
    assert "task.reopened" not in [e.type for e in stored(home)]


def test_ctrl_z_held_down_empties_the_line_and_stops_there(
    home: Path, clock: FakeClock, two_tasks: IncidentStore
) -> None:
    """A held ctrl+z that empties the line does not go on to undo the last change; a ctrl+z
    pressed afresh on the empty line does, as everywhere else."""

    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "2", "d")
        await until(pilot, lambda: task_status(home, 2) is TaskStatus.DONE)
        await pilot.press("l")
        await until(pilot, lambda: pilot.app.focused is line(pilot))
        await type_text(pilot, "a typo here")
        now = time.monotonic()
        await keys_at(pilot, now, *["ctrl+z"] * 12)
        await pilot.pause()
        assert line(pilot).value == ""
        assert task_status(home, 2) is TaskStatus.DONE
        await keys_at(pilot, now + 2.0, "ctrl+z")  # released, then pressed again
        await until(pilot, lambda: task_status(home, 2) is TaskStatus.OPEN)

    drive(console(home, clock), scenario)


def test_ctrl_z_on_an_empty_log_line_still_undoes_the_last_change(
    home: Path, clock: FakeClock, two_tasks: IncidentStore
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "1", "d")
        await until(pilot, lambda: task_status(home, 1) is TaskStatus.DONE)
        await pilot.press("l")
        await until(pilot, lambda: pilot.app.focused is line(pilot))
        await pilot.press("ctrl+z")
        await until(pilot, lambda: task_status(home, 1) is TaskStatus.OPEN)

    drive(console(home, clock), scenario)


def test_a_saved_line_is_not_brought_back_by_ctrl_z(
    home: Path, clock: FakeClock, two_tasks: IncidentStore
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        await until(pilot, lambda: pilot.app.focused is line(pilot))
        await type_text(pilot, "pool restarted")
        await pilot.press("enter")
        await until(pilot, lambda: line(pilot).value == "")
        await type_text(pilot, "next")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert line(pilot).value == ""

    drive(console(home, clock), scenario)
    assert [e.data.text for e in stored(home) if e.type == "log.added"][-1:] == [  # type: ignore[attr-defined]
        "pool restarted"
    ]


def test_ctrl_z_in_a_form_takes_back_its_typing(
    home: Path, clock: FakeClock, two_tasks: IncidentStore
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "2", "d")
        await until(pilot, lambda: task_status(home, 2) is TaskStatus.DONE)
        await together(pilot, "1", "x")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        field = pilot.app.focused
        assert isinstance(field, UndoableInput)
        await type_text(pilot, "30m")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert field.value == ""
        assert task_status(home, 2) is TaskStatus.DONE

    drive(console(home, clock), scenario)


def test_ctrl_z_in_a_field_it_cannot_undo_says_so(
    home: Path, clock: FakeClock, two_tasks: IncidentStore
) -> None:
    """A field holding text it did not type (a search box) never passes ctrl+z on."""

    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "2", "d")
        await until(pilot, lambda: task_status(home, 2) is TaskStatus.DONE)
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        plain = Input(value="replica", id="plain")
        await screen.mount(plain)
        plain.focus()
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert task_status(home, 2) is TaskStatus.DONE
        assert any("empty" in n for n in notifications(pilot.app))

    drive(console(home, clock), scenario)


def test_a_field_made_with_a_value_starts_with_nothing_to_undo() -> None:
    """A form field given its default (a timebox "5m") is made without a fault (Input sets the
    value inside its own constructor), and ctrl+z does not take the default away."""

    class OneField(App[None]):
        def compose(self) -> ComposeResult:
            yield UndoableInput(value="5m")

    async def main() -> None:
        app = OneField()
        async with app.run_test() as pilot:
            field = app.query_one(UndoableInput)
            assert field.value == "5m"
            assert field.undo(0.0) is False
            await pilot.press("end", "0")
            assert field.undo(0.0) is True and field.value == "5m"

    asyncio.run(main())
