"""`events.jsonl`: the append-only log that is the truth about an incident.

Each line is one `Event` as compact JSON with a CRC-32 of the rest of the line appended as the
last member (`..., "crc": "1a2b3c4d"}`), so a damaged or hand-edited line is noticed. Lines are
written whole by a single `os.write` on an `O_APPEND` descriptor and fsynced before `append`
returns; the caller holds the incident lock around it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import zlib
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from ic_console.domain.events import EVENT_ADAPTER, EVENT_LIST_ADAPTER, SCHEMA_VERSION, Event
from ic_console.store.paths import FILE_MODE, open_private

_CRC_MARK = b',"crc":"'
_CRC_MARK_LEN = len(_CRC_MARK)
#: The checksum member at the end of a line: the mark, 8 hex digits and `"}`.
_CRC_TAIL = _CRC_MARK_LEN + 10
#: Times outside these years are refused when read: the review adds days and cadences to
#: them, and a date past 9999 cannot be represented (a valid event dated 9999-12-31 crashed
#: `ic show`). Nothing real is recorded near either end.
MIN_YEAR = 2
MAX_YEAR = 8999
#: The bytes of a well-formed line past its stem: the checksum member and the line end.
LINE_EXTRA = _CRC_TAIL + 1
#: Prefilter for `_check_times`: a JSON string that starts like an ISO time near either end.
_EXTREME_TIME = re.compile(rb'"(?:000[01]|9\d{3})-\d\d-\d\dT')
#: Lines validated per pydantic call: big enough to amortise the call, small enough that a
#: large log is never held in memory as events all at once.
BATCH_LINES = 4096
#: Bytes read at a time: the reader holds one chunk (and its lines' stems), never the whole log.
READ_CHUNK = 4 << 20


class LogDamaged(Exception):
    """A line of the log cannot be trusted; the incident must open read-only."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}, line {line}: {reason}")


#: Envelope members written only when set, so a line without replication fields is byte for
#: byte what the version before replication wrote.
_OPTIONAL = ("origin", "hlc", "ref")


def encode(event: Event) -> bytes:
    """One log line for `event`, newline included."""
    unset = {name for name in _OPTIONAL if getattr(event, name) is None}
    body = EVENT_ADAPTER.dump_json(event, exclude=unset or None)
    crc = zlib.crc32(body)
    return body[:-1] + b'%s%08x"}\n' % (_CRC_MARK, crc)


def decode_body(line: bytes, *, path: Path, number: int) -> bytes:
    """Check the line's checksum and return the event JSON without it."""
    cut = len(line) - _CRC_TAIL
    if cut <= 0 or line[cut : cut + _CRC_MARK_LEN] != _CRC_MARK or not line.endswith(b'"}'):
        raise LogDamaged(path, number, _describe_bad_line(line, "it has no checksum"))
    body = line[:cut] + b"}"
    try:
        expected = int(line[cut + _CRC_MARK_LEN : -2], 16)
    except ValueError:
        raise LogDamaged(path, number, "its checksum is not a number") from None
    if zlib.crc32(body) != expected:
        raise LogDamaged(path, number, _describe_bad_line(body, "its checksum does not match"))
    return body


def _describe_bad_line(body: bytes, fallback: str) -> str:
    """Say why a line is bad in the most useful words we can find."""
    try:
        obj = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # a peer's line nested 200,000 deep
        return f"{fallback} (the line is not valid JSON; it was changed or damaged)"
    if isinstance(obj, dict) and isinstance(obj.get("v"), int) and obj["v"] > SCHEMA_VERSION:
        return (
            f"it was written by a newer ic-console (schema {obj['v']}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade ic-console to change this incident"
        )
    return f"{fallback} (the line was changed after it was written)"


#: A well-formed line: the event JSON without its closing brace (the "stem"), then the checksum.
_LINE = re.compile(rb'(?m)^(.*),"crc":"([0-9a-f]{8})"}$')


def _stem(line: bytes, *, path: Path, number: int) -> bytes:
    """The checked event JSON of one line, without its closing brace; or `LogDamaged`."""
    body = decode_body(line, path=path, number=number)
    if line[-_CRC_TAIL + _CRC_MARK_LEN : -2].isalnum():
        return body[:-1]
    # `int` accepts "+1f", " 1f" and "1_f"; a stored checksum is exactly 8 hex digits.
    raise LogDamaged(path, number, "its checksum is not a number")


def _checked_stems(
    path: Path, chunk: bytes, first_line: int
) -> tuple[list[bytes], LogDamaged | None]:
    """The checksummed stems of the whole lines in `chunk`, up to the first damaged line.

    One regular expression splits a well-formed chunk into stems and checksums in C; anything
    irregular is read again line by line to say exactly which line is wrong and why.
    """
    pairs = _LINE.findall(chunk)
    if len(pairs) == chunk.count(b"\n"):
        crc32 = zlib.crc32
        stems: list[bytes] = []
        append = stems.append
        for stem, digits in pairs:
            if crc32(b"}", crc32(stem)) != int(digits, 16):
                break
            append(stem)
        else:
            return stems, None
    lines = chunk.split(b"\n")
    lines.pop()  # the empty string after the last newline
    stems = []
    for number, line in enumerate(lines, start=first_line):
        try:
            stems.append(_stem(line, path=path, number=number))
        except LogDamaged as damage:
            return stems, damage
    return stems, None


