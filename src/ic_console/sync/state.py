"""What sync remembers between rounds, in `<data root>/sync/state.json` (a cache: losing it
only costs a round that looks at everything again).

Written aside and renamed into place, so a kill at any point leaves the old file or the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ic_console.store.paths import FILE_MODE, fsync_directory, make_private_dir, open_private

STATE_FILE = "state.json"


@dataclass
class SyncState:
    #: The remote of the last round.
    remote: str = ""
    #: Unix time of the last round that reached the remote; None: never.
    last_success: float | None = None
    #: Unix time of the first failed round since the last success; None: not offline.
    offline_since: float | None = None
    #: Why the last round failed (one line).
    last_error: str | None = None
    #: The remote refused the last push (read access only): why; None when it took it.
    read_only: str | None = None
    #: "<incident>/<origin>" -> the object ids of the parts last handed to the store (accepted
    #: or refused): the same parts are not read again.
    handled: dict[str, str] = field(default_factory=dict)
    #: This laptop's branch's last commit (rounds of another process of this laptop move it).
    head: str = ""
    #: Peer branch -> the commit whose files were all handled.
    peer_commits: dict[str, str] = field(default_factory=dict)


def state_path(sync_dir: Path) -> Path:
    return sync_dir / STATE_FILE


def load_state(sync_dir: Path) -> SyncState:
    """The remembered state; a missing or damaged file is a fresh start."""
    try:
        fd = open_private(state_path(sync_dir), os.O_RDONLY)
    except OSError:
        return SyncState()
    try:
        with os.fdopen(fd, "rb") as handle:
            data = json.loads(handle.read())
        known = {name for name in SyncState.__dataclass_fields__}
        return SyncState(**{key: value for key, value in data.items() if key in known})
    except (ValueError, TypeError, OSError, RecursionError):
        return SyncState()


def save_state(sync_dir: Path, state: SyncState) -> None:
    make_private_dir(sync_dir)
    target = state_path(sync_dir)
    temp = sync_dir / f".{STATE_FILE}.{os.getpid()}-{os.urandom(4).hex()}"
    fd = open_private(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        try:
            os.write(fd, json.dumps(asdict(state), indent=1, sort_keys=True).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(sync_dir)
