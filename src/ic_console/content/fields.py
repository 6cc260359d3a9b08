"""The field types that the user's content files share (runbooks, checklists, the phrasebook),
so an id, a line of text or a severity is checked the same way in every file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, TypeVar

from pydantic import AfterValidator, Field, StringConstraints

#: Runbook and checklist ids: short, lower case, safe in a file name and typable.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

ContentId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

#: Characters a content file may not hold in what the console shows: control characters but
#: line breaks and tabs (an escape in a phrase's title cleared the pane, or wrote the clipboard
#: through OSC 52, shown as it was in the "Also:" line), and the marks that reorder the text
#: around them (a right-to-left override turned the rest of the line backwards). The marks that
#: only say a direction (U+200E, U+200F) and the joiners stay: right-to-left text needs them.
_UNSHOWABLE = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\n\t"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


def _showable(value: str) -> str:
    bad = next((ch for ch in value if ch in _UNSHOWABLE), None)
    if bad is not None:
        raise ValueError(
            f"holds a control character (U+{ord(bad):04X}, an escape or a mark that reorders "
            "text): use letters, digits, spaces and punctuation"
        )
    return value


#: Text that must say something: surrounding spaces are dropped, and it may not be empty.
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_showable)
]
#: Optional text shown as it is (a note, a detail, a description): may be empty.
Note = Annotated[str, AfterValidator(_showable)]
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
