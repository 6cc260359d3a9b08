"""`log.rows`: the scribe log pane's rows for a prefix of the log, so the console opens on them.

The rows of system lines (tasks, roles, joins) are words that depend on earlier events (whose task
it was, who objected), so without this cache the console replays the whole log to build them.
Derived data, like `state.snapshot`, and checked the same way: rebuilt when missing, stale or
damaged, never trusted over the log. It records the log file it was built from, the byte offset,
line count and last sequence number it covers, a CRC-32 of that prefix and of its last line, so
any change to those bytes makes it stale; the events appended after it are described on open,
with the narrator's memory saved beside the rows so their words are the ones a full replay gives.

Two lines of JSON (never pickle: a folder may come from another machine):

1. a header (its CRC-32 in hex, a space, then JSON): format, versions, what it covers, the
   narrator's memory and the checksum and length of line 2;
2. the rows, each `[seq, recorded_at, author, kind, text, occurred_at]`, every value checked.

Written when the console closes the incident (with the state snapshot), atomically through a
private temp file renamed into place, without fsync (a torn file fails its checksum).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import msgspec

from ic_console.domain.describe import Narrator
from ic_console.domain.events import SCHEMA_VERSION, Event
from ic_console.domain.log_rows import KIND_LABELS, LogRow
from ic_console.store.errors import Notice, StoreError
from ic_console.store.eventlog import EventLog
from ic_console.store.paths import FILE_MODE, event_files, open_private
from ic_console.store.snapshot import (
    SnapshotUnusable,
    checked_header,
    covers_prefix,
    prefix_checksums,
)
from ic_console.store.state_codec import as_int, as_list
from ic_console.store.summary import remove_stale_temps

ROWS_FILE = "log.rows"
FORMAT = "ic-console-log-rows"
#: The layout of this file; one written by a newer layout is ignored (and rebuilt).
ROWS_SCHEMA = 1
TEMP_PREFIX = ".rows."
TEMP_SUFFIX = ".tmp"


@dataclass
class CachedRows:
    """Rows read from the cache and checked against the log they cover."""

    log_path: Path
    offset: int
    lines: int
    seq: int
    rows: list[LogRow]
    narrator: Narrator
    #: The replicas whose fast clock was already told as a row (told once).
    fast: list[str]

    def tail_events(self, up_to_seq: int) -> list[Event]:
        """The events after the covered prefix, up to `up_to_seq`, read and validated from the
        log. Raises `SnapshotUnusable` when they do not follow on from the cache."""
        log = EventLog(self.log_path)
        log.offset, log.lines, log.last_seq = self.offset, self.lines, self.seq
        result = log.read_new()
        if result.damage is not None or result.replaced:
            raise SnapshotUnusable("the log after it cannot be read", damaged=False)
        events = [e for e in result.events if e.seq <= up_to_seq]
        if (events[-1].seq if events else self.seq) != up_to_seq:
            raise SnapshotUnusable("the log after it does not reach the state", damaged=False)
        return events


# -- writing -------------------------------------------------------------------------------------


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _t(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _narrator_body(narrator: Narrator) -> dict[str, Any]:
    return {
        "tasks": [[n, owner, text] for n, (owner, text) in narrator.tasks.items()],
        "objections": [[n, list(by)] for n, by in narrator.objections.items()],
        "deadlines": [[n, _t(at)] for n, at in narrator.deadlines.items()],
        "ic": narrator.ic,
    }


def write_rows(
    directory: Path,
    rows: list[LogRow],
    narrator: Narrator,
    *,
    log: EventLog,
    fast: list[str] | None = None,
) -> bool:
    """Write the cache of `rows`, the pane's rows for what `log` has read (its offset, lines and
    last seq), with the narrator that described them. False when it could not be written, or
    the rows do not end at the log's last read event; never raises for that (a cache)."""
    if not rows or rows[-1].seq != log.last_seq:
        return False
    try:
        remove_stale_temps(directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        prefix_crc, last_crc, last_len = prefix_checksums(log.path, log.offset)
        body = _dumps(
            [
                [r.seq, r.recorded_at.isoformat(), r.author, r.kind, r.text, _t(r.occurred_at)]
                for r in rows
            ]
        )
        header = _dumps(
            {
                "format": FORMAT,
                "schema": ROWS_SCHEMA,
                "event_schema": SCHEMA_VERSION,
                "log": str(log.path.relative_to(directory)),
                "offset": log.offset,
                "lines": log.lines,
                "seq": log.last_seq,
                "prefix_crc": prefix_crc,
                "last_line_crc": last_crc,
                "last_line_len": last_len,
                "rows": len(rows),
                "rows_crc": zlib.crc32(body),
                "rows_len": len(body),
                "narrator": _narrator_body(narrator),
                "fast": sorted(fast or ()),
            }
        )
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(b"%08x " % zlib.crc32(header) + header + b"\n")
                handle.write(body + b"\n")
            os.replace(temp, directory / ROWS_FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except (OSError, StoreError, SnapshotUnusable, ValueError):
        return False
    return True


# -- reading (every value checked: the file may come from anywhere) ------------------------------


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__}")
    return value


def _dt(value: object) -> datetime:
    moment = datetime.fromisoformat(_str(value))
    if moment.tzinfo is None:
        raise ValueError("a time without its zone")
    return moment


#: One row as stored: the times must carry their zone; everything else is checked by type.
_AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]
_ROWS = msgspec.json.Decoder(list[tuple[int, _AwareTime, str, str, str, _AwareTime | None]])


