"""The field types that the user's content files share (runbooks, checklists, the phrasebook),
so an id, a line of text or a severity is checked the same way in every file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, TypeVar

from pydantic import Field, StringConstraints

#: Runbook and checklist ids: short, lower case, safe in a file name and typable.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

ContentId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
#: Text that must say something: surrounding spaces are dropped, and it may not be empty.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Severity = Annotated[int, Field(ge=1, le=5)]

_Key = TypeVar("_Key")


def first_repeat(keys: Iterable[_Key]) -> _Key | None:
    """The first key given twice, for validators that want every id or level once."""
    seen: set[_Key] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None
