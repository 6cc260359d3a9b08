"""Drills in the domain: what makes an incident a drill, and the command that marks one.

A drill is an ordinary incident folder whose id starts with `drill-` and whose log holds a
`drill.started` event right after the declaration. The id keeps drills out of the real
incidents' lists without reading a log; the event is what `ic drill rm` checks before it
deletes anything, so a real incident is never removed by it even if someone named it `drill-…`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from ic_console.domain import events as ev
from ic_console.domain.commands import Command, Events
from ic_console.domain.errors import DomainError
from ic_console.domain.state import IncidentState
from ic_console.domain.text import clean_name, clean_text

#: Every drill's id starts with this.
DRILL_PREFIX = "drill-"


def is_drill_id(incident_id: str) -> bool:
    return incident_id.startswith(DRILL_PREFIX)


class StartDrillClock(Command):
    """Record that the drill clock started after being held `held_seconds` (the briefing)."""

    held_seconds: Annotated[float, Field(ge=0)]

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if not state.drill:
            raise DomainError(f"{state.incident_id} is not a drill: it has no drill clock.")
        return [ev.DrillClockStarted(held_seconds=self.held_seconds)]


class StartDrill(Command):
    """Mark a just-declared incident as a drill (recorded once, before anything else)."""

    scenario: str
    trainee: str
    speed: Annotated[float, Field(gt=0, le=1000)] = 1.0
    replay_of: str | None = None

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if state.drill:
            raise DomainError(f"{state.incident_id} is already a drill ({state.drill}).")
        if not is_drill_id(state.incident_id):
            raise DomainError(
                f"{state.incident_id} is a real incident: only an incident whose id starts "
                f'with "{DRILL_PREFIX}" can be a drill.'
            )
        return [
            ev.DrillStarted(
                scenario=clean_text(self.scenario, what="scenario"),
                trainee=clean_name(self.trainee, what="trainee's name"),
                speed=self.speed,
                replay_of=self.replay_of,
            )
        ]
