"""Replicas' files in an incident folder: what a transport (git, a USB stick) sends and receives.

An incident folder holds `events/<origin>.jsonl`, one append-only log per replica (data root)
that wrote to it; the incident is their union (`store.merged`). This laptop only ever appends to
its own file (`store.origin.local_origin`); other replicas' files arrive whole through
`accept_peer_file`. The store knows nothing of git: a transport moves whole, verified files.

API (stable; the sync layer is built on it):

- `local_origin(root) -> str` (re-exported from `store.origin`): this data root's replica id.
- `list_local_files(root) -> list[LocalFile]`: this replica's own files, one per incident it
  wrote to (`incident_id`, `origin`, `path`, `size`): what the transport commits and sends.
  Incidents written before replication (a lone `events.jsonl`) are adopted first with
  `adopt_legacy_log` when `adopt_legacy=True`, so they are shared too.
- `list_peer_files(root) -> list[LocalFile]`: the other replicas' files already here (their
  sizes tell the transport what it already has).
- `accept_peer_file(root, incident_id, origin, data) -> Accepted`: store replica `origin`'s whole
  file for the incident. Under the incident lock it refuses (`PeerRefused`, a `StoreError` whose
  message names the origin; nothing is changed) when `origin` is this laptop's own, when the copy
  already here is not a prefix of `data` (the peer rewrote its file), when a line is damaged or
  claims another origin, or when an event id it adds is already in another file with different
  contents. What is new is checked first in a file of its own (a temporary name no reader
  reads). A first copy is then fsynced and renamed into place, so a kill leaves no copy or the
  whole one; a grown copy has its new lines appended and fsynced (the lines already here are
  never written again, and readers go on from where they were): a kill part-way leaves whole
  lines of it and perhaps part of one, which no reader takes as an event and which the next
  round writes over. A round that brings a few lines looks for their ids in the incident's
  files (a search each), not at every line again. The incident folder is created if this
  laptop has not seen it yet (a peer declared it). Bytes after the last line end (a line the
  peer was still writing) are left for the next round. Consoles that follow the incident notice
  the new lines on their next poll. A first copy that will be the incident's only log (a
  laptop receiving an incident it never held) is folded as it is checked (`store.peer_fold`)
  and the incident's snapshot written from that fold, so the first open reads none of its
  events again; `fold=False` leaves that to the store (a transport handing in several new
  files of one incident in one round, whose union is folded once when they are all in).
- `refresh_derived(root, incident_id) -> list[str]`: after a round that accepted files, bring
  the incident's summary (`incident.toml`, what `ic list` reads) up to date with the union, and
  its snapshot when due or missing (`sync.engine` calls it after each round that took lines
  in); returns what the store has to tell (a clock far ahead, a merge notice; none for what a
  snapshot written by `accept_peer_file` covers, as for any open that starts from one).
- `adopt_legacy_log(root, incident_id) -> Path | None`: make a pre-replication `events.jsonl`
  this laptop's file (renamed under the lock, never rewritten); None when there is none.

One module, at about 550 lines: taking in a peer's file (its checks, the append, the id search)
is one transaction under the incident lock, and the listing and adoption around it share its
paths and rules; splitting it would put one lock's steps in several places.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ic_console.domain.events import Event
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import EventLog, LogDamaged, decode_body
from ic_console.store.lock import locked
from ic_console.store.origin import is_origin, local_origin
from ic_console.store.paths import (
    EVENTS_DIR,
    EVENTS_FILE,
    FILE_MODE,
    LOCK_FILE,
    check_events_folder,
    check_incident_folder,
    check_not_world_writable,
    event_files,
    file_origin,
    fsync_directory,
    incident_dir,
    incidents_dir,
    make_private_dir,
    open_private,
    replica_file,
)
from ic_console.store.peer_fold import PeerFold, wanted

__all__ = [
    "Accepted",
    "LocalFile",
    "PeerRefused",
    "accept_peer_file",
    "adopt_legacy_log",
    "list_local_files",
    "list_peer_files",
    "local_origin",
    "refresh_derived",
]

#: The id of a line: the third member of every line the store writes.
_LINE_ID = re.compile(rb'(?m)^\{"v":\d+,"seq":\d+,"id":"((?:[^"\\]|\\.)*)"')
#: A copy being written; renamed into place once whole and checked.
PART_SUFFIX = ".part"
#: The sequence number at the start of a line.
_LINE_SEQ = re.compile(rb'\{"v":\d+,"seq":(\d+),')


class PeerRefused(StoreError):
    """A replica's file was not accepted; the message names the origin and says why."""

    def __init__(self, origin: str, message: str) -> None:
        self.origin = origin
        super().__init__(message)


