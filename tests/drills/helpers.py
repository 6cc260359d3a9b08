"""Drill logs built through the real domain commands at chosen minutes, with readable ids."""

from __future__ import annotations

from datetime import datetime, timedelta

from ic_console.domain.commands import Command, Declare, decide
from ic_console.domain.drill import StartDrill
from ic_console.domain.events import Event, envelope
from ic_console.domain.state import IncidentState, apply


class Log:
    """An incident driven by commands; `at` sets the clock in minutes from `start`."""

    def __init__(self, start: datetime, incident_id: str, title: str, severity: int = 2) -> None:
        self.start = start
        self.now = start
        self.state = IncidentState()
        self.events: list[Event] = []
        self.run(Declare(incident_id=incident_id, title=title, severity=severity), "Alerting")

    def at(self, minutes: float) -> Log:
        self.now = self.start + timedelta(minutes=minutes)
        return self

    def run(self, command: Command, actor: str = "Alex") -> Log:
        payloads = decide(command, self.state, self.now, actor)
        for event in envelope(
            payloads,
            after_seq=self.state.last_seq,
            at=self.now,
            actor=actor,
            role=None,
            new_id=lambda: f"e{len(self.events) + 1}",
        ):
            apply(self.state, event)
            self.events.append(event)
        return self

    def drill(self, scenario: str, trainee: str = "Alex", replay_of: str | None = None) -> Log:
        return self.run(
            StartDrill(scenario=scenario, trainee=trainee, speed=10, replay_of=replay_of),
            "Alerting",
        )
