"""Pasted text arrives whole and inert: never as keys, never with terminal codes in it.

A terminal wraps a paste in `ESC [200~` ... `ESC [201~` (bracketed paste). Textual's reader
(Textual 8.2, pinned) reads an ESC inside a paste as the start of a key sequence: the rest of the
paste after it came out as keys typed, ahead of the paste itself. Pasting a coloured line from a
log (`ESC [31m` ... `ESC [0m`, which tmux and some terminals pass on) put the text after the first
code before the text before it, and a line break after a code was an Enter that saved the line
or the form half-filled; the keys after it went to the task board as commands.

`clean_pastes` puts a filter in front of Textual's reader: inside a paste, escape sequences
(colours, cursor moves, titles, anything starting with ESC) are taken out, as `ic run` takes them
out of a command's output; the text around them is the paste. Outside a paste nothing changes.

Every text field of the console is one line (Textual's `Input`), and Textual's Input kept only
the first line of a paste and dropped the rest without a word: a stack trace pasted into the
log line, two words of a runbook pasted into its search from a chat, a task name pasted into
the palette. `clean_pastes` also makes every Input (the log line, the forms, the palette, the
runbooks' and the review's search) take a paste, and ctrl+v of the console's own clipboard, the
same way (`one_line`): its lines joined by single spaces, tabs as spaces, control characters out,
and a toast when line breaks were joined.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets import Input

ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
#: The longest escape sequence taken out as one; a longer one is text that only started like one.
LONGEST_SEQUENCE = 256


class PasteFilter:
    """Takes escape sequences out of the text between the paste markers, across reads."""

    def __init__(self) -> None:
        self.pasting = False
        #: Outside a paste: the end of the last read, which may be the start of `PASTE_START`.
        self._tail = ""
        #: Inside a paste: the escape sequence being read ("" when none).
        self._sequence = ""

    def __call__(self, data: str) -> str:
        out: list[str] = []
        while data:
            if not self.pasting:
                seen = self._tail + data
                at = seen.find(PASTE_START)
                if at < 0:
                    out.append(data)
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    return "".join(out)
                # Pass everything up to the marker's end through; what follows is the paste.
                end = at + len(PASTE_START) - len(self._tail)
                out.append(data[:end])
                data = data[end:]
                self._tail = ""
                self.pasting = True
                continue
            data = self._inside(data, out)
        return "".join(out)

    def _inside(self, data: str, out: list[str]) -> str:
        """Read `data` inside a paste into `out`; what is left after the paste ends."""
        position = 0
        size = len(data)
        while position < size:
            if not self._sequence:
                # The text up to the next ESC at once: a paste is mostly text.
                at = data.find(ESC, position)
                if at < 0:
                    out.append(data[position:])
                    return ""
                out.append(data[position:at])
                self._sequence = ESC
                position = at + 1
                continue
            character = data[position]
            position += 1
            done = self._escape(character)
            if done is None:
                continue  # still in the sequence
            if done == PASTE_END:
                out.append(PASTE_END)
                self.pasting = False
                return data[position:]
            if done == "again":
                # Not part of the sequence (which is dropped): the character is read anew.
                self._sequence = ESC if character == ESC else ""
                if character != ESC:
                    out.append(character)
        return ""

    def _escape(self, character: str) -> str | None:
        """Add `character` to the sequence being read: None while it goes on, the sequence
        when it ended (dropped unless it is the end of the paste), "again" when the character
        does not belong to it."""
        sequence = self._sequence
        if len(sequence) >= LONGEST_SEQUENCE:
            self._sequence = ""
            return "again"
        if sequence == ESC:
            if character in "[]":
                self._sequence += character
                return None
            if character == ESC or not character.isprintable():
                return "again"
            self._sequence = ""  # ESC and one character (ESC c, ESC 7...): dropped
            return sequence + character
        if sequence.startswith("\x1b]"):  # OSC: up to BEL or ESC \
            if character == "\x07":
                self._sequence = ""
                return sequence + character
            if sequence.endswith(ESC):
                if character == "\\":
                    self._sequence = ""
                    return sequence + character
                self._sequence = ESC  # the ESC started another sequence
                return self._escape(character)
            self._sequence += character
            return None
        # CSI: parameters and intermediates (0x20-0x3f), then one final byte (0x40-0x7e).
        code = ord(character)
        if 0x20 <= code <= 0x3F:
            self._sequence += character
            return None
        if 0x40 <= code <= 0x7E:
            self._sequence = ""
            return sequence + character
        return "again"


#: Invisible characters that a paste keeps: they join emoji ("🧑‍🚒") and the letters of some
#: scripts (as `domain.text` keeps them in names).
_JOINERS = frozenset({"\u200c", "\u200d"})


def _shown(line: str) -> str:
    """`line` without control characters (tabs become spaces): what a one-line field keeps."""
    line = line.replace("\t", " ")
    if line.isprintable():
        return line  # the common case, at C speed
    return "".join(
        ch
        for ch in line
        if ch in _JOINERS or unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"}
    )


def one_line(text: str) -> tuple[str, int]:
    """A paste as a one-line field takes it, and how many lines it held. Several lines are
    joined by single spaces (each trimmed, blank ones left out); one line is kept as it is,
    its spaces included. Control characters are taken out either way."""
    lines = [line for line in (_shown(line) for line in text.splitlines()) if line.strip()]
    if len(lines) <= 1:
        return (lines[0] if lines else ""), len(lines)
    return " ".join(line.strip() for line in lines), len(lines)


def _insert(field: Input, text: str) -> None:
    """`text` where the cursor is, over the selection if there is one, as Input pastes."""
    if not text:
        return
    selection = field.selection
    if selection.is_empty:
        field.insert_text_at_cursor(text)
    else:
        field.replace(text, *selection)


def _joined(field: Input, lines: int) -> None:
    if lines > 1:
        field.app.notify(f"Pasted {lines} lines as one: the line breaks became spaces.", timeout=4)


def _on_paste(field: Input, event: events.Paste) -> None:
    """Input's own handler, replaced: every line of the paste, not the first."""
    event.stop()
    text, lines = one_line(event.text)
    _insert(field, text)
    _joined(field, lines)


