"""`events.jsonl`: the append-only log that is the truth about an incident.

Each line is one `Event` as compact JSON with a CRC-32 of the rest of the line appended as the
last member (`..., "crc": "1a2b3c4d"}`), so a damaged or hand-edited line is noticed. Lines are
written whole by a single `os.write` on an `O_APPEND` descriptor and fsynced before `append`
returns; the caller holds the incident lock around it.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ic_console.domain.events import EVENT_ADAPTER, EVENT_LIST_ADAPTER, SCHEMA_VERSION, Event
from ic_console.store.paths import FILE_MODE

_CRC_MARK = b',"crc":"'


class LogDamaged(Exception):
    """A line of the log cannot be trusted; the incident must open read-only."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}, line {line}: {reason}")


def encode(event: Event) -> bytes:
    """One log line for `event`, newline included."""
    body = EVENT_ADAPTER.dump_json(event)
    crc = zlib.crc32(body)
    return body[:-1] + b'%s%08x"}\n' % (_CRC_MARK, crc)


def decode_body(line: bytes, *, path: Path, number: int) -> bytes:
    """Check the line's checksum and return the event JSON without it."""
    cut = line.rfind(_CRC_MARK)
    if cut < 0 or not line.endswith(b'"}') or len(line) - cut != len(_CRC_MARK) + 10:
        raise LogDamaged(path, number, _describe_bad_line(line, "it has no checksum"))
    body = line[:cut] + b"}"
    try:
        expected = int(line[cut + len(_CRC_MARK) : -2], 16)
    except ValueError:
        raise LogDamaged(path, number, "its checksum is not a number") from None
    if zlib.crc32(body) != expected:
        raise LogDamaged(path, number, _describe_bad_line(body, "its checksum does not match"))
    return body


def _describe_bad_line(body: bytes, fallback: str) -> str:
    """Say why a line is bad in the most useful words we can find."""
    try:
        obj = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return f"{fallback} (the line is not valid JSON; it was changed or damaged)"
    if isinstance(obj, dict) and isinstance(obj.get("v"), int) and obj["v"] > SCHEMA_VERSION:
        return (
            f"it was written by a newer ic-console (schema {obj['v']}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade ic-console to change this incident"
        )
    return f"{fallback} (the line was changed after it was written)"


def parse_lines(
    path: Path, lines: Sequence[bytes], first_line: int, expect_seq: int
) -> list[Event]:
    """Events from whole lines (without newlines); `first_line` is the 1-based line number."""
    bodies = [decode_body(line, path=path, number=first_line + i) for i, line in enumerate(lines)]
    try:
        events = EVENT_LIST_ADAPTER.validate_json(b"[" + b",".join(bodies) + b"]")
    except ValidationError:
        events = []
        for i, body in enumerate(bodies):
            try:
                events.append(EVENT_ADAPTER.validate_json(body))
            except ValidationError as error:
                reason = _describe_bad_line(body, "")
                if not reason.startswith("it was written by a newer"):
                    first = error.errors()[0]
                    where = ".".join(str(part) for part in first["loc"])
                    reason = f"the event is not valid ({where}: {first['msg']})"
                raise LogDamaged(path, first_line + i, reason) from None
    for i, event in enumerate(events):
        if event.v > SCHEMA_VERSION:
            raise LogDamaged(path, first_line + i, _describe_bad_line(bodies[i], ""))
        if event.seq != expect_seq + i:
            raise LogDamaged(
                path,
                first_line + i,
                f"sequence number {event.seq} where {expect_seq + i} was expected "
                "(a line is missing, repeated or out of order)",
            )
    return events


@dataclass
class ReadResult:
    events: list[Event]
    #: Byte offset just past the last whole line read.
    offset: int
    #: Bytes after the last newline: a line still being written, or torn by a crash.
    tail: bytes = b""
    lines: int = 0
    damage: LogDamaged | None = None
    extra: list[str] = field(default_factory=list)


class EventLog:
    """Reads and appends `events.jsonl`, remembering how far it has read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.lines = 0
        self.last_seq = 0
        self._inode: tuple[int, int] | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def _identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_dev, st.st_ino)

    def replaced(self) -> bool:
        """True when the file is no longer the one we have been reading (or was truncated)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return True
        return (st.st_dev, st.st_ino) != self._inode or st.st_size < self.offset

    def size(self) -> int:
        try:
            return os.stat(self.path).st_size
        except FileNotFoundError:
            return 0

    def read_new(self) -> ReadResult:
        """Events appended since the last read (all of them on the first call).

        Only whole lines are consumed; a partial last line stays unread and is returned as
        `tail`. A damaged line stops the read there, with `damage` saying where and why.
        """
        with open(self.path, "rb") as handle:
            st = os.fstat(handle.fileno())
            self._inode = (st.st_dev, st.st_ino)
            handle.seek(self.offset)
            data = handle.read()
        end = data.rfind(b"\n") + 1
        tail = data[end:]
        chunk = data[:end]
        lines = chunk.split(b"\n")[:-1] if chunk else []
        result = ReadResult(events=[], offset=self.offset, tail=tail)
        try:
            events = parse_lines(self.path, lines, self.lines + 1, self.last_seq + 1)
        except LogDamaged as damage:
            # Keep every event before the damaged line; stop there.
            good = damage.line - self.lines - 1
            events = parse_lines(self.path, lines[:good], self.lines + 1, self.last_seq + 1)
            consumed = sum(len(line) + 1 for line in lines[:good])
            result.damage = damage
            lines = lines[:good]
            chunk = chunk[:consumed]
        self.offset += len(chunk)
        self.lines += len(lines)
        if events:
            self.last_seq = events[-1].seq
        result.events = events
        result.offset = self.offset
        result.lines = self.lines
        return result

    def reset(self) -> None:
        self.offset = 0
        self.lines = 0
        self.last_seq = 0
        self._inode = None

    def append(self, events: Sequence[Event]) -> None:
        """Write `events` at the end of the log and fsync. The caller holds the lock."""
        payload = b"".join(encode(event) for event in events)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            written = os.write(fd, payload)
            if written != len(payload):
                # A short write (disk full part-way): cut back to the last whole line.
                size = os.fstat(fd).st_size
                os.ftruncate(fd, size - written)
                raise OSError(28, "No space left on device (short write was undone)")
            os.fsync(fd)
        finally:
            os.close(fd)
