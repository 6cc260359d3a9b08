"""Full-text search across every saved incident: titles and everything written in the logs.

Fast without an index: each log file is read once, a chunk of whole lines at a time, and a chunk
is dropped after a byte-level look unless the folded search text can occur in it; only lines
that could match are decoded, checked, verified and parsed. Memory is bounded by the chunk. A line
that fails its checksum is skipped (and counted), never trusted.

`ic search` should cost little more than `grep -ri` over the same files (issue 13), so this
module and what it imports load neither the event models nor pydantic: lines are checked and
decoded with the standard library, the incidents are listed from their `incident.toml`
summaries, and the searchable fields come from a table kept equal to the vocabulary's (checked
by tests/test_search_fast.py). Only an incident whose summary is missing, stale or damaged sends
the listing to the store's catalog, which rebuilds it from the log.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ic_console.store.errors import StoreError
from ic_console.store.logfiles import log_files
from ic_console.store.paths import (
    SUMMARY_FILE,
    check_incident_folder,
    event_files,
    has_events,
    incidents_dir,
    open_private,
)

#: Bytes read from a log at a time: the bound on what a search holds.
READ_CHUNK = 4 << 20

#: Payload fields that hold words people wrote, by event type: `domain.describe`'s
#: `searchable_fields()` (the vocabulary), written out so that a search never imports the event
#: models. tests/test_search_fast.py fails when the two differ: copy its printed table here.
TEXT_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "incident.declared": (("title", "title"),),
    "task.assigned": (("text", "task"),),
    "decision.proposed": (("text", "decision"),),
    "decision.objection": (("text", "objection"),),
    "log.added": (("text", "log"),),
    "update.posted": (("text", "update"),),
    "alert.received": (("summary", "alert"),),
    "followup.tracked": (("url", "tracker link"),),
    "team.formed": (("goal", "team goal"), ("name", "team")),
    "exit.added": (("text", "exit criterion"),),
}
#: Characters JSON writes escaped; with any of them the raw-text shortcut is not safe.
_ESCAPED = frozenset('"\\') | frozenset(chr(c) for c in range(0x20))
#: A drill's id starts with this (`domain.drill.DRILL_PREFIX`, checked by the same tests).
DRILL_PREFIX = "drill-"
#: A line ends with its checksum: `,"crc":"<8 hex digits>"}` (`store.eventlog`'s format).
_CRC_MARK = b',"crc":"'
_CRC_MARK_LEN = len(_CRC_MARK)
_CRC_TAIL = _CRC_MARK_LEN + 10


@dataclass(frozen=True, slots=True)
class SearchHit:
    incident_id: str
    title: str
    severity: int
    status: str
    #: Where the text was found: title, log, task, decision, objection or update.
    where: str
    seq: int
    at: datetime
    actor: str
    text: str


@dataclass
class SearchResult:
    hits: list[SearchHit]
    incidents_searched: int
    damaged_lines: int = 0


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def search_incident(
    directory: Path, needle: str, meta: tuple[str, str, int, str]
) -> tuple[list[SearchHit], int]:
    """Hits for `needle` (already case-folded) in one incident's log; and damaged lines seen.

    The log is read a chunk of whole lines at a time; a chunk where the needle cannot occur is
    dropped after one byte-level look, before any line is decoded, checked or parsed.
    """
    hits: list[SearchHit] = []
    damaged = 0
    look = _Prefilter(needle)
    for path in log_files(directory):
        try:
            for chunk in _line_chunks(path):
                if not look.may_hold(chunk):
                    continue
                found, bad = _search_chunk(chunk, needle, look, meta)
                hits.extend(found)
                damaged += bad
        except OSError:
            continue
    return hits, damaged


class _Prefilter:
    """Whether a chunk of the log may hold the needle, decided on its bytes where that is exact.

    An ASCII chunk lowered byte by byte is its case fold, so an ASCII needle is looked for in it
    directly; any other chunk is decoded and folded. A needle with characters JSON writes escaped
    (a quote, a backslash, a control character) cannot be looked for in the raw text at all.
    """

    def __init__(self, needle: str) -> None:
        self.raw = not (_ESCAPED & set(needle))
        self.needle = needle
        self.ascii = needle.encode("utf-8") if needle.isascii() else None

    def may_hold(self, chunk: bytes) -> bool:
        if not self.raw:
            return True
        if self.ascii is not None and chunk.isascii():
            return self.ascii in chunk.lower()
        return self.needle in chunk.decode("utf-8", errors="replace").casefold()


def _line_chunks(path: Path) -> Iterator[bytes]:
    """The file's whole lines, a chunk at a time; the bytes after the last line end (a line
    still being written) last."""
    carry = b""
    with open(path, "rb") as handle:
        while True:
            block = handle.read(READ_CHUNK)
            if not block:
                break
            data = carry + block if carry else block
            end = data.rfind(b"\n") + 1
            if not end:
                carry = data
                continue
            carry = data[end:]
            yield data[:end]
    if carry:
        yield carry


def _search_chunk(
    chunk: bytes,
    needle: str,
    look: _Prefilter,
    meta: tuple[str, str, int, str],
) -> tuple[list[SearchHit], int]:
    """Hits in the lines of one chunk that may hold the needle; and damaged lines seen."""
    incident_id, title, severity, status = meta
    hits: list[SearchHit] = []
    damaged = 0
    for line in chunk.split(b"\n"):
        if not line or not look.may_hold(line):
            continue
        obj = _event_of(line)
        if obj is None:
            damaged += 1
            continue
        data = obj.get("data") or {}
        for key, where in TEXT_FIELDS.get(str(data.get("type")), ()):
            value = data.get(key)
            if isinstance(value, str) and needle in value.casefold():
                when = data.get("occurred_at") or obj["at"]
                hits.append(
                    SearchHit(
                        incident_id=incident_id,
                        title=title,
                        severity=severity,
                        status=status,
                        where=where,
                        seq=int(obj["seq"]),
                        at=_parse_time(str(when)),
                        actor=str(obj.get("actor", "")),
                        text=value,
                    )
                )
    return hits, damaged


def _event_of(line: bytes) -> dict[str, Any] | None:
    """The event of one log line, or None when the line is damaged (its checksum or JSON)."""
    body = checked_body(line)
    if body is None:
        return None
    try:
        obj = json.loads(body)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def checked_body(line: bytes) -> bytes | None:
    """The event JSON of one log line without its checksum, or None when the checksum is
    missing or does not match: `store.eventlog.decode_body`'s check, without its models."""
    cut = len(line) - _CRC_TAIL
    if cut <= 0 or line[cut : cut + _CRC_MARK_LEN] != _CRC_MARK or not line.endswith(b'"}'):
        return None
    body = line[:cut] + b"}"
    try:
        expected = int(line[cut + _CRC_MARK_LEN : -2], 16)
    except ValueError:
        return None
    return body if zlib.crc32(body) == expected else None


