"""`log.rows`: the scribe log pane's rows for a prefix of the log, so the console opens on them.

The rows of system lines (tasks, roles, joins) are words that depend on earlier events (whose task
it was, who objected), so without this cache the console replays the whole log to build them.
Derived data, like `state.snapshot`, and checked the same way: rebuilt when missing, stale or
damaged, never trusted over the log. It records the log file it was built from, the byte offset,
line count and last sequence number it covers, a hash of that prefix and a CRC-32 of its last
line, so any change to those bytes makes it stale; the events appended after it are described
on open, with the narrator's memory saved beside the rows so their words are the ones a full
replay gives.

Never pickle (a folder may come from another machine). Laid out so that opening a million rows
costs no more than opening a screenful (issue 13):

1. a header (its CRC-32 in hex, a space, then JSON): format, versions, what it covers, how many
   rows, the narrator's memory;
2. the rows, one a line, each `[seq, recorded_at, author, kind, text, occurred_at]`;
3. the index: where each row begins in (2), and where the last one ends, as little-endian
   64-bit numbers (8 bytes each, one more than there are rows);
4. a trailer line: the length and XXH3-64 hash of (2) and of (3), in hex.

Reading checks the header, the trailer and both checksums (one pass over the bytes, in C), and
every value of the last `CHECKED_TAIL` rows; the pane then decodes each row when it is shown
(`StoredRows`), checking it the same way: a row that fails is shown as a row saying so, and the
cache is dropped when the console closes, so the next one builds it again from the log.

Several replicas' files read merged (two laptops) have a cache too (a layout of its own): its
header also lists each file it covers (offset, lines, last seq, hash of that prefix, CRC-32 of
its last line, as the merged snapshot does) and the merge key of the last event described. The
console starts from it only when it covers exactly what the merged snapshot covers
(`LogRows.resume_merged`): the store then folds from the snapshot and hands the pane only the
events after it.

Written when the console closes the incident (with the state snapshot), piece by piece (the
rows the cache already held are copied as bytes, only the new ones encoded), atomically through
a private temp file renamed into place, without fsync (a torn file fails its checksums).

One module, though long (about 590 lines): the layout (header, rows, index, trailer), its writer and
its lazy reader are one file format and change together.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import os
import re
import sys
import tempfile
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any

import msgspec
import xxhash
from xxhash import xxh3_64_intdigest

from ic_console.domain.describe import Narrator
from ic_console.domain.events import SCHEMA_VERSION, Event
from ic_console.domain.hlc import MergeKey, merge_key
from ic_console.domain.log_rows import KIND_LABELS, LogRow, RowList, RowSequence
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
#: The layout of this file; one written by another layout is ignored (and rebuilt). Layout 2:
#: one row a line and an index of where each begins, so rows are decoded when shown.
#: 4: the prefix and the rows hashed with XXH3-64 (a CRC-32 before: a quarter of the time).
ROWS_SCHEMA = 4
#: The layout of a merged incident's cache: layout 2 and the files it covers. Its own number, so
#: a version that knows only one log's cache ignores it (its rows' seqs are each file's own).
MERGED_ROWS_SCHEMA = 5
TEMP_PREFIX = ".rows."
TEMP_SUFFIX = ".tmp"
#: How many of the last rows are checked when the cache is read (a screenful and more); the
#: rest are checked as they are decoded, when shown.
CHECKED_TAIL = 256
#: The last line: the rows' length and XXH3-64, the index's length and XXH3-64, in hex.
_TRAILER = b"end %016x %016x %016x %016x\n"
_TRAILER_LEN = len(_TRAILER % (0, 0, 0, 0))
#: Bytes written to the file at a time.
_PIECE = 1 << 20


@dataclass
class CachedRows:
    """Rows read from the cache and checked against the log they cover."""

    log_path: Path
    offset: int
    lines: int
    seq: int
    rows: Sequence[LogRow]
    narrator: Narrator
    #: The replicas whose fast clock was already told as a row (told once).
    fast: list[str]
    #: A merged incident's cache: each file's covered (offset, lines, last seq), checked
    #: against the file, and the merge key of the last event described. None for one log's.
    files: dict[Path, tuple[int, int, int]] | None = None
    last_key: MergeKey | None = None

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

    def merged_gap(
        self, covers: dict[Path, tuple[int, int, int]], last_key: MergeKey
    ) -> list[Event] | None:
        """A merged cache that a later merged snapshot covers and more (commands or a sync
        folded events while no console was open, and wrote the snapshot): the events between
        what the cache covers of each file and what the snapshot covers (`covers`, up to
        `last_key`), read and validated from the files, in merge order; the rows carry on
        from the cache through them. None when they do not follow on from the cache: a file the
        cache covers that the snapshot does not, or covers less of; an event that sorts at or
        before the cache's last key (the fold went back to put it there); an event twice; or
        not ending at the snapshot's last key."""
        files, after = self.files, self.last_key
        if files is None or after is None or last_key <= after:
            return None
        parts: list[list[Event]] = []
        for path, start in files.items():
            end = covers.get(path)
            if end is None or end[0] < start[0]:
                return None
        for path, (offset, lines, last_seq) in covers.items():
            start = files.get(path, (0, 0, 0))
            if start[0] == offset:
                if start != (offset, lines, last_seq):
                    return None
                continue
            log = EventLog(path)
            log.offset, log.lines, log.last_seq = start
            result = log.read_new()
            if result.damage is not None or result.replaced:
                return None
            events = [event for event in result.events if event.seq <= last_seq]
            if not events or events[-1].seq != last_seq or start[1] + len(events) != lines:
                return None
            parts.append(events)
        gap = list(heapq.merge(*parts, key=merge_key))
        if (
            not gap
            or merge_key(gap[0]) <= after
            or merge_key(gap[-1]) != last_key
            or len({event.id for event in gap}) != len(gap)
        ):
            return None
        return gap


