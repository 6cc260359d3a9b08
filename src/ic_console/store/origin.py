"""This data root's replica id (`origin`): which laptop wrote an event.

Made once per data root, in `<root>/origin`, as 12 lowercase hex digits and a newline; every
incident folder holds one events file per origin that wrote to it (`events/<origin>.jsonl`).
It is created atomically (written aside, fsynced, linked into place without replacing), so two
processes starting at once agree on one id, and checked every time it is read: a damaged file is
refused with a message saying what to do, never silently replaced (a new id would make this
laptop a stranger to the incidents it already wrote).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from ic_console.store.errors import FilesUnwritable, StoreError
from ic_console.store.paths import FILE_MODE, fsync_directory, make_private_dir, open_private

ORIGIN_FILE = "origin"
#: An origin: 12 lowercase hex digits (48 random bits: no two laptops of a team share one).
ORIGIN_PATTERN = re.compile(r"[0-9a-f]{12}")

_cache: dict[Path, str] = {}


def is_origin(text: str) -> bool:
    return ORIGIN_PATTERN.fullmatch(text) is not None


def local_origin(root: Path) -> str:
    """The replica id of the data root `root`, created on first use."""
    key = Path(os.path.abspath(root))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    path = key / ORIGIN_FILE
    origin = _read(path)
    if origin is None:
        origin = _create(path)
    _cache[key] = origin
    return origin


def peek_origin(root: Path) -> str | None:
    """The data root's replica id if it has one; never creates it (read-only openers)."""
    key = Path(os.path.abspath(root))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    origin = _read(key / ORIGIN_FILE)
    if origin is not None:
        _cache[key] = origin
    return origin


def _read(path: Path) -> str | None:
    try:
        fd = open_private(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(64)
    text = raw.decode("ascii", errors="replace").strip()
    if not is_origin(text):
        raise StoreError(
            f"{path} should hold this laptop's replica id (12 lowercase hex digits) but holds "
            f"{raw[:40]!r}. Restore it from a backup; if this laptop never shared incidents, "
            "remove it and a new id is made."
        )
    return text


def _create(path: Path) -> str:
    make_private_dir(path.parent)
    origin = os.urandom(6).hex()
    temp = path.with_name(f".{ORIGIN_FILE}-{os.getpid()}-{os.urandom(4).hex()}")
    fd = open_private(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.write(fd, f"{origin}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temp, path)  # never replaces: whoever links first made the id
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    fsync_directory(path.parent)
    found = _read(path)
    if found is None:
        raise FilesUnwritable(
            f"{path} could not be created; check that the data folder is writable."
        )
    return found


def forget_cached_origins() -> None:
    """Tests: read the origin files again."""
    _cache.clear()
