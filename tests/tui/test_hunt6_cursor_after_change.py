"""Hunt 6: a cursor key typed right after the board changed under it does not make the next
task key act on a task nobody chose (80x24).

Bots closed the task under the IC's cursor; the IC, still reading the board as it was, typed
"down d" together. Down cleared the guard that refuses the next task key once, and d marked
done a task the IC had never seen under the cursor. Down on the last row did the same without
moving the cursor at all. A cursor key typed within a second of the change, or one that does
not move the cursor, keeps the guard; a move made after a look at the new board clears it.
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
from ic_console.tui.screens.console import ConsoleScreen

from .conftest import INCIDENT, console, drive, notifications, until
from .test_forms import payloads


def _done(home: Path) -> list[int]:
    return [p.number for p in payloads(home, ev.TaskDone)]  # type: ignore[attr-defined]


def _four_tasks(incident: IncidentStore) -> None:
    for minutes, text in [(5, "lag"), (10, "network"), (15, "logs"), (20, "pool")]:
        incident.execute(cmd.AssignTask(owner="Sam", text=text, timebox=timedelta(minutes=minutes)))


def test_down_and_d_typed_together_after_the_task_left_do_nothing(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    _four_tasks(incident)
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("down")
        assert screen.tasks.selected_task is not None and screen.tasks.selected_task.number == 2
        IncidentStore.open(home, INCIDENT, clock=clock, actor="Priya").execute(
            cmd.CompleteTask(number=2)
        )
        await until(pilot, lambda: [t.number for t in screen.tasks.tasks] == [1, 3, 4])
        # Typed together a tenth of a second after the board changed (stamped so, whatever
        # the machine's load: the keys' time is what the board compares with).
        typed = getattr(screen.tasks, "_moved_at", time.monotonic()) + 0.1
        for key in ("down", "d"):
            event = events.Key(key, key if len(key) == 1 else None)
            event.time = typed
            app.post_message(event)
        await pilot.pause(0.3)
        assert _done(home) == [2], "d acted on a task the IC had not seen under the cursor"
        said = notifications(app)[-1]
        assert "task 2" in said and "task 4" in said, said

    drive(app, scenario, size=(80, 24))


def test_down_on_the_last_row_keeps_the_guard(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    _four_tasks(incident)
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("end")
        assert screen.tasks.selected_task is not None and screen.tasks.selected_task.number == 4
        IncidentStore.open(home, INCIDENT, clock=clock, actor="Priya").execute(
            cmd.CompleteTask(number=4)
        )
        await until(pilot, lambda: [t.number for t in screen.tasks.tasks] == [1, 2, 3])
        await pilot.pause(1.1)  # long after: still, Down did not move the cursor
        await pilot.press("down")
        await pilot.press("d")
        await pilot.pause(0.3)
        assert _done(home) == [4]
        assert "task 3" in notifications(app)[-1]

    drive(app, scenario, size=(80, 24))


def test_a_cursor_move_after_a_look_at_the_new_board_is_the_ics_choice(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    _four_tasks(incident)
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("down")
        IncidentStore.open(home, INCIDENT, clock=clock, actor="Priya").execute(
            cmd.CompleteTask(number=2)
        )
        await until(pilot, lambda: [t.number for t in screen.tasks.tasks] == [1, 3, 4])
        started = time.monotonic()
        await pilot.pause(1.1)
        assert time.monotonic() - started >= 1.0
        await pilot.press("down")
        await pilot.press("d")
        await until(pilot, lambda: _done(home) == [2, 4])

    drive(app, scenario, size=(80, 24))
