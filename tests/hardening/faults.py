"""Inject disk faults at the system calls the store makes, for files of one directory only.

Tests run as whatever user the machine gives (often root, which ignores permission bits), and
mounting a tiny file system needs privileges a test cannot count on, so the faults are injected:
`os.write`, `os.fsync` and `os.open` fail with the chosen errno, exactly where the kernel would,
for file descriptors and paths inside the incident directory. Everything else (pytest's own
output, Textual) is untouched.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


class DiskFaults:
    """Switchable faults for files under `directory`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
        self.directory = str(directory.resolve())
        self.write_errno: int | None = None
        #: Write only this many bytes, then report a short write (disk full part-way).
        self.short_write: int | None = None
        self.fsync_errno: int | None = None
        self.open_errno: int | None = None
        #: When set, `open_errno` hits only paths whose name starts with this.
        self.open_only: str | None = None
        self.calls: list[str] = []
        self._write: Callable[[int, Any], int] = os.write
        self._fsync: Callable[[int], None] = os.fsync
        self._open: Callable[..., int] = os.open
        monkeypatch.setattr(os, "write", self.write)
        monkeypatch.setattr(os, "fsync", self.fsync)
        monkeypatch.setattr(os, "open", self.open)

    def off(self) -> None:
        """Space is back: every call works again."""
        self.write_errno = self.short_write = self.fsync_errno = self.open_errno = None
        self.open_only = None

    def _ours(self, fd: int) -> bool:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return False
        return target.startswith(self.directory + os.sep) or target == self.directory

    def write(self, fd: int, data: Any) -> int:
        if self._ours(fd):
            self.calls.append("write")
            if self.write_errno is not None:
                raise OSError(self.write_errno, os.strerror(self.write_errno))
            if self.short_write is not None:
                return self._write(fd, bytes(data)[: self.short_write])
        return self._write(fd, data)

    def fsync(self, fd: int) -> None:
        if self._ours(fd) and self.fsync_errno is not None:
            self.calls.append("fsync")
            raise OSError(self.fsync_errno, os.strerror(self.fsync_errno))
        self._fsync(fd)

    def open(self, path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        where = Path(os.fsdecode(path)).resolve()
        inside = str(where).startswith(self.directory)
        chosen = self.open_only is None or where.name.startswith(self.open_only)
        if self.open_errno is not None and writing and inside and chosen:
            self.calls.append("open")
            raise OSError(self.open_errno, os.strerror(self.open_errno), os.fsdecode(path))
        return self._open(path, flags, *args, **kwargs)


ENOSPC = errno.ENOSPC
EROFS = errno.EROFS
EIO = errno.EIO
