"""Laptop sleep and clock jumps: countdowns come from stored deadlines, so after the wall clock
jumps forward an hour or back five minutes they are right at the next tick, and nothing on the
task board or the header is negative or garbled."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Label

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp

from .conftest import console, drive, notifications

#: A countdown as shown: "04:59", "1:00:00", or "+55:00" / "late +55:00" once overdue.
COUNTDOWN = re.compile(r"^(late \+|\+)?(\d+:)?\d{2}:\d{2}$")


def _rows(app: ConsoleApp) -> dict[int, str]:
    board = app.screen.query_one("TaskBoard")
    return {
        task.number: "".join(s.text for s in board.render_row(i, 100, False))  # type: ignore[attr-defined]
        for i, task in enumerate(board.tasks)  # type: ignore[attr-defined]
    }


def _countdown(row: str) -> str:
    clock = row[4 + 13 : 4 + 13 + 11].strip()
    assert COUNTDOWN.match(clock), f"garbled countdown {clock!r} in {row!r}"
    return clock


def _header(app: ConsoleApp) -> dict[str, str]:
    return {
        name: str(app.screen.query_one(f"#header-{name}", Label).render())
        for name in ("elapsed", "update")
    }


def test_countdowns_after_the_clock_jumps_forward_an_hour_and_back_five_minutes(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    start = clock.now()
    incident.execute(cmd.AssignTask(owner="Sam", text="check db", timebox=timedelta(minutes=5)))
    incident.execute(cmd.AssignTask(owner="Kim", text="check cdn", timebox=timedelta(hours=2)))

    async def scenario(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, ConsoleApp)
        rows = _rows(app)
        assert _countdown(rows[1]) == "05:00" and _countdown(rows[2]) == "2:00:00"
        assert _header(app)["update"] == "update in 20:00"

        # The laptop sleeps for an hour: the first timebox is 55 minutes late, the second
        # has an hour left, the update is 40 minutes overdue; an alert says so once.
        clock.set(start + timedelta(hours=1))
        app.tick()
        await pilot.pause()
        rows = _rows(app)
        assert _countdown(rows[1]) == "late +55:00"
        assert _countdown(rows[2]) == "1:00:00"
        assert _header(app)["update"] == "update due +40:00"
        assert _header(app)["elapsed"].startswith("1h ")
        assert any("#1 Sam: the timebox is up" in n for n in notifications(app))

        # NTP pulls the clock back to five minutes before the declaration.
        clock.set(start - timedelta(minutes=5))
        app.tick()
        await pilot.pause()
        rows = _rows(app)
        assert _countdown(rows[1]) == "10:00"
        assert _countdown(rows[2]) == "2:05:00"
        assert _header(app)["update"] == "update in 25:00"
        assert _header(app)["elapsed"].startswith("0s")
        for text in [*rows.values(), *_header(app).values()]:
            assert "-" not in text.replace("check db", "").replace("check cdn", ""), text

        # A task given while the clock is behind counts from its own stored deadline.
        incident.execute(cmd.AssignTask(owner="Lee", text="page dba", timebox=timedelta(minutes=3)))
        app.poll()
        clock.set(start)
        app.tick()
        await pilot.pause()
        rows = _rows(app)
        assert _countdown(rows[1]) == "05:00"
        assert _countdown(rows[3]) == "late +02:00"

    drive(console(home, clock), scenario)
