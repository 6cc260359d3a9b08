"""`state.snapshot`: the folded state of a prefix of the log, so a command reads only the tail.

Derived data, like `incident.toml`: rebuilt when missing, stale or damaged, and never trusted
over the log. It records the byte offset, line count and last sequence number it covers, a
CRC-32 of the prefix's last line and an XXH3-64 hash of the whole prefix, so any change to those
bytes (a truncation, a changed byte, a replaced file) makes it stale; lines appended after it
are read as the tail. Reading it costs a hash of the prefix (about 20 ms per 250 MB, a quarter
of what a CRC-32 of it took: a command on a million events checks it every time), far less
than validating and folding every event again.

The file is two lines of JSON and a binary part (never pickle: a folder may come from another
machine), each validated field by field before use (`store.state_codec`):

1. a header (its CRC-32 in hex, a space, then JSON): format, versions, what of the log it
   covers, the latest entries, the checksums of the rest and the lengths of the log's sections;
2. the state without its scribe log;
3. the scribe log as the columns of its `LogBook`: a JSON section (authors, zones), then each
   column's raw bytes and the texts' UTF-8, one after the other. Read only when something asks
   for the entries themselves (`LazyLog`), so `ic log` on a long incident never reads them, and
   then straight into arrays (no entry is parsed). Written from the columns as they are, never
   as one whole-log string.

It is written rarely (see `IncidentStore`): atomically, through a private temp file renamed into
place, without fsync (a torn snapshot fails its checksum and is rebuilt).

One module, though long (about 730 lines): the header, the state body and the binary log section are
one file format, written and checked together; the checks are shared by the single and merged
snapshots.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import json
import os
import sys
import tempfile
import time
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from typing import IO

import xxhash

from ic_console.domain.events import SCHEMA_VERSION
from ic_console.domain.hlc import MergeKey
from ic_console.domain.logbook import TYPECODES, LogBook, LogColumns
from ic_console.domain.model import LogKind
from ic_console.domain.state import IncidentState, LogEntry
from ic_console.store.errors import Notice, StoreError
from ic_console.store.eventlog import EventLog
from ic_console.store.lazylog import LazyLog
from ic_console.store.merged import scribe_log_until
from ic_console.store.paths import FILE_MODE, open_private
from ic_console.store.replay import scribe_log_up_to
from ic_console.store.state_codec import as_int, as_list, log_from, log_rows, state_body, state_from
from ic_console.store.summary import remove_stale_temps

SNAPSHOT_FILE = "state.snapshot"
FORMAT = "ic-console-state-snapshot"
#: The layout of this file; a snapshot written by another layout is ignored (and rebuilt).
#: 2: the scribe log as binary columns (1 had it as one JSON line). 3: follow-ups tracked by
#: their item id, and which log entries another laptop wrote (`domain.followup_ids`). 4: the
#: prefix covered is hashed with XXH3-64 (`prefix_hash`; a CRC-32 before).
SNAPSHOT_SCHEMA = 4
TEMP_PREFIX = ".snapshot."
TEMP_SUFFIX = ".tmp"
#: The latest entries by the time they happened kept in the header, for `latest_by_when`.
RECENT = 50
#: Bytes of the log read at a time while checking the prefix.
CHUNK = 1 << 20


#: What reading a snapshot's scribe log may raise when its bytes are not what was written (then
#: the log is rebuilt from the events): a damaged file, or JSON nested too deep to read.
_LOG_UNREADABLE = (
    OSError,
    StoreError,
    KeyError,
    ValueError,
    TypeError,
    UnicodeDecodeError,
    RecursionError,
)


class SnapshotUnusable(Exception):
    """The snapshot cannot be used; the message says why (for a notice when it is damaged)."""

    def __init__(self, reason: str, *, damaged: bool = True) -> None:
        super().__init__(reason)
        self.damaged = damaged


# -- covering the log ----------------------------------------------------------------------------


def prefix_checksums(path: Path, offset: int) -> tuple[int, int, int]:
    """XXH3-64 of the first `offset` bytes of the log, CRC-32 of its last line, and that line's
    length.

    Reads in chunks, so a long log is never held in memory. Raises `SnapshotUnusable` when the
    log is shorter than `offset` or the prefix does not end with a line end.
    """
    digest = xxhash.xxh3_64()
    last_line = b""
    with os.fdopen(open_private(path, os.O_RDONLY), "rb") as handle:
        stat = os.fstat(handle.fileno())
        size = stat.st_size
        if size < offset:
            raise SnapshotUnusable("the log is shorter than the snapshot", damaged=False)
        key = (stat.st_dev, stat.st_ino, size, stat.st_mtime_ns, offset)
        known = _CHECKED.get(key)
        if known is not None:
            return known
        left = offset
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                raise SnapshotUnusable("the log is shorter than the snapshot", damaged=False)
            left -= len(chunk)
            digest.update(chunk)
            last_line = _last_line(last_line, chunk)
    if offset and not last_line.endswith(b"\n"):
        raise SnapshotUnusable("the snapshot ends inside a line of the log", damaged=False)
    result = digest.intdigest(), zlib.crc32(last_line), len(last_line)
    if time.time_ns() - stat.st_mtime_ns > SETTLED_NS:
        if len(_CHECKED) >= 16:
            _CHECKED.clear()
        _CHECKED[key] = result
    return result


#: A file last changed longer ago than this has a settled modification time: any later write
#: gives it a newer one (the kernel's file times move in ticks of a few milliseconds, so two
#: writes within one tick can leave the same time; git calls this "racy").
SETTLED_NS = 2_000_000_000
#: The prefix checksums this process worked out, by the file (device, inode), its size and
#: modification time, and the offset: the snapshot and the rows cache check the same prefix of
#: the same file at each open (0.1 s each at a million events). Only files whose time had
#: settled are kept, so any write since then changes the key and the bytes are read again.
_CHECKED: dict[tuple[int, int, int, int, int], tuple[int, int, int]] = {}


def covers_prefix(
    log_path: Path, offset: int, last_line_len: int, last_line_crc: int, prefix_hash: int
) -> bool:
    """True when the log still begins with the prefix these checksums describe: the cheap test
    first (its last line), then the whole prefix. For derived files checked like the snapshot
    (`store.rows_cache`). Raises `SnapshotUnusable` when the log is shorter than `offset`."""
    if _last_line_crc(log_path, offset, last_line_len) != last_line_crc:
        return False
    return prefix_checksums(log_path, offset)[0] == prefix_hash


def _last_line(previous: bytes, chunk: bytes) -> bytes:
    """The last line (with its line end) seen so far, given the next chunk."""
    end = chunk.rfind(b"\n", 0, len(chunk) - 1)
    if end >= 0:
        return chunk[end + 1 :]
    return previous + chunk if not previous.endswith(b"\n") else chunk


# -- writing -----------------------------------------------------------------------------------


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def write_snapshot(
    directory: Path,
    state: IncidentState,
    *,
    log_path: Path,
    offset: int,
    lines: int,
    merged: tuple[list[EventLog], MergeKey] | None = None,
) -> Path:
    """Write the snapshot of `state`, which is the fold of the log's first `offset` bytes.

    Atomic (a private temp file renamed over the old one; a link in its place is replaced, never
    followed) and not fsynced: the snapshot is a cache that a crash may lose or tear, and a torn
    one fails its checksum.
    """
    prefix_hash, last_crc, last_len = prefix_checksums(log_path, offset)
    body = _dumps(state_body(state))
    book = state.log if isinstance(state.log, LogBook) else LogBook(state.log)
    columns = book.columns()
    sections = _log_sections(columns)
    log_crc = 0
    for section in sections:
        log_crc = zlib.crc32(section, log_crc)
    header: dict[str, object] = {
        "format": FORMAT,
        "schema": SNAPSHOT_SCHEMA,
        "event_schema": SCHEMA_VERSION,
        "offset": offset,
        "lines": lines,
        "seq": state.last_seq,
        "prefix_hash": prefix_hash,
        "last_line_crc": last_crc,
        "last_line_len": last_len,
        "log_entries": len(book),
        "followups": book.count_kind(LogKind.FOLLOWUP),
        "recent": [[i, *log_rows([e])[0]] for i, e in book.latest(RECENT)],
        "body_crc": zlib.crc32(body),
        "body_len": len(body),
        "log_crc": log_crc,
        "log_len": sum(_nbytes(section) for section in sections),
        # meta, the columns, all the packed blocks as one, the open block
        "log_sections": [
            *(_nbytes(section) for section in sections[: len(TYPECODES) + 1]),
            sum(_nbytes(section) for section in sections[len(TYPECODES) + 1 : -1]),
            len(columns.open),
        ],
        "byteorder": sys.byteorder,
        "itemsizes": [array(code).itemsize for code in TYPECODES],
    }
    if merged is not None:
        logs, last_key = merged
        header["files"] = [_cover(directory, each) for each in logs]
        header["last_key"] = list(last_key)
    path = directory / SNAPSHOT_FILE
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            head = _dumps(header)
            handle.write(b"%08x " % zlib.crc32(head) + head + b"\n")
            handle.write(body + b"\n")
            for section in sections:  # straight from the columns: no copy of the log
                handle.write(section)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


def _nbytes(section: bytes | bytearray | memoryview | array[int]) -> int:
    return len(section) * (section.itemsize if isinstance(section, array) else 1)


def _log_sections(columns: LogColumns) -> list[bytes | bytearray | memoryview | array[int]]:
    """The scribe log's part of the file, in order: a JSON section (the authors; the zones of
    the instants not in UTC, as offsets in microseconds or null; the first entry of the open
    block of text), each column, the packed blocks of text one after the other, the open one."""
    zones = [
        [key, None if zone is None else _offset_micros(zone)]
        for key, zone in sorted(columns.zones.items())
    ]
    meta = _dumps({"authors": columns.authors, "zones": zones, "open_first": columns.open_first})
    return [meta, *columns.arrays, *columns.blocks, columns.open]


def _offset_micros(zone: tzinfo) -> int:
    return (zone.utcoffset(None) or timedelta(0)) // timedelta(microseconds=1)


# -- reading (every value checked: the file may come from anywhere) ----------------------------


class Snapshot:
    """A snapshot read from disk and checked against the log it claims to cover."""

    def __init__(self, state: IncidentState, *, offset: int, lines: int) -> None:
        self.state = state
        self.offset = offset
        self.lines = lines


@dataclass(frozen=True)
class _Header:
    """What the first line says: the part of the log covered and the checksums of the rest."""

    length: int  # of the header line itself, with its line end
    offset: int
    lines: int
    seq: int
    prefix_hash: int
    last_line_crc: int
    last_line_len: int
    body_crc: int
    body_len: int
    log_crc: int
    log_len: int
    log_entries: int
    followups: int
    recent: list[tuple[int, LogEntry]]
    #: Several replicas' files (`write_merged_snapshot`): what of each file is covered, and the
    #: merge key of the last event folded. None for the snapshot of one log.
    files: list[CoveredFile] | None = None
    last_key: MergeKey | None = None
    #: The byte length of each section of the scribe log (`_log_sections`), the byte order and
    #: item sizes its columns were written with.
    log_sections: tuple[int, ...] = ()
    byteorder: str = ""
    itemsizes: tuple[int, ...] = ()


@dataclass(frozen=True)
class CoveredFile:
    """What a merged snapshot covers of one replica's file."""

    name: str  # relative to the incident folder
    offset: int
    lines: int
    last_seq: int
    prefix_hash: int
    last_line_crc: int
    last_line_len: int


