"""Full-text search across every saved incident: titles and everything written in the logs.

Fast without an index: each log file is read once, a chunk of whole lines at a time, and a chunk
is dropped after a byte-level look unless the folded search text can occur in it; only lines
that could match are decoded, checked, verified and parsed. Memory is bounded by the chunk. A line
that fails its checksum is skipped (and counted), never trusted.

`ic search` should cost little more than `grep -ri` over the same files (issue 13), so this
module and what it imports load neither the event models nor pydantic: lines are checked and
decoded with the standard library, the incidents are taken from the top lines of their
`incident.toml` summaries, and the searchable fields come from a table kept equal to the
vocabulary's (checked by tests/test_search_fast.py). How text is folded and which lines are
looked at from their bytes alone is `review.search_fold`. A summary that is missing, stale, or not
as the store writes it sends the listing to the store's catalog, which rebuilds what it must
from the log, exactly as before.
"""

from __future__ import annotations

import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from ic_console.review.search_fold import Prefilter, fold
from ic_console.store.errors import StoreError
from ic_console.store.logfiles import log_files
from ic_console.store.paths import (
    SUMMARY_FILE,
    check_incident_folder,
    event_files,
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
#: A drill's id starts with this (`domain.drill.DRILL_PREFIX`, checked by the same tests).
DRILL_PREFIX = "drill-"
#: A line ends with its checksum: `,"crc":"<8 hex digits>"}` (`store.eventlog`'s format).
_CRC_MARK = b',"crc":"'
_CRC_MARK_LEN = len(_CRC_MARK)
_CRC_TAIL = _CRC_MARK_LEN + 10


# NamedTuples, not dataclasses: `dataclasses` loads `inspect`, ~9 ms of a search's start.


class SearchHit(NamedTuple):
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


class SearchResult(NamedTuple):
    hits: list[SearchHit]
    incidents_searched: int
    damaged_lines: int = 0


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Found(NamedTuple):
    """One place the text occurs in a log, before the incident it belongs to is looked up."""

    where: str
    seq: int
    at: datetime
    actor: str
    text: str


def scan_incident(
    directory: Path, needle: str, files: list[Path] | None = None
) -> tuple[list[Found], int]:
    """Where `needle` (already folded: `fold`) occurs in one incident's log (its `files`, when
    the caller has listed them); and damaged lines seen.

    The log is read a chunk of whole lines at a time; a chunk where the needle cannot occur is
    dropped after one byte-level look, before any line is decoded, checked or parsed.
    """
    found: list[Found] = []
    damaged = 0
    look = Prefilter(needle)
    for path in log_files(directory) if files is None else files:
        try:
            for chunk in _line_chunks(path):
                damaged += _scan_lines(look.lines(chunk), needle, found)
        except OSError:
            continue
    return found, damaged


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


def _scan_lines(lines: Iterable[bytes], needle: str, found: list[Found]) -> int:
    """Add the places in `lines` that hold the needle; the number of damaged lines seen."""
    damaged = 0
    for line in lines:
        obj = _event_of(line)
        if obj is None:
            damaged += 1
            continue
        data = obj.get("data") or {}
        for key, where in TEXT_FIELDS.get(str(data.get("type")), ()):
            value = data.get(key)
            if isinstance(value, str) and needle in fold(value):
                when = data.get("occurred_at") or obj["at"]
                at = _parse_time(str(when))
                found.append(Found(where, int(obj["seq"]), at, str(obj.get("actor", "")), value))
    return damaged


def _event_of(line: bytes) -> dict[str, Any] | None:
    """The event of one log line, or None when the line is damaged (its checksum or JSON)."""
    body = checked_body(line)
    if body is None:
        return None
    try:
        obj = json.loads(body.decode("utf-8", "surrogatepass"))  # as json.loads(bytes) does
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


class Searched(NamedTuple):
    """An incident to search, as the catalog lists it (`store.catalog.IncidentInfo`)."""

    incident_id: str
    title: str
    severity: int
    status: str
    directory: Path
    declared_at: datetime | None


def _catalog(
    root: Path, *, on_problem: Callable[[str], None] | None, drills: bool
) -> list[Searched]:
    """The incidents as `store.catalog.list_incidents` lists them (loading the store: it
    rebuilds a missing or stale summary from the log, and says what is damaged)."""
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


def _folders(root: Path, *, drills: bool) -> dict[Path, list[Path]]:
    """The incident folders `list_incidents` lists, in its order before it sorts them, each
    with its log files (none for a link: the catalog says why it cannot be used)."""
    base = incidents_dir(root)
    if not base.is_dir():
        return {}
    folders: dict[Path, list[Path]] = {}
    for directory in sorted(base.iterdir()):
        if directory.name.startswith("."):
            continue
        if not drills and directory.name.startswith(DRILL_PREFIX):
            continue
        if directory.is_symlink():
            folders[directory] = []
        elif files := event_files(directory):  # `has_events`
            folders[directory] = files
    return folders


#: The top-level `key = value` lines of a summary (written by `store.summary` with tomli_w).
_SUMMARY_KEY = re.compile(
    rb"(?m)^(id|title|severity|status|last_seq|log_bytes|declared_at) = ([^\r\n]*)$"
)
_INTEGER = re.compile(rb"[0-9]+")
#: A basic string as tomli_w writes it: escapes TOML and JSON read alike, nothing else.
_STRING = re.compile(rb'"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[btnfr"\\]|\\u00[0-9a-fA-F]{2})*"')
#: Reads such a string (with a tab in it, as TOML allows).
_STRING_DECODER = json.JSONDecoder(strict=False)
#: An offset date-time as tomli_w writes it (`datetime.isoformat` with a space).
_INSTANT = re.compile(
    rb"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}:[0-9]{2}"
)


def toml_string(value: bytes) -> str | None:
    """The text of a summary's string value, or None when it is not written as tomli_w writes."""
    if not _STRING.fullmatch(value):
        return None
    try:
        if b"\\" not in value:
            return value[1:-1].decode("utf-8")
        text: str = _STRING_DECODER.decode(value.decode("utf-8"))
    except ValueError:  # bytes that are not UTF-8
        return None
    return text


def _read_small(fd: int) -> bytes:
    """All of a small file, and the file closed."""
    try:
        parts = [os.read(fd, 1 << 16)]
        while parts[-1]:
            parts.append(os.read(fd, 1 << 16))
        return b"".join(parts)
    finally:
        os.close(fd)


def summary_head(directory: Path, files: list[Path]) -> Searched | None:
    """The incident in `directory` from its summary's top lines, when the catalog would take it
    from its summary too: the folder and its logs are as they should be, the summary names
    this folder and the logs are the size they were when it was written. None otherwise (then
    the catalog lists every incident, rebuilding what it must from the logs).

    The summary is not parsed whole (for 200 incidents that cost more than the search): what
    follows its top lines (roles, people, counts) is not looked at.
    """
    try:
        check_incident_folder(directory)
        sizes = 0
        for path in files:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                return None
            sizes += st.st_size
        text = _read_small(open_private(directory / SUMMARY_FILE, os.O_RDONLY))
    except (StoreError, OSError):
        return None
    pairs = _SUMMARY_KEY.findall(text.split(b"\n[", 1)[0])
    keys = dict(pairs)
    if len(keys) != len(pairs):
        return None  # a key twice: not TOML
    incident_id, title, status = (
        toml_string(keys.get(k, b"")) for k in (b"id", b"title", b"status")
    )
    severity, last_seq = (keys.get(k, b"") for k in (b"severity", b"last_seq"))
    recorded, declared = keys.get(b"log_bytes"), keys.get(b"declared_at")
    if (
        incident_id != directory.name
        or title is None
        or status is None
        or not (_INTEGER.fullmatch(severity) and _INTEGER.fullmatch(last_seq))
        or (recorded is not None and not (_INTEGER.fullmatch(recorded) and int(recorded) == sizes))
        or (declared is not None and not _INSTANT.fullmatch(declared))
    ):
        return None
    return Searched(
        incident_id=incident_id,
        title=title,
        severity=int(severity),
        status=status,
        directory=directory,
        declared_at=datetime.fromisoformat(declared.decode()) if declared else None,
    )


def _newest_first(incidents: list[Searched]) -> list[Searched]:
    """In the catalog's order: newest declared first, by folder name among equals."""
    return sorted(
        incidents,
        key=lambda one: one.declared_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )


def search(
    root: Path,
    text: str,
    *,
    on_problem: Callable[[str], None] | None = None,
    drills: bool = False,
) -> SearchResult:
    """Every place `text` (any case, any compatibility form: `fold`) occurs in the incidents
    under `root`, newest incident first; drills only with `drills`.

    When every incident's summary is fresh (the case after any recording command), the incidents
    are taken from the summaries' top lines; otherwise the catalog lists them, as for every other
    verb (loading the store and the models).
    """
    needle = fold(text.strip())
    if not needle:
        raise ValueError("search text is empty")
    folders = _folders(root, drills=drills)
    heads = [summary_head(folder, files) for folder, files in folders.items()]
    if all(heads):
        listed = _newest_first([head for head in heads if head is not None])
        scanned = {
            folder: scan_incident(folder, needle, files) for folder, files in folders.items()
        }
    else:
        listed = _catalog(root, on_problem=on_problem, drills=drills)
        scanned = {info.directory: scan_incident(info.directory, needle) for info in listed}
    hits = [
        SearchHit(
            incident_id=info.incident_id,
            title=info.title,
            severity=info.severity,
            status=info.status,
            where=one.where,
            seq=one.seq,
            at=one.at,
            actor=one.actor,
            text=one.text,
        )
        for info in listed
        for one in scanned.get(info.directory, ([], 0))[0]
    ]
    damaged = sum(bad for _found, bad in scanned.values())
    return SearchResult(hits, len(scanned), damaged)
