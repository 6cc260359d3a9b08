"""The crash log: an unexpected error is written down, and the console carries on.

During a call the IC must not lose the console to a bug in a side screen, a timer or a worker.
The error is shown in one line and its traceback appended to `crash.log` in the data root, where
a bug report can pick it up after the call.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

CRASH_LOG = "crash.log"
#: A runaway error loop must not fill the disk: the log is cut back past this size.
MAX_BYTES = 1_000_000


def record_crash(home: Path, error: BaseException, where: str = "") -> Path | None:
    """Append `error` with its traceback to the crash log; the path, or None if it could not be
    written (the console carries on either way)."""
    path = home / CRASH_LOG
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    text = "".join(traceback.format_exception(error))
    entry = f"--- {stamp} {where}\n{text}\n".encode("utf-8", "replace")
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o600)
        try:
            if os.fstat(fd).st_size > MAX_BYTES:
                os.ftruncate(fd, 0)
            os.write(fd, entry)
        finally:
            os.close(fd)
    except OSError:
        return None
    return path
