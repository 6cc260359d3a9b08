"""Pasting into the log line and the forms: every line kept, nothing read as keys.

Textual's Input keeps only the first line of a paste (the rest was dropped without a word: a
stack trace pasted into the log line kept its first line), and Textual's reader took an escape
code inside a paste (a coloured log line) as the start of keys: what followed it came out as
keys typed, ahead of the paste, and a line break after it was an Enter.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot

from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.keys import KeyBurstApp

from .conftest import console, drive, stored

PASTED = "first pasted line\rsecond line\r\x1b[31mred\x1b[0m third"
WIRE = "\x1b[200~" + PASTED + "\x1b[201~"


def read(data: list[str]) -> list[events.Event]:
    """What the console's terminal reader makes of `data`, read in those pieces."""
    KeyBurstApp()  # sets the console's reading up, as opening the console does
    parser = XTermParser()
    tokens: list[events.Event] = []
    for piece in data:
        tokens.extend(parser.feed(piece))  # type: ignore[arg-type]
    return tokens


def test_a_paste_with_colour_codes_is_one_paste_without_them() -> None:
    tokens = read([WIRE])
    assert [type(t) for t in tokens] == [events.Paste], tokens
    paste = tokens[0]
    assert isinstance(paste, events.Paste)
    assert paste.text == "first pasted line\rsecond line\rred third"


def test_a_paste_split_across_reads_anywhere_is_the_same_paste() -> None:
    for cut in range(1, len(WIRE)):
        for second in range(cut + 1, len(WIRE)):
            tokens = read([WIRE[:cut], WIRE[cut:second], WIRE[second:]])
            texts = [t.text for t in tokens if isinstance(t, events.Paste)]
            assert texts == ["first pasted line\rsecond line\rred third"], (cut, second, tokens)
            assert not [t for t in tokens if isinstance(t, events.Key)], (cut, second, tokens)


def test_keys_around_a_paste_and_odd_codes_inside_it() -> None:
    tokens = read(["a\x1b[200~x\x1b]0;title\x07y\x1b[2J\x1bcz\x1b[\r\x1b[201~b"])
    keys = [t.key for t in tokens if isinstance(t, events.Key)]
    texts = [t.text for t in tokens if isinstance(t, events.Paste)]
    assert keys == ["a", "b"]
    assert texts == ["xyz\r"]


def test_escape_and_arrows_outside_a_paste_are_keys_as_before() -> None:
    tokens = read(["\x1b[A", "x", "\x1b[B"])
    assert [t.key for t in tokens if isinstance(t, events.Key)] == ["up", "x", "down"]


def test_every_line_of_a_paste_goes_into_the_log_line(
    home: Path, incident: IncidentStore, clock: FakeClock
) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        await pilot.pause()
        app.screen.focused.post_message(  # type: ignore[union-attr]
            events.Paste("Traceback (most recent call last):\n  File x\nKeyError: 'eu'\n")
        )
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    drive(app, scenario, size=(80, 24))
    texts = [e.data.text for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]
    assert texts == ["Traceback (most recent call last): File x KeyError: 'eu'"]


def test_a_form_field_keeps_every_pasted_line(
    home: Path, incident: IncidentStore, clock: FakeClock
) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("t", *"Sam", "enter")
        await pilot.pause()
        app.screen.focused.post_message(  # type: ignore[union-attr]
            events.Paste("check replica lag\non db-2\n")
        )
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause()

    drive(app, scenario, size=(80, 24))
    assigned = [e.data.text for e in stored(home) if isinstance(e.data, ev.TaskAssigned)]
    assert assigned == ["check replica lag on db-2"]


def test_a_paste_on_the_task_board_goes_into_the_log_line_unsaved(
    home: Path, incident: IncidentStore, clock: FakeClock
) -> None:
    """A paste while the task board has the focus (no field to take it) was dropped without a
    word; it goes into the log line now, every line of it, and is saved only on Enter."""
    from textual.widgets import Input

    from ic_console.tui.widgets.task_board import TaskBoard

    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        assert isinstance(app.screen.focused, TaskBoard)
        app.screen.focused.post_message(events.Paste("p99 at 2.4 s\non checkout-api\n"))
        await pilot.pause()
        focused = app.screen.focused
        assert isinstance(focused, Input) and focused.value == "p99 at 2.4 s on checkout-api"
        assert not [e for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]
        await pilot.press("enter")
        await pilot.pause()

    drive(app, scenario, size=(80, 24))
    texts = [e.data.text for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]
    assert texts == ["p99 at 2.4 s on checkout-api"]