def _rows_from(body: bytes) -> list[LogRow]:
    """The rows, every value checked (typed in C by msgspec; order and kinds here)."""
    try:
        decoded = _ROWS.decode(body)
    except msgspec.ValidationError as error:
        raise ValueError(str(error)) from None
    except msgspec.DecodeError as error:
        raise ValueError(f"not JSON ({error})") from None
    rows = [LogRow(*each) for each in decoded]
    seqs = [row.seq for row in rows]
    if any(b < a for a, b in itertools.pairwise(seqs)) or (seqs and seqs[0] < 1):
        raise ValueError("the rows are not in the log's order")
    if not {row.kind for row in rows} <= KIND_LABELS.keys():
        raise ValueError("a row is not a row of the log (unknown kind)")
    return rows


def _narrator_from(value: object) -> Narrator:
    if not isinstance(value, dict):
        raise ValueError("the narrator is not an object")
    tasks = {}
    for row in as_list(value["tasks"]):
        number, owner, text = as_list(row, 3)
        tasks[as_int(number)] = (_str(owner), _str(text))
    objections = {}
    for row in as_list(value["objections"]):
        number, by = as_list(row, 2)
        objections[as_int(number)] = [_str(name) for name in as_list(by)]
    deadlines = {}
    for row in as_list(value["deadlines"]):
        number, at = as_list(row, 2)
        deadlines[as_int(number)] = _dt(at)
    ic = value["ic"]
    return Narrator(
        tasks=tasks,
        objections=objections,
        deadlines=deadlines,
        ic=None if ic is None else _str(ic),
    )


def read_rows(directory: Path) -> CachedRows | None:
    """The cached rows in `directory` when they match the log they cover, None when there are
    none. Raises `SnapshotUnusable` when stale (not worth telling) or damaged (a notice)."""
    path = directory / ROWS_FILE
    try:
        fd = open_private(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except (StoreError, OSError) as error:
        raise SnapshotUnusable(str(error)) from None
    with os.fdopen(fd, "rb") as handle:
        header, _length = checked_header(handle, 1 << 24)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise SnapshotUnusable("it is not a cache of the log's rows")
        if header.get("schema") != ROWS_SCHEMA or header.get("event_schema") != SCHEMA_VERSION:
            raise SnapshotUnusable("it was written by another version", damaged=False)
        try:
            name = _str(header["log"])
            if ".." in Path(name).parts or name.startswith("/"):
                raise ValueError("its log is not a file of the incident folder")
            offset, lines, seq, count, crc, length = (
                as_int(header[key])
                for key in ("offset", "lines", "seq", "rows", "rows_crc", "rows_len")
            )
            prefix_crc, last_crc, last_len = (
                as_int(header[key]) for key in ("prefix_crc", "last_line_crc", "last_line_len")
            )
            narrator = _narrator_from(header["narrator"])
            fast = [_str(origin) for origin in as_list(header.get("fast", []))]
        except (KeyError, ValueError, TypeError) as error:
            raise SnapshotUnusable(f"its header is incomplete ({error})") from None
        if min(offset, lines, seq, count, length) < 0:
            raise SnapshotUnusable("its header holds a negative count")
        log_path = directory / name
        if not log_path.exists():
            # A pre-replication `events.jsonl` becomes this laptop's replica file, renamed
            # (never rewritten) at its first write: the checksums below say if it is the same.
            files = event_files(directory)
            if len(files) == 1:
                log_path = files[0]
        if not covers_prefix(log_path, offset, last_len, last_crc, prefix_crc):
            raise SnapshotUnusable("the log changed under it", damaged=False)
        body = handle.read(length + 1)
    if len(body) != length + 1 or not body.endswith(b"\n") or zlib.crc32(body[:-1]) != crc:
        raise SnapshotUnusable("its rows do not match their checksum")
    try:
        rows = _rows_from(body[:-1])
    except ValueError as error:
        raise SnapshotUnusable(f"its rows are not valid ({error})") from None
    if len(rows) != count or (rows and rows[-1].seq != seq) or (not rows and seq):
        raise SnapshotUnusable("its rows and header disagree")
    return CachedRows(log_path, offset, lines, seq, rows, narrator, fast)


def load_rows(directory: Path) -> tuple[CachedRows | None, Notice | None]:
    """The cached rows to start from (None: build them from the whole log), and a notice when
    the cache is damaged. A stale one is not worth telling."""
    try:
        return read_rows(directory), None
    except SnapshotUnusable as unusable:
        if not unusable.damaged:
            return None, None
        return None, Notice(
            f"{directory / ROWS_FILE} is damaged ({unusable}); it is ignored and the log's rows "
            "built from the event log."
        )
    except OSError:
        return None, None
