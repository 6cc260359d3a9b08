"""Saying exactly what is wrong with a user's file: which file, which line, which field, and
what was expected instead.

TOML parsers do not report where a value was written, so `locate` finds the line of a table
or key by reading the text itself; it is a best effort and falls back to the table's line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong with one file. `str()` gives "file:line: field: message"."""

    path: Path
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}"

    def skipped(self) -> str:
        """How the console reports a user file it did not use."""
        return f"Skipped {self.path.name}: {self.field + ': ' if self.field else ''}" + (
            f"{self.message} (line {self.line})" if self.line else self.message
        )


class ContentError(Exception):
    """A file could not be used; `problems` says everything that is wrong with it."""

    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


_TOML_POSITION = re.compile(r"\((?:at line (\d+), column \d+|at end of document)\)")
_HEADER = re.compile(r"^\s*(\[\[?)[^\]]*\]\]?\s*(?:#.*)?$")


def read_toml(path: Path, text: str | None = None, *, line_offset: int = 0) -> dict[str, Any]:
    """Parse TOML from `path` (or `text`), turning any error into a located ContentError."""
    if text is None:
        text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        line = None
        if found:
            at = int(found.group(1)) if found.group(1) else max(1, len(text.splitlines()))
            line = at + line_offset
        plain = _TOML_POSITION.sub("", message).strip()
        raise ContentError(
            [ContentProblem(path, f"this is not valid TOML ({plain}).", line=line)]
        ) from None
    except RecursionError:
        why = "it is nested too deeply to read (arrays or tables inside each other); flatten it."
        raise ContentError([ContentProblem(path, why)]) from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([ContentProblem(path, "the file is not UTF-8 text.")]) from None
    except OSError as error:
        raise ContentError(
            [ContentProblem(path, f"the file cannot be read ({error.strerror}).")]
        ) from None


@lru_cache(maxsize=4096)
def _header_path(line: str) -> tuple[tuple[str, ...], bool] | None:
    """The key path of a `[table]` or `[[array]]` header line, and whether it is an array.

    Cached by line: `locate` walks the same file's lines once per key it is asked about (the
    phrasebook asks once per template), and parsing each header line with tomllib every time
    was most of the console's content loading at start (~30 ms of ~45).
    """
    if not _HEADER.match(line):
        return None
    try:
        parsed: Any = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    keys: list[str] = []
    array = False
    while isinstance(parsed, dict) and len(parsed) == 1:
        key, parsed = next(iter(parsed.items()))
        keys.append(key)
        if isinstance(parsed, list):
            array = True
            parsed = parsed[-1] if parsed else {}
    return tuple(keys), array


def locate(text: str, table: Sequence[str | int] = (), key: str | None = None) -> int | None:
    """The 1-based line where `key` is set inside `table` (a path such as ("items", 2)).

    An int in the path is the index within an array of tables. Returns the table's header line
    when the key is not written there (it is missing), 1 for the top level, or None.
    """
    lines = text.splitlines()
    names = tuple(str(part) for part in table if not isinstance(part, int))
    index = next((part for part in table if isinstance(part, int)), None)
    start, end = 0, len(lines)
    header_line: int | None = None
    if names:
        seen = -1
        for number, line in enumerate(lines):
            header = _header_path(line)
            if header is None or header[0] != names:
                continue
            if header[1]:
                seen += 1
                if index is not None and seen != index:
                    continue
            start, header_line = number + 1, number + 1
            break
        else:
            return None
    for number in range(start, len(lines)):
        if _header_path(lines[number]) is not None:
            end = number
            break
    if key is None:
        return header_line or 1
    assignment = re.compile(
        rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*="""
    )
    for number in range(start, end):
        if assignment.match(lines[number]):
            return number + 1
    # Written as its own [table] or [[array]] rather than as `key = ...`.
    for number, line in enumerate(lines):
        header = _header_path(line)
        if header is not None and header[0] == (*names, key):
            return number + 1
    return header_line or 1


def validation_problems(
    path: Path,
    text: str,
    error: ValidationError,
    *,
    table: Sequence[str | int] = (),
    line_offset: int = 0,
) -> list[ContentProblem]:
    """One located problem per pydantic error, worded for a person editing the file."""
    problems = []
    for detail in error.errors():
        loc = [*table, *detail["loc"]]
        # Split the location into the table it lives in and the key that is wrong.
        key_index = max((i for i, part in enumerate(loc) if isinstance(part, str)), default=-1)
        parent = loc[:key_index]
        key = str(loc[key_index]) if key_index >= 0 else None
        line = locate(text, parent, key)
        field = _dotted(loc)
        problems.append(
            ContentProblem(
                path,
                _expected(detail),
                line=line + line_offset if line else None,
                field=field or None,
            )
        )
    return problems


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


def _expected(detail: Any) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key: remove it or check its spelling."
    if kind == "missing":
        return "this key is required."
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', 'the allowed values')}."
    if kind == "enum":
        return f"expected one of {ctx.get('expected', 'the allowed values')}."
    if kind in {"bool_parsing", "bool_type"}:
        return "expected true or false."
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"])).rstrip(".") + "."
    message = str(detail["msg"])
    return message[0].lower() + message[1:] + ("" if message.endswith(".") else ".")
