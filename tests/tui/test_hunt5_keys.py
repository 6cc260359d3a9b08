"""Esc and a key typed together, followed at once by another key that starts with ESC (an
arrow, Esc again, Alt held for two letters): Esc and the key, never a "^" typed.

Textual's reader held "ESC x" as the start of a longer sequence; the next ESC made it give up
and hand the pair out as the characters "^" and "x": in the log line "^x" was typed and the Esc
was lost, in a form "^x" went into the name field and the form stayed open.
"""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from ic_console.tui.keys import KeyBurstApp


def keys_read(data: str) -> list[str]:
    KeyBurstApp()  # sets the console's reading up, as opening the console does
    parser = XTermParser()
    return [t.key for t in parser.feed(data) if isinstance(t, events.Key)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\x1bx\x1b\r", ["escape", "x", "escape", "enter"]),
        ("\x1bx\x1b[A", ["escape", "x", "up"]),
        ("\x1b3\x1bd", ["escape", "3", "escape", "d"]),
        ("\x1bd\x1b\x1b", ["escape", "d", "escape"]),
        ("\x1b[A\x1b[B", ["up", "down"]),
        ("\x1b[15~", ["f5"]),
    ],
)
def test_esc_and_a_key_before_another_sequence_are_esc_and_that_key(
    data: str, expected: list[str]
) -> None:
    assert keys_read(data)[: len(expected)] == expected
    assert "circumflex_accent" not in keys_read(data)
