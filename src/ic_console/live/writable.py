"""Whether this terminal can write an incident's files, said when the console opens.

A console opened on an incident on a read-only filesystem, or whose folder and files have no
write bit (a copy kept for reading), said nothing until the first line typed was refused. The
console now says so at once, once, and how to follow the incident instead; nothing it can
still do (reading, scrolling, copying) is blocked.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ic_console.store.errors import Notice


def why_unwritable(paths: list[Path]) -> str | None:
    """Why the first of `paths` that cannot be written cannot be ("a read-only filesystem",
    "no write permission on ..."), or None when all of them can. A path without a write bit
    counts even for root, who could write it anyway: as the review does
    (`review.source._read_only`), that tells a copy kept read-only on purpose."""
    for path in paths:
        try:
            if os.statvfs(path).f_flag & os.ST_RDONLY:
                return f"{path} is on a read-only filesystem"
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue  # a file this terminal would create: its folder is checked
        except OSError as error:
            return f"{path} cannot be checked ({error.strerror})"
        if not os.access(path, os.W_OK):
            return f"no write permission on {path}"
        if not mode & stat.S_IWUSR:
            return f"{path} is marked read-only (no write bit)"
    return None


def unwritable_notice(directory: Path, log_path: Path, incident_id: str) -> Notice | None:
    """The notice to give at open when `directory` (the incident's folder) or the log this
    terminal appends to (`log_path`, in its folder) cannot be written; None when they can."""
    paths = list(dict.fromkeys([directory, log_path.parent, log_path]))
    why = why_unwritable(paths)
    if why is None:
        return None
    return Notice(
        f"This incident's files cannot be written here ({why}): nothing you record will be "
        f"saved. To follow it, open it with `ic watch {incident_id} --read-only` or "
        f"`ic open {incident_id} --read-only`; to record, make its folder and files writable "
        "and open it again.",
        severe=True,
    )
