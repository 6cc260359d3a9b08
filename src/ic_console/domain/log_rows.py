"""What each event looks like as a line of the scribe log. Pure: no Textual, no I/O.

Scribe entries (note, action, status, follow-up) are shown as typed; everything else the incident
records (roles, severity, phase, tasks, decisions, updates) is a "system" line in plain words,
in the short form of the one vocabulary (`domain.describe`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import overload

from ic_console.domain import events as ev
from ic_console.domain.describe import SCRIBE_KINDS, Narrator

#: The label shown in the kind column for each kind of row.
KIND_LABELS = {
    "note": "note",
    "action": "action",
    "status": "status",
    "followup": "follow-up",
    "decision": "decision",
    "task": "task",
    "role": "role",
    "severity": "severity",
    "phase": "phase",
    "update": "update",
    "system": "system",
}


@dataclass(slots=True)
class LogRow:
    """One line of the scribe log, as recorded. `text` and `author` are what people typed: the
    log widget makes them safe (`literal`) when a row is drawn, so opening a long log costs no
    more than creating these rows."""

    seq: int
    recorded_at: datetime
    author: str
    kind: str
    text: str
    occurred_at: datetime | None = None

    @property
    def system(self) -> bool:
        return self.kind not in SCRIBE_KINDS

    @property
    def when(self) -> datetime:
        return self.occurred_at or self.recorded_at


def describe(data: ev.Payload, narrator: Narrator | None = None) -> tuple[str, str]:
    """(kind, text) of the log pane's line for a payload."""
    words = (narrator or Narrator()).describe(data)
    return words.log_kind, words.short


def event_rows(events: list[ev.Event], narrator: Narrator | None = None) -> list[LogRow]:
    """The log rows for `events`, in the order they were recorded.

    Pass the same `narrator` for later batches of one incident, so their words know the past
    (whose task it was, how many objections a decision had)."""
    narrator = narrator or Narrator()
    rows: list[LogRow] = []
    append = rows.append
    for event in events:
        data = event.data
        if type(data) is ev.LogEntryAdded:
            # The common case, kept short: 100,000 of these are converted on open.
            append(
                LogRow(
                    event.seq, event.at, event.actor, data.kind.value, data.text, data.occurred_at
                )
            )
            continue
        words = narrator.describe(data)
        append(LogRow(event.seq, event.at, event.actor, words.log_kind, words.short))
    return rows


class RowSequence(Sequence[LogRow]):
    """Rows that are not a list (decoded when asked for, say): indexed and sliced as a list is
    (a slice gives a list), and equal to any sequence of the same rows. A subclass gives its
    length and `_row(index)` for an index already in range."""

    __slots__ = ()

    @abstractmethod
    def _row(self, index: int) -> LogRow:
        """Row `index`, already in range (0 <= index < len(self))."""

    @overload
    def __getitem__(self, index: int) -> LogRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[LogRow]: ...
    def __getitem__(self, index: int | slice) -> LogRow | list[LogRow]:
        size = len(self)
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(size))]
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("row index out of range")
        return self._row(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list


class RowList(RowSequence):
    """The pane's rows: a read-only `base` (rows decoded from the rows cache when shown, say,
    so a log of a million rows opens without a million objects) and the rows added after it.

    What the pane needs of a list: its length, a row by index (a slice gives a list), and
    rows appended at the end; equal to any sequence of the same rows."""

    __slots__ = ("added", "base")

    def __init__(self, base: Sequence[LogRow] = (), added: Iterable[LogRow] = ()) -> None:
        self.base: Sequence[LogRow] = base
        self.added: list[LogRow] = list(added)

    def __len__(self) -> int:
        return len(self.base) + len(self.added)

    def _row(self, index: int) -> LogRow:
        start = len(self.base)
        return self.base[index] if index < start else self.added[index - start]

    def __iter__(self) -> Iterator[LogRow]:
        yield from self.base
        yield from self.added

    def __repr__(self) -> str:
        return f"RowList({len(self.base)} + {len(self.added)} rows)"

    def append(self, row: LogRow) -> None:
        self.added.append(row)

    def extend(self, rows: Iterable[LogRow]) -> None:
        self.added.extend(rows)

    def clear(self) -> None:
        self.base = ()
        self.added.clear()

    def truncate(self, size: int) -> None:
        """Keep the first `size` rows."""
        start = len(self.base)
        if size >= start:
            del self.added[size - start :]
        else:
            self.base = self.base[:size]
            self.added.clear()

    def reset(self, rows: Iterable[LogRow]) -> None:
        """Hold exactly `rows` (kept in memory), dropping the base."""
        self.base = ()
        self.added[:] = rows