#: The time of a row that could not be read (shown in its place).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class StoredRows(RowSequence):
    """The rows of a cache file, each decoded (and checked) when asked for: the file's bytes
    and the index of where each row begins, never a million row objects."""

    def __init__(self, body: memoryview, offsets: array[int]) -> None:
        self._body = body
        self._offsets = offsets
        #: How many rows could not be read (each shown as a row saying so).
        self.faults = 0

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _row(self, index: int) -> LogRow:
        try:
            return self.checked(index)
        except ValueError as error:
            self.faults += 1
            return LogRow(
                0,
                _EPOCH,
                "",
                "system",
                f"(line {index + 1} of {ROWS_FILE} could not be read: {error}; the cache is "
                "built again from the log at the next open)",
            )

    def checked(self, index: int) -> LogRow:
        """Row `index`, every value checked; ValueError when it is not a row of the log."""
        offsets = self._offsets
        return _row_from(self._body[offsets[index] : offsets[index + 1]])

    def raw(self) -> tuple[memoryview, array[int]]:
        """The rows' bytes and the index (to copy them into a new cache as they are)."""
        return self._body, self._offsets


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


_ENCODER = msgspec.json.Encoder()


def _little_endian(index: array[int]) -> bytes:
    if sys.byteorder == "big":  # pragma: no cover (the file is little-endian everywhere)
        index = array("Q", index)
        index.byteswap()
    return index.tobytes()