def line_stems(chunk: bytes) -> list[bytes] | None:
    """What would be the stems of the whole lines in `chunk` (each line less its checksum
    member), or None when `chunk` does not end with a line end. Nothing is checked: for bytes
    read again, which the caller compares with what was read and checked."""
    if chunk and not chunk.endswith(b"\n"):
        return None
    lines = chunk.split(b"\n")
    lines.pop()  # the empty string after the last newline
    return [line[:-_CRC_TAIL] for line in lines]


def _validate_stems(
    path: Path, stems: Sequence[bytes], first_line: int, expect_seq: int
) -> list[Event]:
    """Events from checked stems: their schema (one pydantic call for all of them), schema
    version and sequence numbers are checked; the first bad one raises `LogDamaged`."""
    if not stems:
        return []
    try:
        events = EVENT_LIST_ADAPTER.validate_json(b"[" + b"},".join(stems) + b"}]")
    except ValidationError:
        events = []
        for i, stem in enumerate(stems):
            body = stem + b"}"
            try:
                events.append(EVENT_ADAPTER.validate_json(body))
            except ValidationError as error:
                reason = _describe_bad_line(body, "")
                if not reason.startswith("it was written by a newer"):
                    first = error.errors()[0]
                    where = ".".join(str(part) for part in first["loc"])
                    reason = f"the event is not valid ({where}: {first['msg']})"
                raise LogDamaged(path, first_line + i, reason) from None
    if _EXTREME_TIME.search(b"".join(stems)):
        for i, event in enumerate(events):
            out_of_range = _time_out_of_range(event)
            if out_of_range:
                raise LogDamaged(path, first_line + i, out_of_range)
    seqs = [event.seq for event in events]
    if (
        seqs[0] != expect_seq
        or seqs[-1] != expect_seq + len(seqs) - 1
        or seqs != list(range(expect_seq, expect_seq + len(seqs)))
    ):
        for i, seq in enumerate(seqs):
            if seq != expect_seq + i:
                raise LogDamaged(
                    path,
                    first_line + i,
                    f"sequence number {seq} where {expect_seq + i} was expected "
                    "(a line is missing, repeated or out of order)",
                )
    return events


def _time_out_of_range(event: Event) -> str | None:
    """Why a time in `event` cannot be used (too close to the ends of the calendar), or None."""
    values: list[object] = [
        event.at,
        *(getattr(event.data, name) for name in type(event.data).model_fields),
    ]
    for value in values:
        if isinstance(value, datetime) and not MIN_YEAR <= value.year <= MAX_YEAR:
            return (
                f"its time {value.isoformat()} is out of range (years {MIN_YEAR} to {MAX_YEAR} "
                "are read); the line was changed, or written by a clock far off"
            )
    return None


@dataclass
class ReadResult:
    events: list[Event]
    #: Byte offset just past the last whole line read.
    offset: int
    #: Bytes after the last newline: a line still being written, or torn by a crash.
    tail: bytes = b""
    lines: int = 0
    damage: LogDamaged | None = None
    #: The file is no longer the one read before (replaced, or truncated below the offset):
    #: nothing was read; start again from the beginning.
    replaced: bool = False


