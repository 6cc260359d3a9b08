"""Full-text search across every saved incident: titles and everything written in the logs.

Fast without an index: each log file is read once as text and skipped unless the folded search
text occurs in it at all; only lines that could match are checked, verified and parsed. A line
that fails its checksum is skipped (and counted), never trusted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ic_console.domain.describe import searchable_fields
from ic_console.store.catalog import list_incidents
from ic_console.store.eventlog import LogDamaged, decode_body
from ic_console.store.paths import EVENTS_FILE, event_files

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
    """Hits for `needle` (already case-folded) in one incident's log; and damaged lines seen."""
    files = event_files(directory)  # every replica's file (store.merged)
    path = files[0] if files else directory / EVENTS_FILE
    try:
        raw = b"".join(file.read_bytes() for file in files)
    except OSError:
        return [], 0
    text = raw.decode("utf-8", errors="replace")
    shortcut = not (_ESCAPED & set(needle))
    if shortcut and needle not in text.casefold():
        return [], 0
    incident_id, title, severity, status = meta
    hits: list[SearchHit] = []
    damaged = 0
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line:
            continue
        if shortcut and needle not in line.decode("utf-8", errors="replace").casefold():
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
    root: Path, text: str, *, on_problem: Callable[[str], None] | None = None
) -> SearchResult:
    """Every place `text` (any case) occurs in the incidents under `root`, newest incident first."""
    needle = text.strip().casefold()
    if not needle:
        raise ValueError("search text is empty")
    infos = list_incidents(root, on_problem=on_problem)
    hits: list[SearchHit] = []
    damaged = 0
    for info in infos:
        found, bad = search_incident(
            info.directory, needle, (info.incident_id, info.title, info.severity, info.status)
        )
        hits.extend(found)
        damaged += bad
    return SearchResult(hits, len(infos), damaged)
