"""The remote in `config.toml` (`[sync] remote = ...`): read by the console and `ic sync`,
written once per laptop by `ic sync init URL`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import tomli_w

from ic_console.content.config import load_config, parse_config
from ic_console.content.paths import config_path
from ic_console.content.problems import ContentError
from ic_console.sync.git import SyncError

_TABLE = re.compile(r"^[ \t]*\[[ \t]*sync[ \t]*\][ \t]*(#.*)?$", re.MULTILINE)
_ANY_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)
_REMOTE = re.compile(r"^[ \t]*remote[ \t]*=.*$", re.MULTILINE)


def configured_remote() -> str | None:
    """The configured remote; None when there is none or the config cannot be used."""
    config, problems = load_config()
    if problems or config.sync is None:
        return None
    return config.sync.remote


def save_remote(url: str, path: Path | None = None) -> Path:
    """Write `[sync] remote = url` into config.toml, keeping everything else as it is written
    (comments included); the result is validated before it replaces the file."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as error:
        raise SyncError(f"could not read {path}: {error.strerror}.", usage=True) from None
    line = tomli_w.dumps({"remote": url}).strip()
    table = _TABLE.search(text)
    if table is None:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + f"[sync]\n{line}\n"
    else:
        start = table.end()
        following = _ANY_TABLE.search(text, start + 1)
        end = following.start() if following else len(text)
        body = text[start:end]
        if _REMOTE.search(body):
            body = _REMOTE.sub(lambda _m: line, body, count=1)
        else:
            body = f"\n{line}" + body
        text = text[:start] + body + text[end:]
    try:
        parse_config(path, text)
    except ContentError as error:
        details = "; ".join(str(problem) for problem in error.problems)
        raise SyncError(f"{path} cannot be used ({details}); fix it first.", usage=True) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return path
