"""What the store raises and what it tells, apart so the lower store modules (paths, lock,
recovery) can use them without the store itself."""

from __future__ import annotations

from typing import NamedTuple


class StoreError(Exception):
    """The incident files cannot be used as asked; the message says why and what to do."""


class FilesUnwritable(StoreError):
    """A file could not be read or written as the system stands (permissions, a full disk, a
    folder that cannot be made), not because of what was asked: `ic` exits 1 for it, as for
    any other failing file, where a refused request exits 2."""


class Notice(NamedTuple):
    """Something the person should be told about the files (recovery, read-only).

    A NamedTuple, not a dataclass: every `ic` imports this module, and `dataclasses` loads
    `inspect` (~9 ms of `ic search`, issue 13).
    """

    message: str
    severe: bool = False
