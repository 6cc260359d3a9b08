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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual._xterm_parser import XTermParser

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


def clean_pastes() -> None:
    """Put a `PasteFilter` in front of every terminal reader of this process (once)."""
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