@dataclass(frozen=True)
class LocalFile:
    incident_id: str
    origin: str
    path: Path
    size: int


@dataclass(frozen=True)
class Accepted:
    """What `accept_peer_file` did."""

    incident_id: str
    origin: str
    path: Path
    #: "new" (first copy of this file here), "grew" (more lines) or "unchanged".
    status: str
    #: Lines added by this call.
    added: int
    #: True when the incident folder itself was created (a peer declared the incident).
    created_incident: bool = False


def list_local_files(root: Path, *, adopt_legacy: bool = False) -> list[LocalFile]:
    """This replica's own files, one per incident it wrote to."""
    origin = local_origin(root)
    found: list[LocalFile] = []
    for incident_id, directory in _incident_folders(root):
        if adopt_legacy:
            with contextlib.suppress(StoreError, OSError):
                adopt_legacy_log(root, incident_id)
        path = replica_file(directory, origin)
        with contextlib.suppress(OSError):
            found.append(LocalFile(incident_id, origin, path, os.lstat(path).st_size))
    return found


def list_peer_files(root: Path) -> list[LocalFile]:
    """Other replicas' files already in this data root."""
    origin = local_origin(root)
    found: list[LocalFile] = []
    for incident_id, directory in _incident_folders(root):
        for path in event_files(directory):
            owner = file_origin(path)
            if owner is None or owner == origin:
                continue
            with contextlib.suppress(OSError):
                found.append(LocalFile(incident_id, owner, path, os.lstat(path).st_size))
    return found


def _incident_folders(root: Path) -> list[tuple[str, Path]]:
    base = incidents_dir(root)
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return []
    return [
        (name, base / name)
        for name in names
        if not name.startswith(".")
        and os.path.isdir(base / name)
        and not os.path.islink(base / name)
    ]


def refresh_derived(root: Path, incident_id: str) -> list[str]:
    """Rewrite the summary from the union of the incident's files, and the snapshot when due
    or when there is none yet (a laptop that has only received the incident): opening reads
    the snapshot and the files' tails, so a round that brought a line costs a little."""
    from ic_console.store.incident import IncidentStore  # the store builds on this module

    store = IncidentStore.open(root, incident_id)
    if not os.path.exists(store.snapshot_path):
        store.write_snapshot()
    return [notice.message for notice in store.notices]


def adopt_legacy_log(root: Path, incident_id: str) -> Path | None:
    """Rename a pre-replication `events.jsonl` to this laptop's file, under the lock."""
    directory = incident_dir(root, incident_id)
    if not os.path.lexists(directory / EVENTS_FILE):
        return None
    check_incident_folder(directory)
    with locked(directory / LOCK_FILE):
        return migrate_legacy_log(directory, local_origin(root))


def migrate_legacy_log(directory: Path, origin: str) -> Path | None:
    """Under the lock: `events.jsonl` becomes `events/<origin>.jsonl` (one rename: nothing is
    rewritten, and a reader following the old name notices it moved and reads the union).
    Left alone when this replica already has a file (then both are read as the union)."""
    legacy = directory / EVENTS_FILE
    target = replica_file(directory, origin)
    if not os.path.lexists(legacy) or (check_events_folder(directory) and os.path.lexists(target)):
        return None
    os.close(open_private(legacy, os.O_RDONLY))  # refuses a link or a non-file
    make_private_dir(target.parent)
    os.rename(legacy, target)
    fsync_directory(target.parent)
    fsync_directory(directory)
    return target


