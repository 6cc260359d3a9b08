"""An incident in memory for unit tests: real commands, a fake clock, no disk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ic_console.domain.commands import Command, Declare, decide
from ic_console.domain.events import Event
from ic_console.domain.state import IncidentState, apply

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


class Recorder:
    """Runs commands at given minutes after T0 and keeps the events, as the store would."""

    def __init__(self, severity: int = 2, title: str = "Checkout errors") -> None:
        self.state = IncidentState()
        self.events: list[Event] = []
        self.do(0, Declare(incident_id="inc", title=title, severity=severity), "Alex")

    def at(self, minute: float) -> datetime:
        return T0 + timedelta(minutes=minute)

    def do(self, minute: float, command: Command, actor: str = "Alex") -> list[Event]:
        now = self.at(minute)
        made = [
            Event(
                seq=self.state.last_seq + i + 1,
                id=f"e{self.state.last_seq + i + 1}",
                at=now,
                actor=actor,
                data=payload,
            )
            for i, payload in enumerate(decide(command, self.state, now, actor))
        ]
        for event in made:
            apply(self.state, event)
        self.events.extend(made)
        return made


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
