"""Second hostile-new-user hunt: Esc typed just before another key, as terminals send it.
Each test here failed before its fix.

A terminal cannot tell Esc followed quickly by a key from Alt and that key: both are ESC and
the key. Textual reads ESC and a key that arrives within 0.1 s as Alt+key, and tmux (500 ms by
default, its `escape-time`) sends Esc and a key typed within that time as one such pair. The
console has no Alt keys, so the pair is the Esc the person typed and then their key."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from textual import events
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot
from textual.widgets import Input

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.widgets.log_input import LogInput

from .conftest import console, drive, until
from .test_forms import payloads


def parsed(data: str) -> list[events.Key]:
    """The keys Textual's terminal reader makes of `data`, once its escape delay has passed."""
    parser = XTermParser()
    keys = [e for e in parser.feed(data) if isinstance(e, events.Key)]
    time.sleep(0.12)
    keys += [e for e in parser.tick() if isinstance(e, events.Key)]
    return keys


def test_esc_then_a_key_is_read_as_esc_and_that_key(home: Path, clock: FakeClock) -> None:
    """ESC 3 was read as "£" (a mapping for one macOS terminal's Option key), ESC d as alt+d,
    ESC Enter as Enter alone: the Esc was lost every time."""
    console(home, clock)  # the console sets up how the terminal is read
    assert [k.key for k in parsed("\x1b3d")] == ["escape", "3", "d"]
    assert [k.key for k in parsed("\x1bd")] == ["escape", "d"]
    assert [k.key for k in parsed("\x1b\r")] == ["escape", "enter"]
    assert [k.key for k in parsed("\x1b[A")] == ["up"]  # an arrow stays an arrow
    assert [k.key for k in parsed("\x1b")] == ["escape"]


def test_leaving_the_log_line_and_closing_a_task_in_one_breath(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """The IC typed part of a log line, then Esc and "3d" quickly (inside tmux): the Esc and
    the 3 arrived as one pair, "£d" was typed into the log line, the line stayed open, and
    task 3 stayed open. Now the line is left and task 3 is done."""
    for minutes, text in [(5, "check replica lag"), (10, "page network"), (15, "read logs")]:
        incident.execute(cmd.AssignTask(owner="Sam", text=text, timebox=timedelta(minutes=minutes)))
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l", *"half a thought")
        line = app.screen.query_one(LogInput).query_one(Input)
        keys = parsed("\x1b3d")
        at = time.monotonic()
        for key in keys:
            key.time = at
            app.post_message(key)
        await until(pilot, lambda: len(payloads(home, ev.TaskDone)) == 1)
        assert [p.number for p in payloads(home, ev.TaskDone)] == [3]  # type: ignore[attr-defined]
        assert "£" not in line.value and not line.value.endswith("d"), line.value
        assert app.focused is not None and not isinstance(app.focused.parent, LogInput)

    drive(app, scenario)
