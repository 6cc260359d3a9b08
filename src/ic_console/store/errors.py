"""What the store raises and what it tells, apart so the lower store modules (paths, lock,
recovery) can use them without the store itself."""

from __future__ import annotations

from dataclasses import dataclass


class StoreError(Exception):
    """The incident files cannot be used as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Notice:
    """Something the person should be told about the files (recovery, read-only)."""

    message: str
    severe: bool = False