class _Pieces:
    """Writes rows to the file a piece at a time, keeping their hash and index."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = xxhash.xxh3_64()
        self.size = 0
        self.index = array("Q", [0])
        self._pending: list[bytes] = []
        self._pending_size = 0

    def copy(self, body: memoryview, offsets: array[int]) -> None:
        """Rows already encoded (a cache's), first in the file: their bytes and their index."""
        if self.size or self._pending:
            raise ValueError("copied rows must come first")
        for start in range(0, len(body), _PIECE):
            piece = body[start : start + _PIECE]
            self.digest.update(piece)
            self.handle.write(piece)
        self.size = len(body)
        self.index = array("Q", offsets)

    def add(self, row: LogRow) -> None:
        line = _ENCODER.encode(
            (row.seq, row.recorded_at, row.author, row.kind, row.text, row.occurred_at)
        )
        self._pending.append(line)
        self._pending.append(b"\n")
        self._pending_size += len(line) + 1
        self.index.append(self.size + self._pending_size)
        if self._pending_size >= _PIECE:
            self.flush()

    def flush(self) -> None:
        piece = b"".join(self._pending)
        self._pending.clear()
        self.digest.update(piece)
        self.handle.write(piece)
        self.size += len(piece)
        self._pending_size = 0


def write_rows(
    directory: Path,
    rows: Sequence[LogRow],
    narrator: Narrator,
    *,
    log: EventLog,
    fast: list[str] | None = None,
    merged: tuple[list[EventLog], MergeKey] | None = None,
) -> bool:
    """Write the cache of `rows`, the pane's rows for what `log` has read (its offset, lines and
    last seq), with the narrator that described them. False when it could not be written, or
    the rows do not end at the log's last read event; never raises for that (a cache).

    `merged`: the rows are those of the merged fold of what each of these logs has read, up to
    that merge key (`log` is the first of them).

    Rows read from a cache (`StoredRows` as the base of a `RowList`) are copied as bytes."""
    if not rows or (merged is None and rows[-1].seq != log.last_seq):
        return False
    base: Sequence[LogRow] = ()
    added: Sequence[LogRow] = rows
    if isinstance(rows, RowList) and isinstance(rows.base, StoredRows):
        if rows.base.faults:
            return False
        base, added = rows.base, rows.added
    try:
        remove_stale_temps(directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        prefix_hash, last_crc, last_len = prefix_checksums(log.path, log.offset)
        covered: dict[str, object] = {}
        if merged is not None:
            covered = {
                "files": [_cover(directory, each) for each in merged[0]],
                "last_key": list(merged[1]),
            }
        header = _dumps(
            {
                "format": FORMAT,
                "schema": ROWS_SCHEMA if merged is None else MERGED_ROWS_SCHEMA,
                "event_schema": SCHEMA_VERSION,
                "log": str(log.path.relative_to(directory)),
                "offset": log.offset,
                "lines": log.lines,
                "seq": log.last_seq,
                "prefix_hash": prefix_hash,
                "last_line_crc": last_crc,
                "last_line_len": last_len,
                "rows": len(rows),
                "narrator": _narrator_body(narrator),
                "fast": sorted(fast or ()),
                **covered,
            }
        )
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(b"%08x " % zlib.crc32(header) + header + b"\n")
                pieces = _Pieces(handle)
                if isinstance(base, StoredRows):
                    pieces.copy(*base.raw())
                for row in added:
                    pieces.add(row)
                pieces.flush()
                index = _little_endian(pieces.index)
                handle.write(index)
                handle.write(
                    _TRAILER
                    % (pieces.size, pieces.digest.intdigest(), len(index), xxh3_64_intdigest(index))
                )
            os.replace(temp, directory / ROWS_FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except (OSError, StoreError, SnapshotUnusable, ValueError, msgspec.EncodeError):
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
_ROW = msgspec.json.Decoder(tuple[int, _AwareTime, str, str, str, _AwareTime | None])


def _row_from(line: bytes | memoryview) -> LogRow:
    """One row, every value checked (typed in C by msgspec; its kind here)."""
    try:
        seq, recorded_at, author, kind, text, occurred_at = _ROW.decode(line)
    except msgspec.ValidationError as error:
        raise ValueError(str(error)) from None
    except msgspec.DecodeError as error:
        raise ValueError(f"not JSON ({error})") from None
    if kind not in KIND_LABELS:
        raise ValueError("a row is not a row of the log (unknown kind)")
    if seq < 1:
        raise ValueError("the rows are not in the log's order")
    return LogRow(seq, recorded_at, author, kind, text, occurred_at)


def _check_tail(rows: StoredRows, count: int, *, ordered: bool = True) -> list[LogRow]:
    """The last `count` rows, every value checked, in the log's order (`ordered`: one log,
    whose seqs only grow). ValueError when not."""
    tail = [rows.checked(i) for i in range(max(0, len(rows) - count), len(rows))]
    if ordered and any(b.seq < a.seq for a, b in itertools.pairwise(tail)):
        raise ValueError("the rows are not in the log's order")
    return tail


def _stored_rows(rest: bytes, count: int) -> StoredRows:
    """The rows, index and trailer after the header, checked against their lengths and
    checksums. Raises `SnapshotUnusable` (damaged) when they do not match."""
    trailer = re.fullmatch(
        rb"end ([0-9a-f]{16}) ([0-9a-f]{16}) ([0-9a-f]{16}) ([0-9a-f]{16})\n", rest[-_TRAILER_LEN:]
    )
    if trailer is None:
        raise SnapshotUnusable("its rows do not end with their checksums")
    body_len, body_crc, index_len, index_crc = (int(value, 16) for value in trailer.groups())
    if body_len + index_len + _TRAILER_LEN != len(rest) or index_len != 8 * (count + 1):
        raise SnapshotUnusable("its rows do not match their length")
    view = memoryview(rest)
    body, index = view[:body_len], view[body_len : body_len + index_len]
    if xxh3_64_intdigest(body) != body_crc or xxh3_64_intdigest(index) != index_crc:
        raise SnapshotUnusable("its rows do not match their checksum")
    offsets = array("Q")
    offsets.frombytes(index)
    if sys.byteorder == "big":  # pragma: no cover
        offsets.byteswap()
    if offsets[0] != 0 or offsets[-1] != body_len:
        raise SnapshotUnusable("its index does not match its rows")
    return StoredRows(body, offsets)


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
        schema = header.get("schema")
        if (
            schema not in (ROWS_SCHEMA, MERGED_ROWS_SCHEMA)
            or header.get("event_schema") != SCHEMA_VERSION
        ):
            raise SnapshotUnusable("it was written by another version", damaged=False)
        merged = schema == MERGED_ROWS_SCHEMA
        try:
            name = _str(header["log"])
            if ".." in Path(name).parts or name.startswith("/"):
                raise ValueError("its log is not a file of the incident folder")
            offset, lines, seq, count = (
                as_int(header[key]) for key in ("offset", "lines", "seq", "rows")
            )
            prefix_hash, last_crc, last_len = (
                as_int(header[key]) for key in ("prefix_hash", "last_line_crc", "last_line_len")
            )
            narrator = _narrator_from(header["narrator"])
            fast = [_str(origin) for origin in as_list(header.get("fast", []))]
            covers = _covered_files(header["files"]) if merged else None
            last_key = _merge_key_from(header["last_key"]) if merged else None
        except (KeyError, ValueError, TypeError) as error:
            raise SnapshotUnusable(f"its header is incomplete ({error})") from None
        if min(offset, lines, seq, count) < 0:
            raise SnapshotUnusable("its header holds a negative count")
        log_path = directory / name
        if not log_path.exists():
            # A pre-replication `events.jsonl` becomes this laptop's replica file, renamed
            # (never rewritten) at its first write: the checksums below say if it is the same.
            files = event_files(directory)
            if len(files) == 1:
                log_path = files[0]
        covered = None if covers is None else _checked_covers(directory, covers)
        if covered is None and not covers_prefix(log_path, offset, last_len, last_crc, prefix_hash):
            raise SnapshotUnusable("the log changed under it", damaged=False)
        # One read of exactly what is left: no growing buffer (twice the rows' bytes at peak).
        rest = handle.read(max(0, os.fstat(handle.fileno()).st_size - handle.tell()))
    rows = _stored_rows(rest, count)
    try:
        tail = _check_tail(rows, CHECKED_TAIL, ordered=covered is None)
    except ValueError as error:
        raise SnapshotUnusable(f"its rows are not valid ({error})") from None
    if covered is not None:
        if not tail:
            raise SnapshotUnusable("it holds no rows")
        return CachedRows(
            log_path, offset, lines, seq, rows, narrator, fast, files=covered, last_key=last_key
        )
    if (tail and tail[-1].seq != seq) or (not tail and seq):
        raise SnapshotUnusable("its rows and header disagree")
    return CachedRows(log_path, offset, lines, seq, rows, narrator, fast)


# -- a merged incident's files -------------------------------------------------------------------


def _cover(directory: Path, log: EventLog) -> list[object]:
    """What the cache covers of one replica's file, as the merged snapshot records it."""
    prefix_hash, last_crc, last_len = prefix_checksums(log.path, log.offset)
    name = str(log.path.relative_to(directory))
    return [name, log.offset, log.lines, log.last_seq, prefix_hash, last_crc, last_len]


def _covered_files(value: object) -> list[tuple[str, int, int, int, int, int, int]]:
    files = []
    for row in as_list(value):
        name, *numbers = as_list(row, 7)
        name = _str(name)
        if ".." in Path(name).parts or name.startswith("/"):
            raise ValueError("a covered file is not a file of the incident folder")
        offset, lines, last_seq, prefix_hash, last_crc, last_len = (as_int(n) for n in numbers)
        if min(offset, lines, last_seq, last_len) < 0:
            raise ValueError("a covered file's counts are negative")
        files.append((name, offset, lines, last_seq, prefix_hash, last_crc, last_len))
    if not files:
        raise ValueError("it covers no file")
    return files


def _merge_key_from(value: object) -> MergeKey:
    wall, counter, origin, seq = as_list(value, 4)
    return (as_int(wall), as_int(counter), _str(origin), as_int(seq))


def _checked_covers(
    directory: Path, covers: list[tuple[str, int, int, int, int, int, int]]
) -> dict[Path, tuple[int, int, int]]:
    """Each covered file's (offset, lines, last seq), by its path, once every one of them still
    begins with the prefix the cache describes. `SnapshotUnusable` (stale) when a file changed
    under it or went."""
    files: dict[Path, tuple[int, int, int]] = {}
    for name, offset, lines, last_seq, prefix_hash, last_crc, last_len in covers:
        path = directory / name
        if path in files:
            raise SnapshotUnusable("it lists a file twice")
        try:
            if not covers_prefix(path, offset, last_len, last_crc, prefix_hash):
                raise SnapshotUnusable("a replica's file changed under it", damaged=False)
        except (OSError, StoreError):
            raise SnapshotUnusable("a replica's file it covers is gone", damaged=False) from None
        files[path] = (offset, lines, last_seq)
    return files


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
