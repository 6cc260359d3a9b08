"""Full-text search across every saved incident: titles and everything written in the logs.

Fast without an index: each log file is read once, a chunk of whole lines at a time, and a chunk
is dropped after a byte-level look unless the folded search text can occur in it; only lines
that could match are decoded, checked, verified and parsed. Memory is bounded by the chunk. A line
that fails its checksum is skipped (and counted), never trusted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ic_console.domain.describe import searchable_fields
from ic_console.store.catalog import list_incidents
from ic_console.store.eventlog import READ_CHUNK, LogDamaged, decode_body
from ic_console.store.logfiles import log_files

#: Payload fields that hold words people wrote, by event type: the vocabulary says which.
_TEXT_FIELDS = searchable_fields()
#: Characters JSON writes escaped; with any of them the raw-text shortcut is not safe.
_ESCAPED = frozenset('"\\') | frozenset(chr(c) for c in range(0x20))


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
            for first_line, chunk in _line_chunks(path):
                if not look.may_hold(chunk):
                    continue
                found, bad = _search_chunk(path, chunk, first_line, needle, look, meta)
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


def _line_chunks(path: Path) -> Iterator[tuple[int, bytes]]:
    """The file's whole lines, a chunk at a time, each with the number of its first line; the
    bytes after the last line end (a line still being written) last."""
    line = 1
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
            yield line, data[:end]
            line += data.count(b"\n", 0, end)
    if carry:
        yield line, carry


def _search_chunk(
    path: Path,
    chunk: bytes,
    first_line: int,
    needle: str,
    look: _Prefilter,
    meta: tuple[str, str, int, str],
) -> tuple[list[SearchHit], int]:
    """Hits in the lines of one chunk that may hold the needle; and damaged lines seen."""
    incident_id, title, severity, status = meta
    hits: list[SearchHit] = []
    damaged = 0
    for number, line in enumerate(chunk.split(b"\n"), start=first_line):
        if not line or not look.may_hold(line):
            continue
        try:
            obj: dict[str, Any] = json.loads(decode_body(line, path=path, number=number))
        except (LogDamaged, ValueError):
            damaged += 1
            continue
        data = obj.get("data") or {}
        for key, where in _TEXT_FIELDS.get(str(data.get("type")), ()):
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
    infos = list_incidents(root, on_problem=on_problem, drills=drills)
    hits: list[SearchHit] = []
    damaged = 0
    for info in infos:
        found, bad = search_incident(
            info.directory, needle, (info.incident_id, info.title, info.severity, info.status)
        )
        hits.extend(found)
        damaged += bad
    return SearchResult(hits, len(infos), damaged)