def accept_peer_file(
    root: Path, incident_id: str, origin: str, data: bytes, *, fold: bool = True
) -> Accepted:
    """Store replica `origin`'s file for `incident_id` (see the module's docstring). With
    `fold`, a first copy that will be the incident's only log is folded as it is checked and
    the incident's snapshot written from that fold (`store.peer_fold`); a transport handing in
    several new files of one incident at once passes False (their union is folded once, by
    the store, when they are all in)."""
    if not is_origin(origin):
        raise PeerRefused(
            origin, f"{origin!r} is not a replica id (12 lowercase hex digits); refused."
        )
    if origin == local_origin(root):
        raise PeerRefused(
            origin,
            f"Refused a copy of replica {origin}'s file for {incident_id}: that is this "
            "laptop's own file, which only this laptop writes. Nothing was changed.",
        )
    directory = incident_dir(root, incident_id)
    created = False
    whole = data[: data.rfind(b"\n") + 1]
    if not os.path.lexists(directory):
        # An incident new here: its first line checked before any folder is made, so a
        # peer's branch of junk costs no folder made and removed for each file.
        _check_first_line(directory, incident_id, origin, whole)
        base = incidents_dir(root)
        if base.is_dir():
            check_not_world_writable(base)
        make_private_dir(base)
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=0o700)
            created = True
    check_incident_folder(directory)
    check_not_world_writable(directory)
    try:
        with locked(directory / LOCK_FILE):
            result = _accept_locked(directory, incident_id, origin, whole, fold=fold)
    except BaseException:
        if created and not event_files(directory):  # refused: leave no empty incident behind
            shutil.rmtree(directory, ignore_errors=True)
        raise
    if created:
        fsync_directory(directory.parent)
    return Accepted(
        result.incident_id,
        result.origin,
        result.path,
        result.status,
        result.added,
        created_incident=created,
    )


