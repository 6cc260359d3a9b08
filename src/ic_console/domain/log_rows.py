"""What each event looks like as a line of the scribe log. Pure: no Textual, no I/O.

Scribe entries (note, action, status, follow-up) are shown as typed; everything else the incident
records (roles, severity, phase, tasks, decisions, updates) is a "system" line in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain.durations import format_duration
from ic_console.domain.model import severity_label

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
        return self.kind not in {"note", "action", "status", "followup"}

    @property
    def when(self) -> datetime:
        return self.occurred_at or self.recorded_at


def _minutes(seconds: int) -> str:
    return format_duration(timedelta(seconds=seconds))


def describe(data: ev._Payload) -> tuple[str, str] | None:
    """(kind, text) for a payload, or None for payloads that are not shown in the log."""
    match data:
        case ev.LogEntryAdded(kind=kind, text=text):
            return kind.value, text
        case ev.IncidentDeclared(incident_id=incident_id, title=title, severity=severity):
            return "system", f"Declared {incident_id} at {severity_label(severity)}: {title}"
        case ev.SeverityChanged(previous=previous, severity=severity):
            return "severity", f"{severity_label(previous)} → {severity_label(severity)}"
        case ev.PhaseChanged(previous=previous, phase=phase):
            return "phase", f"{previous.label} → {phase.label}"
        case ev.IncidentResolved():
            return "system", "Incident resolved"
        case ev.IncidentClosed():
            return "system", "Incident closed"
        case ev.ParticipantJoined(name=name):
            return "system", f"{name} joined the call"
        case ev.ParticipantReleased(name=name):
            return "system", f"{name} was released from the call"
        case ev.RoleAssigned(role=role, name=name):
            return "role", f"{name} is {role.label}"
        case ev.RoleVacated(role=role, name=name):
            return "role", f"{name} is no longer {role.label}"
        case ev.CommandHandedOver(previous=previous, name=name):
            return "role", f"{previous} handed command to {name}"
        case ev.TaskAssigned(number=number, owner=owner, text=text, timebox_seconds=seconds):
            return "task", f"#{number} {owner}, {_minutes(seconds)}: {text}"
        case ev.TaskAcknowledged(number=number):
            return "task", f"#{number} acknowledged"
        case ev.TaskExtended(number=number, timebox_seconds=seconds):
            return "task", f"#{number} given {_minutes(seconds)} more"
        case ev.TaskReassigned(number=number, previous=previous, owner=owner):
            return "task", f"#{number} reassigned from {previous} to {owner}"
        case ev.TaskDone(number=number):
            return "task", f"#{number} done"
        case ev.TaskCancelled(number=number):
            return "task", f"#{number} cancelled"
        case ev.TaskReopened(number=number):
            return "task", f"#{number} reopened"
        case ev.TaskUnacknowledged(number=number):
            return "task", f"#{number} acknowledgement taken back"
        case ev.TaskExtensionUndone(number=number):
            return "task", f"#{number} extension taken back"
        case ev.DecisionProposed(number=number, text=text):
            return "decision", f"D{number} proposed: {text}"
        case ev.ObjectionRaised(number=number, by=by, text=text):
            return "decision", f"D{number} objection from {by}: {text}"
        case ev.DecisionAccepted(number=number):
            return "decision", f"D{number} accepted: hearing no strong objections"
        case ev.DecisionWithdrawn(number=number):
            return "decision", f"D{number} withdrawn"
        case ev.DecisionReopened(number=number):
            return "decision", f"D{number} reopened"
        case ev.UpdatePosted(audience=audience, text=text):
            return "update", f"{audience.value.capitalize()} update: {text}"
        case ev.ChecklistItemTicked(checklist=checklist, item=item):
            return "system", f"Checklist {checklist}: ticked {item}"
        case ev.ChecklistItemUnticked(checklist=checklist, item=item):
            return "system", f"Checklist {checklist}: unticked {item}"
    return None


def event_rows(events: list[ev.Event]) -> list[LogRow]:
    """The log rows for `events`, in the order they were recorded."""
    rows: list[LogRow] = []
    append = rows.append
    for event in events:
        data = event.data
        if isinstance(data, ev.LogEntryAdded):
            # The common case, kept short: 100,000 of these are converted on open.
            append(
                LogRow(
                    event.seq, event.at, event.actor, data.kind.value, data.text, data.occurred_at
                )
            )
            continue
        described = describe(data)
        if described is not None:
            kind, text = described
            append(LogRow(event.seq, event.at, event.actor, kind, text))
    return rows
