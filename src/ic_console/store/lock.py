"""The incident lock: held only around each append, never while a person types.

A write waits at most `LOCK_WAIT` seconds for any one holder (a queue of many short appends
is waited out). The holder writes its pid into the lock file, so a write that gives up can say
which process to look for instead of hanging without a word.
Reads never take it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ic_console.store.errors import StoreError
from ic_console.store.paths import open_private

#: Seconds a write waits for another process to finish its append before giving up.
LOCK_WAIT = 5.0
#: Seconds a write waits in all while the lock passes from holder to holder (a runaway loop of
#: writers must not keep one waiting for ever).
LOCK_QUEUE_WAIT = 30.0


class LockBusy(StoreError):
    """Another process held the incident lock for longer than a write waits."""


@contextmanager
def locked(path: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive `flock` on `path` for the duration of the block.

    Raises `LockBusy` (nothing done) when it cannot be had within `wait` seconds.
    """
    fd = open_private(path, os.O_RDWR | os.O_CREAT)
    try:
        _acquire(fd, path, LOCK_WAIT if wait is None else wait)
        try:
            with contextlib.suppress(OSError):  # the pid is a courtesy, not the lock
                os.ftruncate(fd, 0)
                os.pwrite(fd, b"%d\n" % os.getpid(), 0)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, wait: float) -> None:
    """Take the lock, waiting while it passes from holder to holder: the wait gives up only
    when one holder (the pid it wrote) has kept it for `wait` seconds. Eighty alerts logged
    at once on a busy laptop queue for longer than that in all, each holding it a moment;
    with one deadline for the whole queue, 44 of 80 `ic log` calls gave up and were lost."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    deadline = time.monotonic() + wait
    last_call = time.monotonic() + max(wait, LOCK_QUEUE_WAIT)
    seen = _holder(fd)
    pause = 0.001
    while True:
        time.sleep(pause)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder, now = _holder(fd), time.monotonic()
            if now >= last_call:
                raise LockBusy(
                    f"other `ic` processes have held the incident lock ({path}) one after "
                    f"another for over {max(wait, LOCK_QUEUE_WAIT):g} seconds; nothing was "
                    "recorded. Something is writing to this incident in a loop: stop it and try "
                    "again."
                ) from None
            if holder != seen:
                seen, deadline = holder, min(now + wait, last_call)
            elif now >= deadline:
                break
        pause = min(pause * 2, 0.05)
    holder = _holder(fd)
    who = f": pid {holder}" if holder else ""
    raise LockBusy(
        f"another `ic` process holds the incident lock ({path}){who}, and has for over "
        f"{wait:g} seconds; nothing was recorded. If that process is stuck, stop it and try again."
    )


def _holder(fd: int) -> int | None:
    """The pid the lock holder wrote into the lock file, if it did."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None
