"""Follow-up items' ids: what `ic followups` prints and `ic followups mark` takes.

An item is named after the log entry that raised it: "F12" for entry 12. Each laptop's file
numbers its own lines, so once two laptops' files are merged, Alex's entry 12 and Priya's entry
12 are both in the log. The entries of the laptop that declared the incident keep the plain id;
an entry another laptop wrote adds the first characters of that laptop's replica id
("F12.3fa9c1"). Both stay the same whatever order the files arrive in, so an id printed, filed
in a tracker (`ic:<incident>/F12.3fa9c1`) or typed to `ic followups mark` always names the same
entry. On one laptop every id is plain, as before.
"""

from __future__ import annotations

import re

from ic_console.domain.state import IncidentState

#: How many characters of another laptop's replica id an item's id carries.
ORIGIN_CHARS = 6

_ITEM = re.compile(r"^F?([1-9][0-9]{0,11})(?:\.([0-9a-f]{6}))?$")


def followup_id(seq: int, origin: str | None = None) -> str:
    """The id of the item raised by entry `seq`; `origin` when another laptop wrote it."""
    return f"F{seq}.{origin[:ORIGIN_CHARS]}" if origin else f"F{seq}"


def entry_id(state: IncidentState, index: int, seq: int) -> str:
    """The id of the item raised by `state.log[index]` (whose seq is `seq`)."""
    return followup_id(seq, state.log_origins.get(index))


def parse_followup_id(text: str) -> str:
    """ "F12", "f12", "12", "F12.3FA9C1" -> the id as printed ("F12", "F12.3fa9c1");
    a ValueError for anything else."""
    raw = text.strip()
    match = _ITEM.match(raw[:1].upper() + raw[1:].lower() if raw else raw)
    if match is None:
        raise ValueError(text)
    seq, origin = match.groups()
    return followup_id(int(seq), origin)


def order_key(item: str) -> tuple[int, str]:
    """Items in the order of their entries' seq, another laptop's after the declaring one's."""
    seq, _dot, origin = item.removeprefix("F").partition(".")
    return (int(seq) if seq.isdigit() else 0, origin)
