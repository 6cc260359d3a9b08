"""`ic log --stdin [ID]`: lines piped in become log entries, recorded a batch at a time as they
arrive, so a monitor piping a line now and then is logged as it goes. The flag is `ic log`'s
(cli/progress.py).
"""

from __future__ import annotations

import argparse
import os
import select
import sys
from typing import Any

from ic_console.cli import EXIT_OK, Context, UsageError
from ic_console.cli.common import after_recorded, cmd, open_store, say, split_id
from ic_console.domain.errors import DomainError
from ic_console.domain.text import clean_text

#: The UTF-8 byte-order mark some editors (Notepad, PowerShell's `Out-File`) put first in a
#: file: one at the very start of stdin is left out, as Python's "utf-8-sig" codec does.
UTF8_BOM = b"\xef\xbb\xbf"

#: Lines of `ic log --stdin` recorded in one append at most.
STDIN_BATCH_LINES = 500


def log_stdin(args: argparse.Namespace, ctx: Context, kind: Any) -> int:
    """`ic log --stdin [ID]`: one entry per line, recorded a batch at a time as lines arrive
    (a monitor piping lines in is logged as it goes). A bad line stops there: the lines before
    it are recorded, and the message names the line."""
    given, _ = split_id(args, 0) if len(args.words) <= 1 else (None, [])
    if len(args.words) > 1:
        raise UsageError(
            "With --stdin, the entries come from stdin, one per line: give at most the "
            "incident id. Usage: ic log --stdin [ID] < lines.txt"
        )
    stream = sys.stdin
    if stream is None or stream.isatty():
        raise UsageError("Nothing is piped in: ic log --stdin [ID] < lines.txt")
    store = open_store(ctx, given)
    from ic_console.cli.progress import at_on_clock_of

    occurred = at_on_clock_of(store, args.at)  # a drill's --at on its own clock
    fd = stream.fileno()
    logged = 0
    number = 0
    carry = b""

    def record(entries: list[cmd.AddLogEntry]) -> None:
        nonlocal logged
        for start in range(0, len(entries), STDIN_BATCH_LINES):
            batch = tuple(entries[start : start + STDIN_BATCH_LINES])
            events = store.execute(cmd.AddLogEntries(entries=batch))
            logged += len(batch)
            after_recorded(ctx, store.incident_id, events)

    entries: list[cmd.AddLogEntry] = []
    while True:
        chunk = os.read(fd, 65536)
        data = carry + chunk
        if chunk:
            end = data.rfind(b"\n") + 1
            lines, carry = data[:end].split(b"\n")[:-1], data[end:]
        else:
            lines, carry = ([data] if data else []), b""
        for raw in lines:
            number += 1
            if number == 1:
                raw = raw.removeprefix(UTF8_BOM)  # an editor's byte-order mark is no text
            try:
                text = _stdin_line(raw, number)
            except UsageError as error:
                record(entries)  # the good lines before the bad one are kept
                raise UsageError(f"{error} {_kept(logged)}") from None
            if text is not None:
                entries.append(cmd.AddLogEntry(text=text, kind=kind, occurred_at=occurred))
        if not chunk:
            record(entries)
            break
        if len(entries) >= STDIN_BATCH_LINES or not _more_waiting(fd):
            # A monitor piping lines now and then: each is logged as it comes.
            record(entries)
            entries = []
    if not logged:
        raise UsageError("stdin held no text to log: give one entry per line.")
    say(ctx, f"Logged {logged} {kind.value} entr{'y' if logged == 1 else 'ies'}.")
    return EXIT_OK


def _kept(logged: int) -> str:
    """What a bad line left recorded, the verb agreeing with the count."""
    if logged == 0:
        return "Nothing was logged."
    if logged == 1:
        return "The 1 entry before it was logged; nothing after it."
    return f"The {logged} entries before it were logged; nothing after it."


def _more_waiting(fd: int) -> bool:
    """Whether more input (or its end) can be read at once: then it joins the same batch."""
    try:
        ready, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return False
    return bool(ready)


def _stdin_line(raw: bytes, number: int) -> str | None:
    """One line of stdin as entry text, None for a blank line; a bad line stops the read."""
    try:
        text = raw.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        raise UsageError(f"stdin line {number} is not UTF-8 text.") from None
    if not text.strip():
        return None
    try:
        return clean_text(text, what="log entry")
    except DomainError as error:
        raise UsageError(f"stdin line {number}: {error}") from None
