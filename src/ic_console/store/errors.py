"""What the store raises and what it tells, apart so the lower store modules (paths, lock,
recovery) can use them without the store itself."""

from __future__ import annotations

from typing import NamedTuple


class StoreError(Exception):
    """The incident files cannot be used as asked; the message says why and what to do."""


class Notice(NamedTuple):
    """Something the person should be told about the files (recovery, read-only).

    A NamedTuple, not a dataclass: every `ic` imports this module, and `dataclasses` loads
    `inspect` (~9 ms of `ic search`, issue 13).
    """

    message: str
    severe: bool = False