def _accept_locked(
    directory: Path, incident_id: str, origin: str, data: bytes, *, fold: bool
) -> Accepted:
    check_events_folder(directory)  # never through a link
    target = replica_file(directory, origin)
    here = _read_all(target)
    # The whole lines here: an append killed part-way (below) leaves part of a line, which was
    # never read as an event and which this append writes over.
    existing = here[: here.rfind(b"\n") + 1]
    if len(data) < len(existing) and existing.startswith(data):
        # Less than is here, and the start of it: the peer's branch was moved back on the
        # remote (a force-push from a stale clone, a restored backup), not rewritten. Nothing
        # to take; that laptop pushes the rest again at its next round.
        return Accepted(incident_id, origin, target, "unchanged", 0)
    if not data.startswith(existing):
        raise PeerRefused(
            origin,
            f"Refused replica {origin}'s file for {incident_id}: it was rewritten (the "
            f"{len(existing)} bytes already received are not the start of the new copy). "
            "Nothing was changed; that laptop's log must only ever grow.",
        )
    if len(data) == len(existing):
        if len(here) > len(existing):
            _append(target, len(existing), b"")  # drop what a killed append left
        return Accepted(incident_id, origin, target, "unchanged", 0)
    make_private_dir(target.parent)
    _remove_parts(target.parent)
    # What is new, checked in a file of its own before any of it is stored: a first copy is
    # renamed into place whole; a grown one is appended to the copy here (only the new lines
    # are written, and readers go on reading the same file from where they were).
    new = data[len(existing) :]
    # The incident's only log, taken in whole: folded as it is checked, for its first snapshot.
    folding = PeerFold() if fold and wanted(directory, target, existing) else None
    temp = target.parent / f".{origin}.{os.getpid()}-{os.urandom(4).hex()}{PART_SUFFIX}"
    fd = open_private(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        try:
            _write_all(fd, new)
            added = _check_peer_file(directory, incident_id, origin, temp, existing, data, folding)
            if not existing:
                os.fsync(fd)  # only a copy that passed its checks is made durable
        finally:
            os.close(fd)
        if existing:
            _append(target, len(existing), new)
            os.unlink(temp)
        else:
            os.rename(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if not existing:
        fsync_directory(target.parent)
    if folding is not None:
        folding.save(directory, target, len(data))
    return Accepted(incident_id, origin, target, "grew" if existing else "new", added)


def _check_first_line(directory: Path, incident_id: str, origin: str, data: bytes) -> None:
    """PeerRefused, as `_check_peer_file` words it, when the first line's checksum is wrong."""
    end = data.find(b"\n")
    if end < 0:
        return
    try:
        decode_body(data[:end], path=directory, number=1)
    except LogDamaged as damage:
        raise PeerRefused(
            origin,
            f"Refused replica {origin}'s file for {incident_id}: line 1 is damaged "
            f"({damage.reason}). Nothing was changed.",
        ) from None


def _append(target: Path, at: int, new: bytes) -> None:
    """`new` written at byte `at` of `target` (past its last whole line), the rest cut, then
    fsynced. A kill part-way leaves whole lines of it and perhaps part of one: the next round
    finds the whole lines a prefix of the peer's file and writes the rest."""
    fd = open_private(target, os.O_WRONLY)
    try:
        os.ftruncate(fd, at)
        os.lseek(fd, at, os.SEEK_SET)
        _write_all(fd, new)
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_peer_file(
    directory: Path,
    incident_id: str,
    origin: str,
    temp: Path,
    existing: bytes,
    data: bytes,
    fold: PeerFold | None = None,
) -> int:
    """Validate what the copy adds (checksums, schema, sequence, origin; the bytes already
    here were checked when they came), held in `temp`, and the ids it adds against the
    incident's other files; the number of lines it adds. Each batch that passes its checks is
    handed to `fold` (`store.peer_fold`), which a refusal later on throws away."""
    log = EventLog(temp)
    if existing:
        last_line = existing[existing.rfind(b"\n", 0, len(existing) - 1) + 1 :]
        seq = _LINE_SEQ.match(last_line)
        if seq is None:
            raise PeerRefused(
                origin,
                f"Refused replica {origin}'s file for {incident_id}: the copy already here "
                "does not end with a whole line. Nothing was changed.",
            )
        # `temp` holds the new lines only: read from its start, numbered after those here.
        log.lines = existing.count(b"\n")
        log.last_seq = int(seq.group(1))
    checked = 0

    def check(batch: list[Event]) -> None:
        """Each batch as the reader validates it, then let go: a peer's file of 100,000 events
        is never held as models (it peaked at 319 MB so)."""
        nonlocal checked
        for event in batch:
            if event.origin is not None and event.origin != origin:
                raise PeerRefused(
                    origin,
                    f"Refused replica {origin}'s file for {incident_id}: line {event.seq} says "
                    f"it was written by replica {event.origin}. Nothing was changed.",
                )
        _refuse_clocks_ahead(origin, incident_id, batch)
        checked += len(batch)
        if fold is not None:
            fold.add(batch)

    result = log.read_new(check)
    if result.damage is not None:
        raise PeerRefused(
            origin,
            f"Refused replica {origin}'s file for {incident_id}: line {result.damage.line} "
            f"is damaged ({result.damage.reason}). Nothing was changed.",
        )
    # Each new line's event id, and where the line lies in `data` (not a copy of it).
    added: dict[bytes, tuple[int, int]] = {}
    start, size = len(existing), len(data)
    while start < size:
        end = data.find(b"\n", start) + 1 or size
        match = _LINE_ID.match(data, start, end)
        ident = match.group(1) if match is not None else b""
        if not ident or ident in added:
            raise _twice(origin, incident_id, ident.decode(errors="replace"), "its own file")
        added[ident] = (start, end)
        start = end
    for ident, _ in _lines_with(existing, added):
        raise _twice(origin, incident_id, ident.decode(errors="replace"), "its own file")
    target = replica_file(directory, origin)
    for path in event_files(directory):
        if path == target:
            continue
        raw = _read_all(path)
        for ident, at in _lines_with(raw, added):
            end = raw.find(b"\n", at)
            theirs = raw[at : len(raw) if end < 0 else end + 1]
            span = added[ident]
            if data[span[0] : span[1]] != theirs:
                owner = file_origin(path) or "this laptop (events.jsonl)"
                raise _twice(origin, incident_id, ident.decode(errors="replace"), owner)
    return checked


#: Up to this many new ids are looked for one by one (a search of the bytes each, in C); more
#: (a first copy, a laptop back from a day offline) with one pass over every line.
_FEW_IDS = 64


def _lines_with(
    raw: bytes, idents: dict[bytes, tuple[int, int]], *, few: int = _FEW_IDS
) -> Iterator[tuple[bytes, int]]:
    """The lines of `raw` whose event id is one of `idents`: each id and where its line
    starts. The ids of a round's few new lines are searched for, so a round that brings one
    line does not read every line of a long incident's files again."""
    if len(idents) > few:
        for found in _LINE_ID.finditer(raw):
            if found.group(1) in idents:
                yield found.group(1), found.start()
        return
    for ident in idents:
        key = b'"id":"' + ident + b'"'
        at = raw.find(key)
        while at >= 0:
            # Only an id member at the start of a line counts, as `_LINE_ID` reads it.
            line = raw.rfind(b"\n", 0, at) + 1
            match = _LINE_ID.match(raw, line)
            if match is not None and match.start(1) == at + 6 and match.group(1) == ident:
                yield ident, line
            at = raw.find(key, at + 1)


#: How far ahead of this laptop's clock a peer's event clock (`hlc`) may be. Every event written
#: here after seeing a clock carries at least that clock (`domain.hlc.next_hlc`), so one line
#: with a clock years ahead, by a broken clock or by hand, would be carried by every laptop's
#: events from then on, and the review would blame an honest laptop's clock for it.
MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000


def _refuse_clocks_ahead(origin: str, incident_id: str, events: list[Event]) -> None:
    """PeerRefused for a new event whose clock is more than `MAX_CLOCK_AHEAD_MS` ahead of this
    laptop's wall clock."""
    limit = int(time.time() * 1000) + MAX_CLOCK_AHEAD_MS
    for event in events:
        if event.hlc is not None and event.hlc[0] > limit:
            hours = (event.hlc[0] - limit + MAX_CLOCK_AHEAD_MS) // 3_600_000
            raise PeerRefused(
                origin,
                f"Refused replica {origin}'s file for {incident_id}: line {event.seq} carries a "
                f"clock {hours:,} hours ahead of this laptop's (that laptop's clock is wrong, "
                "or the line was changed). Nothing was changed; set that laptop's clock right.",
            )


def _remove_parts(folder: Path) -> None:
    """Under the lock: remove what a transfer killed part-way left (never read as a log)."""
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if name.startswith(".") and name.endswith(PART_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(folder / name)


def _twice(origin: str, incident_id: str, ident: str, where: str) -> PeerRefused:
    return PeerRefused(
        origin,
        f"Refused replica {origin}'s file for {incident_id}: event {ident} is already in "
        f"{where} with different contents (an event changed after it was written). "
        "Nothing was changed.",
    )


def _read_all(path: Path) -> bytes:
    try:
        fd = open_private(path, os.O_RDONLY)
    except FileNotFoundError:
        return b""
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def sweep_parts(root: Path) -> int:
    """Remove the temporary copies (`.part`) that a transfer killed part-way left in any
    incident's events folder; how many went. The transport calls it before its first round
    in a process: no other transfer can be under way then (rounds hold the sync lock), and a
    killed one is never finished by anyone. Each removal is made under the incident's lock."""
    removed = 0
    try:
        incidents = os.listdir(incidents_dir(root))
    except OSError:
        return 0
    for name in incidents:
        folder = incidents_dir(root) / name / EVENTS_DIR
        try:
            check_incident_folder(folder.parent)  # never through a link
            check_events_folder(folder.parent)
            stale = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(PART_SUFFIX)]
        except (OSError, StoreError):
            continue
        if not stale:
            continue
        try:
            with locked(folder.parent / LOCK_FILE, wait=2.0):
                for part in stale:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(folder / part)
                        removed += 1
        except (OSError, StoreError):
            continue  # busy or unreadable: the next accept into it removes them
    return removed