def _action_paste(field: Input) -> None:
    """ctrl+v (the console's own clipboard, which holds whole sentences copied with c)."""
    text, lines = one_line(field.app.clipboard)
    start, end = field.selection
    field.replace(text, start, end)
    _joined(field, lines)


def pastes_as_one_line() -> None:
    """Make every Input of this process take a paste as `one_line` does (once)."""
    if getattr(Input, "_ic_one_line_pastes", False):
        return
    Input._on_paste = _on_paste  # type: ignore[method-assign,assignment]
    Input.action_paste = _action_paste  # type: ignore[method-assign,assignment]
    Input._ic_one_line_pastes = True  # type: ignore[attr-defined]


def clean_pastes() -> None:
    """Put a `PasteFilter` in front of every terminal reader of this process, and make every
    text field take a paste whole (once)."""
    pastes_as_one_line()
    if getattr(XTermParser, "_ic_clean_pastes", False):
        return
    feed: Callable[[XTermParser, str], Iterable[Any]] = XTermParser.feed

    def filtered(parser: XTermParser, data: str) -> Iterable[Any]:
        if not data:
            return feed(parser, data)  # the end of input
        paste_filter = parser.__dict__.get("_ic_paste_filter")
        if paste_filter is None:
            paste_filter = parser.__dict__["_ic_paste_filter"] = PasteFilter()
        kept = paste_filter(data)
        # Never "" for a read that was all escape code: "" tells the reader the input ended.
        return feed(parser, kept) if kept else ()

    XTermParser.feed = filtered  # type: ignore[method-assign,assignment]
    XTermParser._ic_clean_pastes = True  # type: ignore[attr-defined]
