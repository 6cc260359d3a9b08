"""The log pane's rows for the part of the log the state snapshot covers, when there is no rows
cache (`log.rows`): the first console open of an incident only commands wrote, or after the
cache's layout changed.

Without this, that open reads the whole log through the full reader (checksum, schema and order
of every line, a pydantic model for each event) to describe every event: about a second at
100,000 events, most of it checking again lines the snapshot's own fold already checked. The
snapshot vouches for those bytes (`snapshot.covered_prefix`: the log still begins with the
prefix its fold read, by the prefix's hash and last line), so the same trust that lets every
command start from the snapshot's state lets the pane take its rows from them without checking
them again:

- a scribe line (`log.added`, nearly all of a long log) becomes its row straight from its JSON:
  seq, time, author, kind, text and when it happened, typed by msgspec in C;
- any other line (tasks, roles, decisions: words that depend on earlier events), and any
  scribe line not in the plain shape the writer gives it, goes through the full schema in runs
  and is described as the full read describes it (the caller's narrator and numbering).

Nothing here is trusted over the log: anything unexpected (a snapshot of several files, a line
that does not follow on, a line another replica wrote, whose clock the pane may tell as a row:
`merged.clocks_ahead`) gives None, and the console reads the whole log as before. The rows are
checked against the full read by `tests/test_prefix_rows.py`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import msgspec
from pydantic import ValidationError

from ic_console.domain.describe import Narrator
from ic_console.domain.events import EVENT_LIST_ADAPTER, Event
from ic_console.domain.log_rows import LogRow, event_rows
from ic_console.domain.model import LogKind
from ic_console.store.eventlog import line_stems
from ic_console.store.paths import event_files, open_private
from ic_console.store.replay import gc_paused
from ic_console.store.rows_cache import CachedRows
from ic_console.store.snapshot import CHUNK, covered_prefix

_KINDS = frozenset(kind.value for kind in LogKind)


class _Data(msgspec.Struct):
    """What a scribe line's payload holds (other payloads' fields are not read)."""

    type: str
    kind: str | None = None
    text: str | None = None
    occurred_at: str | None = None


class _Line(msgspec.Struct):
    """What a line's row needs; the other members (id, role, ref, checksum) are not read."""

    seq: int
    at: str
    actor: str
    data: _Data
    origin: str | None = None


_DECODE = msgspec.json.Decoder(_Line).decode
_DECODE_ALL = msgspec.json.Decoder(list[_Line]).decode


def _decoded(line: bytes) -> _Line | bytes:
    """The line's fields, or the line itself when they are not in the plain shape."""
    try:
        return _DECODE(line)
    except msgspec.DecodeError:
        return line


_PARSE_TIME = datetime.fromisoformat


def _aware(text: str) -> datetime | None:
    """The instant the schema reads from `text`, when it is in the shape the writer gives it
    (ISO 8601 with a zone: both readers agree there); None otherwise (the full schema then)."""
    try:
        moment = _PARSE_TIME(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class _ReadAll(Exception):
    """A line another replica wrote (the full read may tell its clock as a row), or lines out
    of order: the whole log is read instead."""


def rows_of_prefix(
    directory: Path,
    mine: str | None,
    narrator: Narrator,
    renumber: Callable[[list[Event]], list[Event]],
) -> CachedRows | None:
    """The rows of the log the snapshot covers, as from a rows cache of that prefix (the caller
    reads and describes the tail after it, as after a cache), or None (read the whole log).

    `narrator` and `renumber` are the pane's: the lines that are not plain scribe lines are
    handed to them in log order, as the full read hands every batch. `mine` is this laptop's
    replica id: a line of any other (a replica's clock running fast or behind is told as a row
    by the full read, once) sends the console to the full read."""
    files = event_files(directory)
    if len(files) != 1:
        return None
    (log_path,) = files
    cover = covered_prefix(directory, log_path)
    if cover is None:
        return None
    offset, lines, seq = cover
    rows: list[LogRow] = []
    #: A run of lines for the full schema (lines with their line end), from seq `start[0]`.
    pending: list[bytes] = []
    start = [1]
    expect = 1

    def describe() -> None:
        """The lines kept for the full schema, validated in one run and described."""
        stems = line_stems(b"".join(pending))
        first, count = start[0], len(pending)
        pending.clear()
        if not stems:
            return
        events = EVENT_LIST_ADAPTER.validate_json(b"[" + b"},".join(stems) + b"}]")
        if [event.seq for event in events] != list(range(first, first + count)):
            raise _ReadAll  # not the lines the snapshot's fold read in order: read them all
        if any(event.origin not in (None, mine) for event in events):
            raise _ReadAll
        rows.extend(event_rows(renumber(events), narrator))

    try:
        with (
            gc_paused(),
            os.fdopen(open_private(log_path, os.O_RDONLY), "rb") as handle,
        ):
            left, carry = offset, b""
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk:
                    return None
                left -= len(chunk)
                data = carry + chunk if carry else chunk
                cut = data.rfind(b"\n") + 1
                carry = data[cut:]
                whole = data[:cut].split(b"\n")
                whole.pop()  # the empty string after the last line end
                try:  # the whole chunk in one call; line by line when a line does not fit
                    decoded: list[_Line | bytes] = list(_DECODE_ALL(b"[" + b",".join(whole) + b"]"))
                except msgspec.DecodeError:
                    decoded = [_decoded(line) for line in whole]
                for line, parsed in zip(whole, decoded, strict=True):
                    if isinstance(parsed, bytes):
                        if not pending:
                            start[0] = expect
                        pending.append(line + b"\n")  # the full schema says what it is
                        expect += 1
                        continue
                    if parsed.seq != expect:
                        return None
                    expect += 1
                    if parsed.origin is not None and parsed.origin != mine:
                        return None
                    entry = parsed.data
                    if (
                        entry.type == "log.added"
                        and entry.kind in _KINDS
                        and entry.text is not None
                    ):
                        at = _aware(parsed.at)
                        when = None if entry.occurred_at is None else _aware(entry.occurred_at)
                        if at is not None and (entry.occurred_at is None or when is not None):
                            if pending:
                                describe()
                            rows.append(
                                LogRow(parsed.seq, at, parsed.actor, entry.kind, entry.text, when)
                            )
                            continue
                    if not pending:
                        start[0] = parsed.seq
                    pending.append(line + b"\n")
            if carry:
                return None  # the covered prefix ends with a line end (`covered_prefix`)
            describe()
    except (_ReadAll, ValidationError, OSError):
        return None
    if expect - 1 != seq or lines != seq or (rows and rows[-1].seq != seq):
        return None
    return CachedRows(log_path, offset, lines, seq, rows, narrator, [])