class EventLog:
    """Reads and appends `events.jsonl`, remembering how far it has read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.lines = 0
        self.last_seq = 0
        self._inode: tuple[int, int] | None = None
        #: While a batch is handed to `read_new`'s `consume`: the checked stems of its lines
        #: (each line's JSON without the checksum and the closing brace), in order.
        self.stems: Sequence[bytes] = ()

    def replaced(self) -> bool:
        """True when the file is no longer the one we have been reading (or was truncated)."""
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            return True
        if self._inode is None:
            return self.offset > 0
        return (st.st_dev, st.st_ino) != self._inode or st.st_size < self.offset

    def size(self) -> int:
        try:
            return os.lstat(self.path).st_size
        except FileNotFoundError:
            return 0

    def read_new(self, consume: Callable[[list[Event]], None] | None = None) -> ReadResult:
        """Events appended since the last read (all of them on the first call).

        Only whole lines are consumed; a partial last line stays unread and is returned as
        `tail`. A damaged line stops the read there, with `damage` saying where and why.

        With `consume`, events are handed over in batches as they are validated and are not
        kept in the result, so a long log is never held in memory all at once. The read
        position moves past each batch before it is handed over.
        """
        batches = self.read_batches()
        kept: list[Event] = []
        try:
            while True:
                try:
                    events = next(batches)
                except StopIteration as stop:
                    result: ReadResult = stop.value
                    break
                if consume is None:
                    kept.extend(events)
                else:
                    consume(events)
                del events  # not held while the next batch is read and validated
        finally:
            batches.close()
        result.events = kept
        return result

    def read_batches(self) -> Generator[list[Event], None, ReadResult]:
        """`read_new` a batch at a time: each batch of events is yielded as it is validated
        (the read position is past it by then, and `stems` holds its lines' stems while it is
        out), and the `ReadResult` (its `events` empty) is the generator's value. The file
        stays open between batches, so a reader that merges several files pulls from each a
        batch at a time (`store.merged.stream_logs`)."""
        with os.fdopen(open_private(self.path, os.O_RDONLY), "rb") as handle:
            st = os.fstat(handle.fileno())
            identity = (st.st_dev, st.st_ino)
            if (self._inode is not None and identity != self._inode) or st.st_size < self.offset:
                return ReadResult(events=[], offset=self.offset, lines=self.lines, replaced=True)
            self._inode = identity
            handle.seek(self.offset)
            result = ReadResult(events=[], offset=self.offset)
            carry = b""
            while True:
                # Whole lines a chunk at a time: a long log is never held in memory at once,
                # nor every line twice.
                block = handle.read(READ_CHUNK)
                data = carry + block if carry else block
                end = data.rfind(b"\n") + 1
                if not block or not end:
                    carry = data
                    if not block:
                        break
                    continue
                carry = data[end:]
                yield from self._batches(data[:end], result)
                del data
                if result.damage is not None:
                    carry = b""
                    break
        result.tail = carry
        result.offset = self.offset
        result.lines = self.lines
        return result

    def _batches(self, chunk: bytes, result: ReadResult) -> Iterator[list[Event]]:
        """Check and validate the whole lines of `chunk`, yielding each batch of events;
        record any damage."""
        stems, split_damage = _checked_stems(self.path, chunk, self.lines + 1)
        for start in range(0, len(stems), BATCH_LINES):
            batch = stems[start : start + BATCH_LINES]
            try:
                events = _validate_stems(self.path, batch, self.lines + 1, self.last_seq + 1)
            except LogDamaged as damage:
                # Keep every event before the damaged line; stop there.
                batch = batch[: damage.line - self.lines - 1]
                events = _validate_stems(self.path, batch, self.lines + 1, self.last_seq + 1)
                result.damage = damage
            # A well-formed line is its stem, the checksum member (18 bytes) and a newline.
            self.offset += sum(map(len, batch)) + LINE_EXTRA * len(batch)
            self.lines += len(batch)
            if events:
                self.last_seq = events[-1].seq
            result.offset = self.offset
            result.lines = self.lines
            if events:
                self.stems = batch
                try:
                    yield events
                finally:
                    self.stems = ()
            del events  # handed over: not held while the next batch is validated
            if result.damage is not None:
                return
        if result.damage is None:
            result.damage = split_damage

    def torn_tail_at(self) -> int | None:
        """Where a partial last line starts, or None when the log ends with a whole line.

        Reads only the end of the file, so checking a long log costs next to nothing.
        """
        with os.fdopen(open_private(self.path, os.O_RDONLY), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                return None
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return None
            position = size
            block = 64 * 1024
            while position > 0:
                start = max(0, position - block)
                handle.seek(start)
                chunk = handle.read(position - start)
                newline = chunk.rfind(b"\n")
                if newline >= 0:
                    return start + newline + 1
                position = start
            return 0

    def whole_event(self, tail: bytes) -> Event | None:
        """The event in `tail` when it is a whole, checksummed, valid line missing only its
        newline; else None (a torn line, or one still being written). Its sequence number is
        the caller's to check."""
        if not tail.endswith(b'"}'):
            return None
        try:
            stem = _stem(tail, path=self.path, number=self.lines + 1)
            event = EVENT_ADAPTER.validate_json(stem + b"}")
        except (LogDamaged, ValidationError):
            return None
        return None if _time_out_of_range(event) else event

    def reset(self) -> None:
        self.offset = 0
        self.lines = 0
        self.last_seq = 0
        self._inode = None

    def append(self, events: Sequence[Event]) -> None:
        """Write `events` at the end of the log and fsync. The caller holds the lock.

        Either the events are in the log and on disk when this returns, or it raises and the
        log is as it was: a short write (disk full part-way) and a failed fsync are both cut
        back to where the log ended. A failed fsync counts as not written because the caller
        will tell the person "not recorded" and they will retry: had the line stayed, the retry
        would record it twice (and after a failed fsync the kernel may drop the page anyway).
        """
        payload = b"".join(encode(event) for event in events)
        fd = open_private(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            start = os.fstat(fd).st_size  # nobody else appends: the caller holds the lock
            try:
                written = os.write(fd, payload)
                if written != len(payload):
                    raise OSError(errno.ENOSPC, "No space left on device (short write undone)")
                os.fsync(fd)
            except OSError:
                self._cut_back(fd, start)
                raise
        finally:
            os.close(fd)

    @staticmethod
    def _cut_back(fd: int, size: int) -> None:
        """Undo a failed append: the log ends where it ended before (best effort)."""
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
            os.fsync(fd)
