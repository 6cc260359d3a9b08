"""Where replica files live in the team's repository, and how a big one is cut into parts.

The repository holds `incidents/<id>/events/<origin>.jsonl`, the same layout as an incident
folder, on the branch `ic/<origin>` of the replica that wrote it. A file over `PART_BYTES` is
cut into parts (`<origin>.jsonl`, then `<origin>.2.jsonl`, `<origin>.3.jsonl`...): a part ends at
the first line end at or after `PART_BYTES`, so a full part never changes again and an append
only makes a new copy of the last part. Without this, each event added to a 100,000-event
incident would store and send a new 30 MB object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ic_console.domain.errors import DomainError
from ic_console.domain.text import check_incident_id

#: Size at which a part of a replica file is closed (1 MiB: about 3,000 events).
PART_BYTES = 1 << 20
#: The longest line a log may hold, far above any event the store writes (a text is at most
#: 20,000 characters, under 150 kB encoded): what bounds a part below.
MAX_LINE_BYTES = 8 << 20
#: The largest part a replica's file can be cut into (`split_parts`: a part closes at the first
#: line end after `PART_BYTES`). A bigger one in a peer's branch is refused without being read:
#: a single blob of gigabytes would otherwise be read whole into memory.
MAX_PART_BYTES = PART_BYTES + MAX_LINE_BYTES
#: The largest whole file a peer's branch may hold for one incident, all its parts together:
#: four times a log of a million events (about 250 MB). A file is read whole to be checked
#: (and held twice while its parts are joined), so one of many parts each under
#: `MAX_PART_BYTES` is refused unread above this, as a single part too big is.
MAX_FILE_BYTES = 1 << 30
#: The prefix of every replica's branch.
BRANCH_PREFIX = "ic/"
INCIDENTS = "incidents"

_PART = re.compile(r"^incidents/([^/]+)/events/([0-9a-f]{12})(?:\.(\d{1,6}))?\.jsonl$")


def branch_of(origin: str) -> str:
    return f"{BRANCH_PREFIX}{origin}"


def part_path(incident_id: str, origin: str, index: int) -> str:
    """The path of part `index` (0-based) of a replica file in the repository."""
    suffix = "" if index == 0 else f".{index + 1}"
    return f"{INCIDENTS}/{incident_id}/events/{origin}{suffix}.jsonl"


@dataclass(frozen=True)
class PartName:
    incident_id: str
    origin: str
    index: int


def parse_part_path(path: str) -> PartName | None:
    """What a repository path is a part of; None for anything else (ignored)."""
    match = _PART.match(path)
    if match is None:
        return None
    incident_id, origin, number = match.groups()
    try:
        check_incident_id(incident_id)
    except DomainError:  # an unsafe id from a peer is never used as a folder name
        return None
    index = int(number) - 1 if number else 0
    if number is not None and index < 1:
        return None
    return PartName(incident_id, origin, index)


def split_parts(data: bytes, size: int = PART_BYTES) -> list[bytes]:
    """Cut whole lines into parts; each but the last ends at the first line end at or after
    `size` bytes into it. Deterministic: a file that grows keeps its earlier full parts."""
    parts: list[bytes] = []
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + size - 1)
        if end < 0:
            parts.append(data[start:])
            break
        parts.append(data[start : end + 1])
        start = end + 1
    return parts
