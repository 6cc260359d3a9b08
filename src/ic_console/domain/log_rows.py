"""What each event looks like as a line of the scribe log. Pure: no Textual, no I/O.

Scribe entries (note, action, status, follow-up) are shown as typed; everything else the incident
records (roles, severity, phase, tasks, decisions, updates) is a "system" line in plain words,
in the short form of the one vocabulary (`domain.describe`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
