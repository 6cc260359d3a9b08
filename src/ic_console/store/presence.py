"""Presence: which consoles have an incident open, and as whom.

Each open console keeps one small heartbeat file in `<incident>/presence/`, rewritten atomically
every few seconds and removed when the console closes. A file whose heartbeat is older than
`STALE_AFTER` (a console that was killed, or a laptop that slept) is ignored, and removed by the
next console that notices it. No locks: each console only ever writes its own file.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ic_console.domain.clock import Clock
from ic_console.domain.model import Role
from ic_console.store.errors import StoreError
from ic_console.store.paths import DIR_MODE, FILE_MODE, open_private

PRESENCE_DIR = "presence"
#: How often a console rewrites its heartbeat.
HEARTBEAT_EVERY = timedelta(seconds=5)
#: A heartbeat older than this is a console that is gone.
STALE_AFTER = timedelta(seconds=20)


@dataclass(frozen=True)
class Presence:
    """One console that has the incident open."""

    session: str
    actor: str
    role: Role | None
    read_only: bool
    host: str
    pid: int
    since: datetime
    heartbeat: datetime

    @property
    def label(self) -> str:
        role = self.role.label if self.role else "no role"
        mode = ", read-only" if self.read_only else ""
        return f"{self.actor} ({role}{mode})"


class PresenceBoard:
    """This console's heartbeat, and a view of everyone else's."""

    def __init__(
        self,
        incident_dir: Path,
        *,
        clock: Clock,
        actor: str,
        role: Role | None = None,
        read_only: bool = False,
    ) -> None:
        self.directory = incident_dir / PRESENCE_DIR
        self.clock = clock
        self.actor = actor
        self.role = role
        self.read_only = read_only
        self.session = uuid.uuid4().hex[:12]
        self.since = clock.now()
        self._path = self.directory / f"{self.session}.json"

    def beat(self) -> None:
        """Write (or refresh) this console's heartbeat file atomically."""
        self.directory.mkdir(mode=DIR_MODE, exist_ok=True)
        if not _real_folder(self.directory):
            return  # a link or a file in its place: never write through it
        record = {
            "session": self.session,
            "actor": self.actor,
            "role": self.role.value if self.role else None,
            "read_only": self.read_only,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": self.since.isoformat(),
            "heartbeat": self.clock.now().isoformat(),
        }
        temp = self._path.with_suffix(".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        os.replace(temp, self._path)

    def leave(self) -> None:
        """Remove this console's heartbeat (on exit)."""
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()

    def others(self) -> list[Presence]:
        """The other live consoles on this incident; stale heartbeats are removed."""
        return [
            p for p in read_presence(self.directory.parent, self.clock) if p.session != self.session
        ]


def read_presence(incident_dir: Path, clock: Clock) -> list[Presence]:
    """Every live console on the incident, oldest first. Unreadable or stale files are skipped."""
    directory = incident_dir / PRESENCE_DIR
    if not _real_folder(directory):
        return []
    try:
        entries = list(directory.glob("*.json"))
    except OSError:
        return []
    now = clock.now()
    found: list[Presence] = []
    for path in entries:
        try:
            with os.fdopen(open_private(path, os.O_RDONLY), "rb") as handle:
                record = json.loads(handle.read())
            presence = Presence(
                session=str(record["session"]),
                actor=str(record["actor"]),
                role=Role(record["role"]) if record.get("role") else None,
                read_only=bool(record.get("read_only", False)),
                host=str(record.get("host", "")),
                pid=int(record.get("pid", 0)),
                since=datetime.fromisoformat(record["since"]),
                heartbeat=datetime.fromisoformat(record["heartbeat"]),
            )
        except (OSError, StoreError, ValueError, KeyError, TypeError, RecursionError):
            continue
        if now - presence.heartbeat > STALE_AFTER or _dead_here(presence):
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        found.append(presence)
    found.sort(key=lambda p: p.since)
    return found


def _dead_here(presence: Presence) -> bool:
    """A console on this host whose process no longer exists is gone, whatever its heartbeat."""
    if presence.host != socket.gethostname() or presence.pid <= 0:
        return False
    try:
        os.kill(presence.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _real_folder(directory: Path) -> bool:
    """True for a folder that is not a symbolic link (a link could point anywhere)."""
    try:
        return stat.S_ISDIR(os.lstat(directory).st_mode)
    except OSError:
        return False
