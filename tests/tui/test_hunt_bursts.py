"""Faults found by using the console as a hostile new user would, in real terminals: each test
here failed before its fix. Keys are sent in bursts, as a terminal delivers them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.screens.console import ConsoleScreen

from .conftest import INCIDENT, console, drive, notifications, until
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


def test_a_task_closed_elsewhere_does_not_pass_its_key_to_the_next_one(
    home: Path, clock: FakeClock, incident
) -> None:
    """The IC has task 2 under the cursor and presses d as the Deputy closes task 2 in the
    other terminal: the board moved the cursor to task 3, and d marked task 3 done, a task
    nobody named. The first task key after the cursor was moved for them is refused and says
    which task is under the cursor now; the next press acts on it."""
    for minutes, text in [(5, "check replica lag"), (10, "page network"), (15, "read logs")]:
        incident.execute(cmd.AssignTask(owner="Sam", text=text, timebox=timedelta(minutes=minutes)))
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("down")
        assert screen.tasks.selected_task is not None
        assert screen.tasks.selected_task.number == 2
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Priya")
        other.execute(cmd.CompleteTask(number=2))
        await until(pilot, lambda: [t.number for t in screen.tasks.tasks] == [1, 3])
        await pilot.press("d")
        await pilot.pause(0.2)
        assert [p.number for p in payloads(home, ev.TaskDone)] == [2]  # type: ignore[attr-defined]
        said = notifications(app)[-1]
        assert "task 2" in said and "task 3" in said, said
        await pilot.press("d")
        await until(pilot, lambda: len(payloads(home, ev.TaskDone)) == 2)
        assert [p.number for p in payloads(home, ev.TaskDone)] == [2, 3]  # type: ignore[attr-defined]

    drive(app, scenario)
