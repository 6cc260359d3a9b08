"""Digits 1-4 show a pane and also start a task number ("3d"): which one the IC meant is read
from when the keys were typed, and a key never acts on a task the IC did not name.

Found in two real terminals at 80x24: "2" to read the log, then "1d" to finish task 1, said
"There is no task 21" (and with 21 tasks, finished task 21). Keys here carry the time they were
typed, as the terminal delivers them, so a pause between them is a pause in the typing.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.screens.console import NUMBER_BURST, ConsoleScreen

from .conftest import console, drive, notifications, stored, until

PAUSE = NUMBER_BURST + 0.7  # a look at the screen between two keys


def typed(app: ConsoleApp, *keys: str | float) -> None:
    """Queue `keys` as one burst; a number among them is a pause (seconds) in the typing."""
    at = time.monotonic()
    for key in keys:
        if isinstance(key, float):
            at += key
            continue
        event = events.Key(key, key)
        event.time = at
        app.post_message(event)
        at += 0.02


def done(home: Path) -> list[int]:
    return [e.data.number for e in stored(home) if isinstance(e.data, ev.TaskDone)]  # type: ignore[attr-defined]


def many_tasks(incident: IncidentStore, count: int = 21) -> None:
    """`count` open tasks; task 5 has the earliest deadline, so the board's cursor starts there."""
    for number in range(1, count + 1):
        minutes = 1 if number == 5 else 10 + number
        incident.execute(
            cmd.AssignTask(
                owner=f"P{number}", text=f"task {number}", timebox=timedelta(minutes=minutes)
            )
        )


def run(home: Path, clock: FakeClock, scenario) -> None:  # type: ignore[no-untyped-def]
    drive(console(home, clock), scenario, size=(80, 24))


async def on_console(pilot: Pilot[int]) -> ConsoleScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ConsoleScreen)
    return screen


def test_a_pane_key_then_a_pause_then_a_number_names_that_number(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    many_tasks(incident)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = await on_console(pilot)
        typed(pilot.app, "2", PAUSE, "1", "d")
        await until(pilot, lambda: bool(done(home)))
        assert screen.active_pane == "log"  # back to the log the IC was reading

    run(home, clock, scenario)
    assert done(home) == [1]


def test_digits_typed_together_are_one_number(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    many_tasks(incident)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = await on_console(pilot)
        typed(pilot.app, "2", "1", "d")
        await until(pilot, lambda: bool(done(home)))
        assert screen.active_pane == "tasks"  # the digits named a task: the pane is put back

    run(home, clock, scenario)
    assert done(home) == [21]


def test_a_pane_key_then_a_pause_then_a_task_key_does_nothing_when_unclear(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """On the log, "1" shows the board with its cursor on task 5; "d" a moment later could be
    task 1 or the task under the cursor: nothing is done, the IC is told how to say which, and
    "d" again is the task under the cursor."""
    many_tasks(incident)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = await on_console(pilot)
        typed(pilot.app, "2", PAUSE, "1", PAUSE, "d")
        await until(pilot, lambda: any("Not done" in n for n in notifications(pilot.app)))
        message = next(n for n in notifications(pilot.app) if "Not done" in n)
        assert "For task 1, type 1d together" in message
        assert "for task 5 under the cursor, press d again" in message
        assert done(home) == []
        assert screen.active_pane == "tasks"
        typed(pilot.app, "d")
        await until(pilot, lambda: bool(done(home)))

    run(home, clock, scenario)
    assert done(home) == [5]


def test_a_pane_key_naming_the_task_under_the_cursor_acts_on_it(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """No doubt when both readings are the same task: the cursor starts on task 1."""
    for number, minutes in [(1, 1), (2, 20), (3, 30)]:
        incident.execute(
            cmd.AssignTask(owner=f"P{number}", text="work", timebox=timedelta(minutes=minutes))
        )

    async def scenario(pilot: Pilot[int]) -> None:
        await on_console(pilot)
        typed(pilot.app, "2", PAUSE, "1", PAUSE, "d")
        await until(pilot, lambda: bool(done(home)))
        assert not any("Not done" in n for n in notifications(pilot.app))

    run(home, clock, scenario)
    assert done(home) == [1]


def test_a_decision_key_after_a_pane_key_and_a_pause_does_nothing_when_unclear(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.ProposeDecision(text="roll back the deploy"))
    incident.execute(cmd.ProposeDecision(text="fail over to the standby"))

    async def scenario(pilot: Pilot[int]) -> None:
        await on_console(pilot)
        typed(pilot.app, "1", PAUSE, "y")
        await until(pilot, lambda: any("Not done" in n for n in notifications(pilot.app)))
        message = next(n for n in notifications(pilot.app) if "Not done" in n)
        assert "For decision 1, type 1y together" in message
        assert "for decision 2 (the newest open), press y again" in message

    run(home, clock, scenario)
    assert not [e for e in stored(home) if isinstance(e.data, ev.DecisionAccepted)]
