"""What a crash, a copy or a restore leaves in an incident folder, and what is done about it.

A torn last line (a writer killed mid-write) is repaired under the lock; a folder that a crashed
`ic new` left half-made is named or removed; a folder whose files contradict each other (a log
cut short, a copy under another name, a log hard-linked from elsewhere) is kept read-only with
the reason. Nothing here holds the store open: `IncidentStore` calls these with what it knows.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ic_console.domain.state import IncidentState
from ic_console.store.errors import Notice, StoreError
from ic_console.store.eventlog import EventLog
from ic_console.store.paths import (
    DIR_MODE,
    FILE_MODE,
    SUMMARY_FILE,
    event_files,
    fsync_directory,
    open_private,
)
from ic_console.store.summary import read_summary

#: `ic new` builds an incident in a folder named like this, then renames it into place.
NEW_PREFIX = ".new-"
#: A half-made incident folder older than this was left by a crashed `ic new`: removed.
STALE_NEW_SECONDS = 3600.0


def tail_bytes(path: Path, end: int) -> bytes:
    """The bytes of the log past `end` (its last line end)."""
    fd = open_private(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        handle.seek(end)
        return handle.read()


def recover_torn_tail(log: EventLog, directory: Path) -> Notice | None:
    """Under the lock: repair the end of a log that a crash left without a line end.

    A whole, checksummed event missing only its line end gets it back (the event is kept);
    a partial line is moved aside into a sidecar file and the log cut back to whole lines.
    Returns what to tell, None when the log ended cleanly.
    """
    path = log.path
    end = log.torn_tail_at()
    if end is None:
        return None
    torn = tail_bytes(path, end)
    if log.whole_event(torn) is not None:
        fd = open_private(path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        return Notice(
            f"The last event in {path} lacked its line end (a crash just before it was "
            "finished); the line end was restored and the event kept."
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    sidecar = directory / f"events.torn-{stamp}.jsonl"
    fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.write(fd, torn)
        os.fsync(fd)
    finally:
        os.close(fd)
    fd = open_private(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, end)
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_directory(directory)
    return Notice(
        f"The last line of {path} was incomplete (a crash while writing). "
        f"Its {len(torn)} bytes were moved to {sidecar.name}; every whole event is kept."
    )


def folder_contradiction(
    directory: Path,
    state: IncidentState,
    log: EventLog,
    *,
    read_to: int,
    check_summary: bool = True,
) -> str | None:
    """Why writes to this log must be blocked, when the folder around it contradicts it: a log
    cut back to a line end (the summary recorded more events), a folder that was copied or
    renamed (the log declares another id), or a log hard-linked into another folder.

    `read_to` is the log offset the state was read up to. None when nothing contradicts.
    The summary's count is compared only for a log read alone (`check_summary`): the fold of
    several replicas' files has no one sequence to compare.
    """
    events_path = log.path
    if state.declared and state.incident_id != directory.name:
        return (
            f"{directory} holds the log of incident {state.incident_id!r}, but the "
            f"folder is named {directory.name!r} (a copy or a rename). It is open "
            f"read-only; rename the folder to {state.incident_id!r} to record in it, or "
            "keep it as a copy to read."
        )
    try:
        links = os.lstat(events_path).st_nlink
    except OSError:
        links = 1
    if links > 1:
        return (
            f"{events_path} is hard-linked from {links - 1} other place(s); two folders "
            "writing one log would repeat sequence numbers. It is open read-only; replace "
            "the link with a copy (cp) to record in it."
        )
    summary_path = directory / SUMMARY_FILE
    summary = read_summary(summary_path)
    recorded = summary.get("last_seq") if summary else None
    # A writer appends to the log before it rewrites the summary: a summary ahead of our read is
    # a cut log only if the log has not grown since, checked after the summary was read (another
    # terminal may have appended and rewritten it in between).
    if (
        check_summary
        and isinstance(recorded, int)
        and recorded > state.last_seq
        and log.size() <= read_to
    ):
        return (
            f"{summary_path} records {recorded} events but {events_path} holds "
            f"only {state.last_seq}: the log was cut short (restored from an older copy?). "
            "It is open read-only; put the full log back, or remove incident.toml to "
            f"accept the log as it is ({state.last_seq} events)."
        )
    return None


def check_half_made(directory: Path, incident_id: str) -> None:
    """Name a folder that holds no incident (left by an older `ic new` that crashed)."""
    try:
        empty = all(os.lstat(path).st_size == 0 for path in event_files(directory))
    except FileNotFoundError:
        empty = True
    except OSError:
        return
    if empty:
        raise StoreError(
            f"{directory} holds no incident (an `ic new --id {incident_id}` that was "
            f"interrupted?). Remove it (rm -r '{directory}') and declare the incident again."
        )


def remove_stale_new_folders(base: Path) -> None:
    """Remove incident folders that a crashed `ic new` left half-made under a temporary name."""
    cutoff = time.time() - STALE_NEW_SECONDS
    try:
        names = [name for name in os.listdir(base) if name.startswith(NEW_PREFIX)]
    except OSError:
        return
    for name in names:
        path = base / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def built_aside(base: Path, directory: Path, incident_id: str, taken: StoreError) -> Iterator[Path]:
    """A private temporary folder in `base` to build a new incident in.

    Renamed to `directory` once the with-block has made its first event durable, and removed
    if anything fails (`taken` is raised when `directory` appeared meanwhile), so a crash
    part-way leaves no folder that blocks the id.
    """
    remove_stale_new_folders(base)
    temp = base / f"{NEW_PREFIX}{incident_id}-{os.urandom(4).hex()}"
    temp.mkdir(mode=DIR_MODE)
    try:
        yield temp
        fsync_directory(temp)
        if os.path.lexists(directory):
            raise taken
        try:
            os.rename(temp, directory)
        except OSError as error:
            if error.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
                raise taken from None
            raise
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    fsync_directory(base)
