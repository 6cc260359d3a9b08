"""Text another program printed, made safe to store and show: terminal codes taken out.

A command's output (`ic run`) and a failing hook's stderr are written to files people `cat` and
`tail` (the incident log, hooks.log). Left in, an escape sequence clears their screen, moves
the cursor, retitles the window or writes their clipboard (OSC 52).
"""

from __future__ import annotations

import re

#: ANSI escape sequences (colours, cursor moves, OSC such as the clipboard) and other control
#: characters but newline, with the invisible direction and width marks.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def strip_terminal_codes(text: str) -> str:
    """`text` without escape sequences and control characters (newlines and tabs kept)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))