@dataclass(frozen=True, slots=True)
class Searched:
    """An incident to search, as the catalog lists it (`store.catalog.IncidentInfo`)."""

    incident_id: str
    title: str
    severity: int
    status: str
    directory: Path
    declared_at: datetime | None


def searched_incidents(
    root: Path, *, on_problem: Callable[[str], None] | None = None, drills: bool = False
) -> list[Searched]:
    """The incidents under `root`, newest first, as `store.catalog.list_incidents` lists them.

    Read from the summaries when every one is usable as it is; otherwise the catalog lists them
    all (it rebuilds a missing or stale summary from the log, and says what is damaged).
    """
    quick = _listed_from_summaries(root, drills=drills)
    if quick is not None:
        return quick
    from ic_console.store.catalog import list_incidents

    return [
        Searched(
            info.incident_id,
            info.title,
            info.severity,
            info.status,
            info.directory,
            info.declared_at,
        )
        for info in list_incidents(root, on_problem=on_problem, drills=drills)
    ]


def _listed_from_summaries(root: Path, *, drills: bool) -> list[Searched] | None:
    """`list_incidents` for a data root where every incident's summary is fresh (the case after
    any recording command); None as soon as one is not, or a folder is not as it should be."""
    base = incidents_dir(root)
    if not base.is_dir():
        return []
    found: list[Searched] = []
    for directory in sorted(base.iterdir()):
        if directory.name.startswith("."):
            continue
        if not drills and directory.name.startswith(DRILL_PREFIX):
            continue
        if not directory.is_symlink() and not has_events(directory):
            continue
        entry = _from_summary(directory)
        if entry is None:
            return None
        found.append(entry)
    found.sort(key=lambda one: one.declared_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return found


def _from_summary(directory: Path) -> Searched | None:
    """The incident in `directory` from its fresh summary, or None (the catalog decides)."""
    try:
        check_incident_folder(directory)
        files = event_files(directory)
        if not all(stat.S_ISREG(os.lstat(path).st_mode) for path in files):
            return None
        summary = _read_summary(directory / SUMMARY_FILE)
        if summary is None or summary.get("id") != directory.name:
            return None
        recorded = summary.get("log_bytes")
        if isinstance(recorded, int) and sum(os.lstat(p).st_size for p in files) != recorded:
            return None  # the logs grew (or shrank) since the summary was written
    except (StoreError, OSError):
        return None
    declared = summary.get("declared_at")
    return Searched(
        incident_id=str(summary["id"]),
        title=str(summary["title"]),
        severity=int(summary["severity"]),
        status=str(summary["status"]),
        directory=directory,
        declared_at=declared if isinstance(declared, datetime) else None,
    )


def _read_summary(path: Path) -> dict[str, Any] | None:
    """`store.summary.read_summary`: the summary, or None when it is missing or unusable."""
    try:
        with os.fdopen(open_private(path, os.O_RDONLY), "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, StoreError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    required = {"id": str, "title": str, "severity": int, "status": str, "last_seq": int}
    if not all(isinstance(data.get(key), kind) for key, kind in required.items()):
        return None
    return data


def search(
    root: Path,
    text: str,
    *,
    on_problem: Callable[[str], None] | None = None,
    drills: bool = False,
) -> SearchResult:
    """Every place `text` (any case) occurs in the incidents under `root`, newest incident first;
    drills only with `drills`."""
    needle = text.strip().casefold()
    if not needle:
        raise ValueError("search text is empty")
    infos = searched_incidents(root, on_problem=on_problem, drills=drills)
    hits: list[SearchHit] = []
    damaged = 0
    for info in infos:
        found, bad = search_incident(
            info.directory, needle, (info.incident_id, info.title, info.severity, info.status)
        )
        hits.extend(found)
        damaged += bad
    return SearchResult(hits, len(infos), damaged)
