"""The store's one error type, apart so the lower store modules (paths, lock) can raise it."""

from __future__ import annotations


class StoreError(Exception):
    """The incident files cannot be used as asked; the message says why and what to do."""
