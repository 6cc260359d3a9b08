"""Runbooks: Markdown documents with a TOML front matter block between `+++` lines:

+++
id = "first-ten-minutes"
title = "The first ten minutes of a major incident"
tags = ["declare", "command"]
severities = [1, 2]
+++

# The first ten minutes
...
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, ValidationError

from ic_console.content.fields import ContentId, Note, Severity, Text
from ic_console.content.problems import (
    ContentError,
    ContentProblem,
    locate,
    read_text,
    read_toml,
    validation_problems,
)

FENCE = "+++"

_Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class Runbook(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ContentId
    title: Text
    tags: list[_Tag] = []
    severities: list[Severity] = []
    summary: Note = ""
    #: The Markdown after the front matter (not written in the front matter itself).
    body: str = Field(default="", exclude=True)

    _source: Path | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        return self._source

    def score(self, query: str) -> int:
        """How well `query` matches: title beats tags beats summary beats text; 0 is no match.

        Every word of the query must appear somewhere.
        """
        words = query.casefold().split()
        if not words:
            return 1
        fields = (
            (8, self.title.casefold()),
            (4, " ".join(self.tags).casefold()),
            (2, self.summary.casefold()),
            (1, self.body.casefold()),
        )
        total = 0
        for word in words:
            best = max((weight for weight, text in fields if word in text), default=0)
            if best == 0:
                return 0
            total += best
        return total

    def matching_lines(self, query: str) -> list[str]:
        """The lines of the text that contain every word of `query`."""
        words = query.casefold().split()
        return [
            line.strip()
            for line in self.body.splitlines()
            if words and all(word in line.casefold() for word in words)
        ]


def parse_runbook(path: Path, text: str | None = None) -> Runbook:
    """Parse and validate one runbook file; a ContentError says everything wrong with it."""
    if text is None:
        text = read_text(path)
    lines = text.splitlines(keepends=True)
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != FENCE:
        raise ContentError(
            [
                ContentProblem(
                    path,
                    f"expected the file to start with a TOML front matter block: a line {FENCE}, "
                    f"then id, title, tags and severities, then another line {FENCE}.",
                    line=(first or 0) + 1,
                )
            ]
        )
    close = next(
        (n for n in range(first + 1, len(lines)) if lines[n].strip() == FENCE),
        None,
    )
    if close is None:
        raise ContentError(
            [
                ContentProblem(
                    path,
                    f"the front matter is never closed: add a line {FENCE} after it.",
                    line=first + 1,
                )
            ]
        )
    front = "".join(lines[first + 1 : close])
    body = "".join(lines[close + 1 :]).strip("\n")
    offset = first + 1
    data = read_toml(path, front, line_offset=offset)
    problems: list[ContentProblem] = []
    if "body" in data:
        data.pop("body")
        problems.append(
            ContentProblem(
                path,
                "unknown key: the text goes after the front matter, not in it.",
                line=_line(front, "body", offset),
                field="body",
            )
        )
    try:
        runbook = Runbook.model_validate({**data, "body": body})
    except ValidationError as error:
        problems.extend(validation_problems(path, front, error, line_offset=offset))
        raise ContentError(problems) from None
    if not body.strip():
        problems.append(
            ContentProblem(path, "the runbook has no text after its front matter.", line=close + 1)
        )
    if problems:
        raise ContentError(problems)
    runbook._source = path
    return runbook


def _line(front: str, key: str, offset: int) -> int | None:
    found = locate(front, (), key)
    return found + offset if found else None


def search_runbooks(runbooks: Iterable[Runbook], query: str) -> list[Runbook]:
    """The runbooks matching every word of `query`, best match first (stable otherwise)."""
    scored = [(book.score(query), index, book) for index, book in enumerate(runbooks)]
    return [book for score, _index, book in sorted(scored, key=lambda t: (-t[0], t[1])) if score]
