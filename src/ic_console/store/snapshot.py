"""`state.snapshot`: the folded state of a prefix of the log, so a command reads only the tail.

Derived data, like `incident.toml`: rebuilt when missing, stale or damaged, and never trusted
over the log. It records the byte offset, line count and last sequence number it covers, a
CRC-32 of the prefix's last line and of the whole prefix, so any change to those bytes (a
truncation, a changed byte, a replaced file) makes it stale; lines appended after it are read
as the tail. Reading it costs a checksum of the prefix (about 10 ms per 25 MB), far less than
validating and folding every event again.

The file is three lines of JSON (never pickle: a folder may come from another machine), each
validated field by field before use:

1. a header (its CRC-32 in hex, a space, then JSON): format, versions, what of the log it
   covers, the latest entries, and the checksums of lines 2 and 3;
2. the state without its scribe log;
3. the scribe log, read only when something asks for the entries themselves (`LazyLog`), so
   `ic log` on a long incident never builds a hundred thousand entries it does not look at.

It is written rarely (see `IncidentStore`): atomically, through a private temp file renamed into
place, without fsync (a torn snapshot fails its checksum and is rebuilt).
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, SupportsIndex, overload

from ic_console.domain.events import SCHEMA_VERSION
from ic_console.domain.model import (
    Audience,
    DecisionStatus,
    LogKind,
    Phase,
    Role,
    Status,
    TaskStatus,
)
from ic_console.domain.state import (
    Decision,
    IncidentState,
    LogEntry,
    Objection,
    Participant,
    RoleStint,
    StakeholderUpdate,
    Task,
)
from ic_console.store.errors import StoreError
from ic_console.store.paths import FILE_MODE, open_private

SNAPSHOT_FILE = "state.snapshot"
FORMAT = "ic-console-state-snapshot"
#: The layout of this file; a snapshot written by a newer layout is ignored (and rebuilt).
SNAPSHOT_SCHEMA = 1
TEMP_PREFIX = ".snapshot."
TEMP_SUFFIX = ".tmp"
#: The latest entries by the time they happened kept in the header, for `latest_by_when`.
RECENT = 50
#: Bytes of the log read at a time while checking the prefix.
CHUNK = 1 << 20
#: The fields of `IncidentState` this module writes; a new field must be added here (a test
#: compares this with the dataclass, so a snapshot never silently drops part of the state).
STATE_FIELDS = (
    "incident_id",
    "title",
    "severity",
    "phase",
    "status",
    "declared_by",
    "declared_at",
    "resolved_at",
    "closed_at",
    "last_seq",
    "updated_at",
    "participants",
    "roles",
    "smes",
    "role_history",
    "tasks",
    "decisions",
    "log",
    "updates",
    "severity_history",
    "phase_history",
    "checklist_ticks",
)


class SnapshotUnusable(Exception):
    """The snapshot cannot be used; the message says why (for a notice when it is damaged)."""

    def __init__(self, reason: str, *, damaged: bool = True) -> None:
        super().__init__(reason)
        self.damaged = damaged


# -- covering the log ----------------------------------------------------------------------------


def prefix_checksums(path: Path, offset: int) -> tuple[int, int, int]:
    """CRC-32 of the first `offset` bytes of the log, of its last line, and that line's length.

    Reads in chunks, so a long log is never held in memory. Raises `SnapshotUnusable` when the
    log is shorter than `offset` or the prefix does not end with a line end.
    """
    crc = 0
    last_line = b""
    with os.fdopen(open_private(path, os.O_RDONLY), "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size < offset:
            raise SnapshotUnusable("the log is shorter than the snapshot", damaged=False)
        left = offset
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                raise SnapshotUnusable("the log is shorter than the snapshot", damaged=False)
            left -= len(chunk)
            crc = zlib.crc32(chunk, crc)
            last_line = _last_line(last_line, chunk)
    if offset and not last_line.endswith(b"\n"):
        raise SnapshotUnusable("the snapshot ends inside a line of the log", damaged=False)
    return crc, zlib.crc32(last_line), len(last_line)


def _last_line(previous: bytes, chunk: bytes) -> bytes:
    """The last line (with its line end) seen so far, given the next chunk."""
    end = chunk.rfind(b"\n", 0, len(chunk) - 1)
    if end >= 0:
        return chunk[end + 1 :]
    return previous + chunk if not previous.endswith(b"\n") else chunk


# -- encoding ----------------------------------------------------------------------------------


def _t(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _state_body(state: IncidentState) -> dict[str, Any]:
    return {
        "incident_id": state.incident_id,
        "title": state.title,
        "severity": state.severity,
        "phase": state.phase.value,
        "status": state.status.value,
        "declared_by": state.declared_by,
        "declared_at": _t(state.declared_at),
        "resolved_at": _t(state.resolved_at),
        "closed_at": _t(state.closed_at),
        "last_seq": state.last_seq,
        "updated_at": _t(state.updated_at),
        "participants": [
            [p.name, _t(p.joined_at), _t(p.released_at), [[_t(a), _t(b)] for a, b in p.earlier]]
            for p in state.participants.values()
        ],
        "roles": [[role.value, name] for role, name in state.roles.items()],
        "smes": list(state.smes),
        "role_history": [
            [s.role.value, s.name, _t(s.start), _t(s.end)] for s in state.role_history
        ],
        "tasks": [
            [
                t.number,
                t.owner,
                t.text,
                _t(t.assigned_at),
                t.assigned_by,
                t.timebox.total_seconds(),
                _t(t.deadline),
                t.status.value,
                _t(t.acknowledged_at),
                _t(t.closed_at),
                t.extensions,
                t.reassignments,
            ]
            for t in state.tasks.values()
        ],
        "decisions": [
            [
                d.number,
                d.text,
                d.proposed_by,
                _t(d.proposed_at),
                d.status.value,
                [[o.by, o.text, _t(o.at)] for o in d.objections],
                _t(d.closed_at),
            ]
            for d in state.decisions.values()
        ],
        "updates": [[u.audience.value, u.text, _t(u.at), u.by] for u in state.updates],
        "severity_history": [[_t(at), level, by] for at, level, by in state.severity_history],
        "phase_history": [[_t(at), phase.value, by] for at, phase, by in state.phase_history],
        "checklist_ticks": [[c, i, _t(at)] for (c, i), at in state.checklist_ticks.items()],
    }


def _log_rows(entries: Iterable[LogEntry]) -> list[list[Any]]:
    return [
        [e.seq, _t(e.recorded_at), e.author, e.kind.value, e.text, _t(e.occurred_at)]
        for e in entries
    ]


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def write_snapshot(
    directory: Path, state: IncidentState, *, log_path: Path, offset: int, lines: int
) -> Path:
    """Write the snapshot of `state`, which is the fold of the log's first `offset` bytes.

    Atomic (a private temp file renamed over the old one; a link in its place is replaced, never
    followed) and not fsynced: the snapshot is a cache that a crash may lose or tear, and a torn
    one fails its checksum.
    """
    prefix_crc, last_crc, last_len = prefix_checksums(log_path, offset)
    body = _dumps(_state_body(state))
    log = _dumps(_log_rows(state.log))
    header = {
        "format": FORMAT,
        "schema": SNAPSHOT_SCHEMA,
        "event_schema": SCHEMA_VERSION,
        "offset": offset,
        "lines": lines,
        "seq": state.last_seq,
        "prefix_crc": prefix_crc,
        "last_line_crc": last_crc,
        "last_line_len": last_len,
        "log_entries": len(state.log),
        "followups": sum(1 for e in state.log if e.kind is LogKind.FOLLOWUP),
        "recent": [[i, *_log_rows([e])[0]] for i, e in _latest(list(state.log), RECENT)],
        "body_crc": zlib.crc32(body),
        "body_len": len(body),
        "log_crc": zlib.crc32(log),
        "log_len": len(log),
    }
    path = directory / SNAPSHOT_FILE
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            head = _dumps(header)
            handle.write(b"%08x " % zlib.crc32(head) + head + b"\n")
            handle.write(body + b"\n")
            handle.write(log + b"\n")
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


# -- decoding (every value checked: the file may come from anywhere) ----------------------------


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__}")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected a whole number, found {type(value).__name__}")
    return value


def _list(value: object, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise ValueError("expected a list" + (f" of {length}" if length is not None else ""))
    return value


def _dt(value: object) -> datetime:
    moment = datetime.fromisoformat(_str(value))
    if moment.tzinfo is None:
        raise ValueError("a time without its zone")
    return moment


def _odt(value: object) -> datetime | None:
    return None if value is None else _dt(value)


def _state_from(body: object) -> IncidentState:
    if not isinstance(body, dict):
        raise ValueError("the state is not an object")
    state = IncidentState(
        incident_id=_str(body["incident_id"]),
        title=_str(body["title"]),
        severity=_int(body["severity"]),
        phase=Phase(_str(body["phase"])),
        status=Status(_str(body["status"])),
        declared_by=_str(body["declared_by"]),
        declared_at=_odt(body["declared_at"]),
        resolved_at=_odt(body["resolved_at"]),
        closed_at=_odt(body["closed_at"]),
        last_seq=_int(body["last_seq"]),
        updated_at=_odt(body["updated_at"]),
    )
    for row in _list(body["participants"]):
        name, joined, released, earlier = _list(row, 4)
        state.participants[_str(name)] = Participant(
            _str(name),
            _dt(joined),
            _odt(released),
            [(_dt(a), _dt(b)) for a, b in (_list(pair, 2) for pair in _list(earlier))],
        )
    for row in _list(body["roles"]):
        role, name = _list(row, 2)
        state.roles[Role(_str(role))] = _str(name)
    state.smes = [_str(name) for name in _list(body["smes"])]
    for row in _list(body["role_history"]):
        role, name, start, end = _list(row, 4)
        state.role_history.append(RoleStint(Role(_str(role)), _str(name), _dt(start), _odt(end)))
    for row in _list(body["tasks"]):
        (number, owner, text, assigned_at, assigned_by, timebox, deadline, status, acked, closed,
         extensions, reassignments) = _list(row, 12)  # fmt: skip
        if not isinstance(timebox, int | float) or isinstance(timebox, bool):
            raise ValueError("a timebox is not a number")
        state.tasks[_int(number)] = Task(
            number=_int(number),
            owner=_str(owner),
            text=_str(text),
            assigned_at=_dt(assigned_at),
            assigned_by=_str(assigned_by),
            timebox=timedelta(seconds=timebox),
            deadline=_dt(deadline),
            status=TaskStatus(_str(status)),
            acknowledged_at=_odt(acked),
            closed_at=_odt(closed),
            extensions=_int(extensions),
            reassignments=_int(reassignments),
        )
    for row in _list(body["decisions"]):
        number, text, by, at, status, objections, closed = _list(row, 7)
        state.decisions[_int(number)] = Decision(
            _int(number),
            _str(text),
            _str(by),
            _dt(at),
            DecisionStatus(_str(status)),
            [
                Objection(_str(o_by), _str(o_text), _dt(o_at))
                for o_by, o_text, o_at in (_list(o, 3) for o in _list(objections))
            ],
            _odt(closed),
        )
    state.updates = [
        StakeholderUpdate(Audience(_str(a)), _str(text), _dt(at), _str(by))
        for a, text, at, by in (_list(row, 4) for row in _list(body["updates"]))
    ]
    state.severity_history = [
        (_dt(at), _int(level), _str(by))
        for at, level, by in (_list(row, 3) for row in _list(body["severity_history"]))
    ]
    state.phase_history = [
        (_dt(at), Phase(_str(phase)), _str(by))
        for at, phase, by in (_list(row, 3) for row in _list(body["phase_history"]))
    ]
    for row in _list(body["checklist_ticks"]):
        checklist, item, at = _list(row, 3)
        state.checklist_ticks[(_str(checklist), _str(item))] = _dt(at)
    return state


def _log_from(rows: object) -> list[LogEntry]:
    entries = []
    for row in _list(rows):
        seq, recorded, author, kind, text, occurred = _list(row, 6)
        entries.append(
            LogEntry(
                _int(seq),
                _dt(recorded),
                _str(author),
                LogKind(_str(kind)),
                _str(text),
                _odt(occurred),
            )
        )
    return entries


class Snapshot:
    """A snapshot read from disk and checked against the log it claims to cover."""

    def __init__(self, state: IncidentState, *, offset: int, lines: int) -> None:
        self.state = state
        self.offset = offset
        self.lines = lines


def read_snapshot(
    directory: Path, log_path: Path, *, rebuild_log: Callable[[int], list[LogEntry]]
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
        header_line = handle.readline(1 << 20)
        try:
            if int(header_line[:8], 16) != zlib.crc32(header_line[9:-1]):
                raise ValueError("its header does not match its checksum")
            header = json.loads(header_line[9:])
        except (ValueError, UnicodeDecodeError):
            raise SnapshotUnusable("its header is damaged") from None
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
            offset = _int(header["offset"])
            lines = _int(header["lines"])
            seq = _int(header["seq"])
            body_len = _int(header["body_len"])
            log_start = len(header_line) + body_len + 1
            log_len = _int(header["log_len"])
            log_crc = _int(header["log_crc"])
            entries = _int(header["log_entries"])
            followups = _int(header["followups"])
            prefix_crc = _int(header["prefix_crc"])
            last_crc = _int(header["last_line_crc"])
            last_len = _int(header["last_line_len"])
            body_crc = _int(header["body_crc"])
            recent = [(_int(row[0]), _log_from([row[1:]])[0]) for row in _list(header["recent"])]
        except (KeyError, ValueError, TypeError, IndexError) as error:
            raise SnapshotUnusable(f"its header is incomplete ({error})") from None
        if min(offset, lines, seq, body_len, log_len, entries, followups) < 0:
            raise SnapshotUnusable("its header holds a negative count")
        # The cheap test first (the last line covered), then the whole prefix.
        if _last_line_crc(log_path, offset, last_len) != last_crc:
            raise SnapshotUnusable("the log changed under it", damaged=False)
        if prefix_checksums(log_path, offset)[0] != prefix_crc:
            raise SnapshotUnusable("the log changed under it", damaged=False)
        body = handle.read(body_len + 1)
    if len(body) != body_len + 1 or not body.endswith(b"\n") or zlib.crc32(body[:-1]) != body_crc:
        raise SnapshotUnusable("its state does not match its checksum")
    try:
        state = _state_from(json.loads(body))
    except (KeyError, ValueError, TypeError, UnicodeDecodeError) as error:
        raise SnapshotUnusable(f"its state is not valid ({error})") from None
    if state.last_seq != seq:
        raise SnapshotUnusable("its state and header disagree")

    def load_log() -> list[LogEntry]:
        try:
            with os.fdopen(open_private(path, os.O_RDONLY), "rb") as handle:
                handle.seek(log_start)
                data = handle.read(log_len + 1)
            if len(data) != log_len + 1 or zlib.crc32(data[:-1]) != log_crc:
                raise ValueError("the scribe log does not match its checksum")
            rows = _log_from(json.loads(data))
            if len(rows) != entries:
                raise ValueError("the scribe log does not hold as many entries as its header")
            return rows
        except (OSError, StoreError, KeyError, ValueError, TypeError, UnicodeDecodeError):
            return rebuild_log(seq)

    state.log = LazyLog(load_log, entries, followups, recent)
    return Snapshot(state, offset=offset, lines=lines)


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


def latest_by_when(log: list[LogEntry], count: int) -> list[LogEntry]:
    """`sorted(log, key=when)[-count:]`, without reading a snapshot's covered entries when
    `count` is within what the snapshot kept."""
    if count <= 0:
        return []
    if isinstance(log, LazyLog) and not log.loaded and count <= RECENT:
        tail = list(log.appended_since(log.covered))
        pool = sorted(log.covered_recent, key=lambda pair: pair[0])
        pool += ((log.covered + i, e) for i, e in enumerate(tail))
        return [entry for _, entry in _latest([e for _, e in pool], count)]
    return [entry for _, entry in _latest(list(log), count)]


# -- the scribe log, read when first needed ------------------------------------------------------


class LazyLog(list[LogEntry]):
    """The scribe log of a snapshot: entries appended after it are kept at once, the entries
    it covers are read only when something looks at them (iterating, indexing, sorting...).

    `len()` and `append` never read them: `ic log` folds its event and rewrites the summary
    (which counts entries and follow-ups) without building every entry of a long incident.
    """

    def __init__(
        self,
        load: Callable[[], list[LogEntry]],
        covered: int,
        followups: int,
        recent: list[tuple[int, LogEntry]],
    ) -> None:
        super().__init__()
        self._load: Callable[[], list[LogEntry]] | None = load
        self.covered = covered
        self.covered_followups = followups
        #: The covered entries latest by the time they happened, with their index.
        self.covered_recent = recent

    @property
    def loaded(self) -> bool:
        return self._load is None

    def _materialise(self) -> None:
        load = self._load
        if load is not None:
            self._load = None
            super().__setitem__(slice(0, 0), load())

    def appended_since(self, start: int) -> Iterator[LogEntry]:
        """The entries from index `start` on, reading no covered entry when `start` is past them."""
        if self._load is not None and start >= self.covered:
            return iter(super().__getitem__(slice(start - self.covered, None)))
        self._materialise()
        return iter(super().__getitem__(slice(start, None)))

    def __len__(self) -> int:
        return super().__len__() + (self.covered if self._load is not None else 0)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[LogEntry]:
        self._materialise()
        return super().__iter__()

    def __reversed__(self) -> Iterator[LogEntry]:
        self._materialise()
        return super().__reversed__()

    def __contains__(self, item: object) -> bool:
        self._materialise()
        return super().__contains__(item)

    @overload
    def __getitem__(self, index: SupportsIndex) -> LogEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[LogEntry]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> LogEntry | list[LogEntry]:
        self._materialise()
        return super().__getitem__(index)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._materialise()
        super().__setitem__(index, value)

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        self._materialise()
        super().__delitem__(index)

    def __eq__(self, other: object) -> bool:
        self._materialise()
        return super().__eq__(other)

    def __repr__(self) -> str:
        self._materialise()
        return super().__repr__()

    def __add__(self, other: Any) -> Any:
        self._materialise()
        return list(super().__iter__()) + list(other)

    def __iadd__(self, other: Iterable[LogEntry]) -> Any:  # type: ignore[misc,override]
        super().extend(other)
        return self

    def copy(self) -> list[LogEntry]:
        self._materialise()
        return super().copy()

    def insert(self, index: SupportsIndex, value: LogEntry) -> None:
        self._materialise()
        super().insert(index, value)

    def pop(self, index: SupportsIndex = -1) -> LogEntry:
        self._materialise()
        return super().pop(index)

    def remove(self, value: LogEntry) -> None:
        self._materialise()
        super().remove(value)

    def index(self, value: LogEntry, *args: Any) -> int:
        self._materialise()
        return super().index(value, *args)

    def count(self, value: LogEntry) -> int:
        self._materialise()
        return super().count(value)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._materialise()
        super().sort(*args, **kwargs)

    def reverse(self) -> None:
        self._materialise()
        super().reverse()

    def clear(self) -> None:
        self._load = None
        super().clear()

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        self._materialise()
        return (list, (list(super().__iter__()),))