def read_snapshot(
    directory: Path, log_path: Path, *, rebuild_log: Callable[[int], Iterable[LogEntry]]
) -> Snapshot | None:
    """The snapshot in `directory` when it matches the log, None when there is none.

    Raises `SnapshotUnusable` when it is stale (the log changed under it: not worth telling)
    or damaged (worth a notice).
    `rebuild_log(seq)` gives the scribe log up to `seq` from the log itself, should the
    snapshot's scribe-log line turn out to be damaged (or replaced) when it is finally read.
    """
    path = directory / SNAPSHOT_FILE
    try:
        fd = open_private(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except (StoreError, OSError) as error:
        raise SnapshotUnusable(str(error)) from None
    with os.fdopen(fd, "rb") as handle:
        header = _read_header(handle)
        if header.files is not None:
            raise SnapshotUnusable("it covers several replicas' files", damaged=False)
        # The cheap test first (the last line covered), then the whole prefix.
        if _last_line_crc(log_path, header.offset, header.last_line_len) != header.last_line_crc:
            raise SnapshotUnusable("the log changed under it", damaged=False)
        if prefix_checksums(log_path, header.offset)[0] != header.prefix_hash:
            raise SnapshotUnusable("the log changed under it", damaged=False)
        state = _checked_state(handle, header)
    if state.last_seq != header.seq:
        raise SnapshotUnusable("its state and header disagree")

    def load_log() -> Iterable[LogEntry]:
        try:
            return _read_scribe_log(path, header)
        except _LOG_UNREADABLE:
            return rebuild_log(header.seq)

    state.log = LazyLog(load_log, header.log_entries, header.followups, header.recent)
    return Snapshot(state, offset=header.offset, lines=header.lines)


def checked_header(handle: IO[bytes], limit: int) -> tuple[object, int]:
    """The first line of a derived file (`state.snapshot`, `log.rows`): eight hex digits of the
    CRC-32 of the JSON after them, a space, the JSON; and the line's length in bytes. Damage is
    `SnapshotUnusable`."""
    line = handle.readline(limit)
    try:
        if int(line[:8], 16) != zlib.crc32(line[9:-1]):
            raise ValueError("its header does not match its checksum")
        return json.loads(line[9:]), len(line)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SnapshotUnusable("its header is damaged") from None


def _checked_state(handle: IO[bytes], header: _Header) -> IncidentState:
    """The state body after the header, checked against the header's length and checksum."""
    body = handle.read(header.body_len + 1)
    if (
        len(body) != header.body_len + 1
        or not body.endswith(b"\n")
        or zlib.crc32(body[:-1]) != header.body_crc
    ):
        raise SnapshotUnusable("its state does not match its checksum")
    try:
        return state_from(json.loads(body))
    except (KeyError, ValueError, TypeError, UnicodeDecodeError, RecursionError) as error:
        raise SnapshotUnusable(f"its state is not valid ({error})") from None


def _read_header(handle: IO[bytes]) -> _Header:
    """The first line, checked against its checksum, its format and every field's type."""
    header, header_length = checked_header(handle, 1 << 20)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SnapshotUnusable("it is not a state snapshot")
    schema = header.get("schema")
    if not isinstance(schema, int) or schema > SNAPSHOT_SCHEMA:
        raise SnapshotUnusable(
            f"it was written by a newer ic-console (snapshot layout {schema})", damaged=False
        )
    if header.get("event_schema") != SCHEMA_VERSION or schema != SNAPSHOT_SCHEMA:
        raise SnapshotUnusable("it was written for another event schema", damaged=False)
    try:
        fields = _Header(
            length=header_length,
            **{name: as_int(header[name]) for name in _COUNTS},
            recent=[(as_int(row[0]), log_from([row[1:]])[0]) for row in as_list(header["recent"])],
            files=_covered_files(header.get("files")),
            last_key=_merge_key_from(header.get("last_key")),
            log_sections=tuple(as_int(n) for n in as_list(header["log_sections"])),
            byteorder=_byteorder(header["byteorder"]),
            itemsizes=tuple(as_int(n) for n in as_list(header["itemsizes"], len(TYPECODES))),
        )
    except (KeyError, ValueError, TypeError, IndexError, RecursionError) as error:
        raise SnapshotUnusable(f"its header is incomplete ({error})") from None
    counts = (fields.offset, fields.lines, fields.seq, fields.body_len, fields.log_len)
    if min(*counts, fields.log_entries, fields.followups, *fields.log_sections) < 0:
        raise SnapshotUnusable("its header holds a negative count")
    if len(fields.log_sections) != len(TYPECODES) + 3:
        raise SnapshotUnusable("its header does not list the scribe log's sections")
    if sum(fields.log_sections) != fields.log_len:
        raise SnapshotUnusable("its scribe log's sections do not add up to its length")
    return fields


def _byteorder(value: object) -> str:
    if value not in ("little", "big"):
        raise ValueError("the byte order is neither little nor big")
    return str(value)


#: The whole numbers of the header, by their names there (and in `_Header`).
_COUNTS = (
    "offset",
    "lines",
    "seq",
    "body_len",
    "log_len",
    "log_crc",
    "log_entries",
    "followups",
    "prefix_hash",
    "last_line_crc",
    "last_line_len",
    "body_crc",
)


def _read_scribe_log(path: Path, header: _Header) -> LogBook:
    """The third part: the scribe log the snapshot covers, read straight into its columns and
    checked against the header (lengths, checksum, then `LogBook.from_columns`)."""
    if header.itemsizes != tuple(array(code).itemsize for code in TYPECODES):
        raise ValueError("the scribe log's columns were written with other item sizes")
    meta_len, *column_lens, packed_len, open_len = header.log_sections
    crc = 0
    with os.fdopen(open_private(path, os.O_RDONLY), "rb") as handle:
        handle.seek(header.length + header.body_len + 1)
        meta = bytearray(meta_len)
        _read_exactly(handle, meta)
        crc = zlib.crc32(meta, crc)
        arrays: list[array[int]] = []
        for code, size, length in zip(TYPECODES, header.itemsizes, column_lens, strict=True):
            if length % size:
                raise ValueError("a column of the scribe log is cut inside an item")
            column = array(code, bytes(length))
            _read_exactly(handle, column)
            crc = zlib.crc32(column, crc)
            arrays.append(column)
        packed = bytearray(packed_len)
        _read_exactly(handle, packed)
        crc = zlib.crc32(packed, crc)
        text = bytearray(open_len)
        _read_exactly(handle, text)
        crc = zlib.crc32(text, crc)
        if handle.read(1):
            raise ValueError("the snapshot goes on past its scribe log")
    if crc != header.log_crc:
        raise ValueError("the scribe log does not match its checksum")
    if header.byteorder != sys.byteorder:
        for column in arrays:
            column.byteswap()
    authors, zones, open_first = _log_meta(json.loads(meta))
    view = memoryview(packed)
    blocks: list[bytes | memoryview] = []
    start = 0
    for length in arrays[-1]:
        if length < 0 or start + length > len(packed):
            raise ValueError("the scribe log's blocks of text overrun their section")
        blocks.append(view[start : start + length])
        start += length
    if start != len(packed):
        raise ValueError("the scribe log's blocks of text do not fill their section")
    columns = LogColumns(tuple(arrays), blocks, text, open_first, authors, zones)
    book = LogBook.from_columns(columns)
    if len(book) != header.log_entries:
        raise ValueError("the scribe log does not hold as many entries as its header")
    return book


def _read_exactly(handle: IO[bytes], into: bytearray | array[int]) -> None:
    view = memoryview(into).cast("B")
    got = 0
    while got < len(view):
        read = handle.readinto(view[got:])  # type: ignore[attr-defined]
        if not read:
            raise ValueError("the snapshot ends inside its scribe log")
        got += read


def _log_meta(value: object) -> tuple[list[str], dict[int, tzinfo | None], int]:
    """The authors and zones of the scribe log's JSON section, every value checked."""
    if not isinstance(value, dict):
        raise ValueError("the scribe log's section of names is not an object")
    authors = [_str_of(name) for name in as_list(value["authors"])]
    zones: dict[int, tzinfo | None] = {}
    for row in as_list(value["zones"]):
        key, offset = as_list(row, 2)
        zones[as_int(key)] = (
            None if offset is None else timezone(timedelta(microseconds=as_int(offset)))
        )
    return authors, zones, as_int(value["open_first"])


def _str_of(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("an author's name is not text")
    return value


# -- several replicas' files -------------------------------------------------------------------


def _cover(directory: Path, log: EventLog) -> list[object]:
    prefix_hash, last_crc, last_len = prefix_checksums(log.path, log.offset)
    name = str(log.path.relative_to(directory))
    return [name, log.offset, log.lines, log.last_seq, prefix_hash, last_crc, last_len]


def _covered_files(value: object) -> list[CoveredFile] | None:
    if value is None:
        return None
    files: list[CoveredFile] = []
    for row in as_list(value):
        name, *numbers = as_list(row, 7)
        if not isinstance(name, str) or ".." in name or name.startswith("/"):
            raise ValueError("a covered file's name is not a file of the incident folder")
        files.append(CoveredFile(name, *(as_int(n) for n in numbers)))
    return files


def _merge_key_from(value: object) -> MergeKey | None:
    if value is None:
        return None
    wall, counter, origin, seq = as_list(value, 4)
    if not isinstance(origin, str):
        raise ValueError("the last key's origin is not text")
    return (as_int(wall), as_int(counter), origin, as_int(seq))


@dataclass(frozen=True)
class MergedSnapshot:
    """A merged snapshot checked against every file it covers."""

    state: IncidentState
    #: Path -> (offset, lines, last sequence number) covered of that file.
    covers: dict[Path, tuple[int, int, int]]
    last_key: MergeKey


def write_merged_snapshot(
    directory: Path, state: IncidentState, logs: list[EventLog], last_key: MergeKey
) -> bool:
    """Write the snapshot of `state`, the merged fold of what each of `logs` has read up to
    `last_key`; False when it could not be written (a cache: never raises for that)."""
    try:
        remove_stale_temps(directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        first = logs[0]
        write_snapshot(
            directory,
            state,
            log_path=first.path,
            offset=first.offset,
            lines=first.lines,
            merged=(logs, last_key),
        )
    except (OSError, StoreError, SnapshotUnusable, ValueError):
        return False
    return True


def load_merged_snapshot(
    directory: Path, files: tuple[Path, ...]
) -> tuple[MergedSnapshot | None, Notice | None]:
    """The merged snapshot when it matches every file it covers (each file's covered prefix,
    checksummed; a file it does not know is read whole as the tail), else None; a notice when
    it is damaged. Any change to a covered prefix, or a covered file gone, makes it stale."""
    path = directory / SNAPSHOT_FILE
    try:
        fd = open_private(path, os.O_RDONLY)
    except FileNotFoundError:
        return None, None
    except (StoreError, OSError):
        return None, None
    try:
        with os.fdopen(fd, "rb") as handle:
            header = _read_header(handle)
            if header.files is None or header.last_key is None:
                return None, None
            covers: dict[Path, tuple[int, int, int]] = {}
            for covered in header.files:
                log_path = directory / covered.name
                if log_path not in files:
                    return None, None  # a covered file is gone
                crc = _last_line_crc(log_path, covered.offset, covered.last_line_len)
                if crc != covered.last_line_crc:
                    return None, None
                if prefix_checksums(log_path, covered.offset)[0] != covered.prefix_hash:
                    return None, None
                covers[log_path] = (covered.offset, covered.lines, covered.last_seq)
            state = _checked_state(handle, header)
    except SnapshotUnusable as unusable:
        if not unusable.damaged:
            return None, None
        return None, Notice(
            f"{path} is damaged ({unusable}); it is ignored and the incident read from its "
            "event logs."
        )
    except OSError:
        return None, None

    last_key = header.last_key

    def load_log() -> Iterable[LogEntry]:
        try:
            return _read_scribe_log(path, header)
        except _LOG_UNREADABLE:
            return scribe_log_until(directory, last_key)

    state.log = LazyLog(load_log, header.log_entries, header.followups, header.recent)
    return MergedSnapshot(state, covers, last_key), None


# -- what the store asks of it ------------------------------------------------------------------


def load_snapshot(directory: Path, events_path: Path) -> tuple[Snapshot | None, Notice | None]:
    """The snapshot to start from (None: read the whole log), and a notice when it is damaged.

    A stale one is not worth telling; a log that cannot be read is told by the full read.
    """
    rebuild_log = functools.partial(scribe_log_up_to, events_path)
    try:
        return read_snapshot(directory, events_path, rebuild_log=rebuild_log), None
    except SnapshotUnusable as unusable:
        if not unusable.damaged:
            return None, None
        return None, Notice(
            f"{directory / SNAPSHOT_FILE} is damaged ({unusable}); it is ignored and the "
            "incident read from its event log."
        )
    except OSError:
        return None, None


def save_snapshot(directory: Path, state: IncidentState, log: EventLog) -> bool:
    """Write the snapshot of `state`, the fold of what `log` has read; False when it could not
    be written. Never raises for a failed write: the snapshot is a cache."""
    try:
        remove_stale_temps(directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        write_snapshot(directory, state, log_path=log.path, offset=log.offset, lines=log.lines)
    except (OSError, StoreError, SnapshotUnusable):
        return False
    return True


def covered_prefix(directory: Path, log_path: Path) -> tuple[int, int, int] | None:
    """What of `log_path` the snapshot covers, (offset, lines, last seq), when it is the
    snapshot of that log alone and the log still begins with the bytes its fold read (the
    prefix's hash and last line); None otherwise (none, another layout, damaged, stale). Only
    the header is read: for the console's rows of that prefix (`store.prefix_rows`)."""
    try:
        fd = open_private(directory / SNAPSHOT_FILE, os.O_RDONLY)
    except (OSError, StoreError):
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            header = _read_header(handle)
        if header.files is not None or not covers_prefix(
            log_path, header.offset, header.last_line_len, header.last_line_crc, header.prefix_hash
        ):
            return None
    except (SnapshotUnusable, OSError, StoreError):
        return None
    return header.offset, header.lines, header.seq


def _last_line_crc(log_path: Path, offset: int, length: int) -> int | None:
    if length > offset or (offset and not length):
        return None
    try:
        with os.fdopen(open_private(log_path, os.O_RDONLY), "rb") as handle:
            handle.seek(offset - length)
            line = handle.read(length)
    except (OSError, StoreError):
        return None
    return zlib.crc32(line) if len(line) == length else None


def _latest(entries: list[LogEntry], count: int) -> list[tuple[int, LogEntry]]:
    """The `count` entries that happened last, with their index, in the order a stable sort
    by `when` puts them (ties in log order)."""
    ranked = heapq.nlargest(count, enumerate(entries), key=lambda pair: (pair[1].when, pair[0]))
    ranked.reverse()
    return ranked


def latest_by_when(log: Sequence[LogEntry], count: int) -> list[LogEntry]:
    """`sorted(log, key=when)[-count:]`, without reading a snapshot's covered entries when
    `count` is within what the snapshot kept, nor building every entry of a `LogBook`."""
    if count <= 0:
        return []
    if isinstance(log, LogBook):
        return [entry for _, entry in log.latest(count)]
    return [entry for _, entry in _latest(list(log), count)]
