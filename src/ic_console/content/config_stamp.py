"""A stamp that config.toml was checked: the digest of its bytes and the severity names in it.

`ic search` must start as fast as the interpreter allows (issue 13: a few times `grep -ri`), and
checking config.toml loads pydantic (about 0.1 s, three times the search itself). Once a verb
has checked the file, this stamp keeps the file's path, the SHA-256 of its bytes and its
severity names; a verb that needs no more than those takes them from the stamp while the bytes
are the same, and checks the file in full otherwise. The stamp is derived data in the data root,
like a snapshot: missing, damaged or of another file, it is ignored and written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

#: In the data root, beside `incidents/`.
STAMP_FILE = "config-checked.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked_names(home: Path, config: Path) -> dict[int, str] | None:
    """The severity names of `config` when the stamp says these very bytes were checked;
    None when they must be checked (no stamp, another file, changed bytes, unreadable)."""
    try:
        data = config.read_bytes()
        stamp = json.loads((home / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("config") != str(config):
        return None
    if stamp.get("sha256") != _digest(data):
        return None
    names = stamp.get("severity_names")
    if not isinstance(names, dict):
        return None
    try:
        return {int(level): str(name) for level, name in names.items()}
    except (TypeError, ValueError):
        return None


def write_stamp(home: Path, config: Path, data: bytes, names: dict[int, str]) -> None:
    """Record that `data`, the bytes of `config`, were checked and name the severities so.
    Best effort: a data root that cannot be written keeps no stamp (the check runs each time)."""
    if not home.is_dir():
        return  # never create the data root for a stamp
    stamp = {
        "config": str(config),
        "sha256": _digest(data),
        "severity_names": {str(level): name for level, name in names.items()},
    }
    try:
        if json.loads((home / STAMP_FILE).read_text(encoding="utf-8")) == stamp:
            return  # as it is: no write on every command
    except (OSError, ValueError):
        pass
    try:
        handle, temporary = tempfile.mkstemp(dir=home, prefix=".config-checked.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(stamp, out)
            os.replace(temporary, home / STAMP_FILE)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
