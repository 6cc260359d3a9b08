"""Build incident states through the real domain commands, at chosen times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ic_console.domain.commands import Command, Declare, decide
from ic_console.domain.events import Event
from ic_console.domain.state import IncidentState, apply

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


class Scenario:
    """An incident driven by commands; `at` moves the clock forward in minutes from START."""

    def __init__(self, title: str = "Checkout errors in EU", severity: int = 1) -> None:
        self.state = IncidentState()
        self.now = START
        self._seq = 0
        self.run(Declare(incident_id="checkout", title=title, severity=severity), actor="Alex")

    def at(self, minutes: float) -> Scenario:
        self.now = START + timedelta(minutes=minutes)
        return self

    def run(self, command: Command, actor: str = "Alex") -> Scenario:
        for payload in decide(command, self.state, self.now, actor):
            self._seq += 1
            event = Event(seq=self._seq, id=f"e{self._seq}", at=self.now, actor=actor, data=payload)
            apply(self.state, event)
        return self
