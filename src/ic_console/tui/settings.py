"""What the console needs from outside: where, who, when, and the user's preferences."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from pathlib import Path

from ic_console.content.checklists import Checklist
from ic_console.content.phrasebook import Phrasebook
from ic_console.content.runbooks import Runbook
from ic_console.domain.clock import Clock, SystemClock
from ic_console.live.incident import LiveSettings


@dataclass
class ConsoleSettings:
    """Everything the console needs from outside: where, who, when, and the user's preferences."""

    home: Path
    actor: str
    clock: Clock = field(default_factory=SystemClock)
    incident_id: str | None = None
    bell: bool = True
    keymap: dict[str, str] = field(default_factory=dict)
    cadence: dict[int, timedelta | None] | None = None
    zone: tzinfo | None = None
    theme: str | None = None
    phrasebook: Phrasebook | None = None
    checklists: list[Checklist] = field(default_factory=list)
    runbooks: list[Runbook] = field(default_factory=list)
    #: How often to look for other terminals' changes: one stat call (about 20 µs) when nothing
    #: changed, so four times a second costs nothing and keeps two terminals within a beat.
    poll_seconds: float = 0.25
    #: How often countdowns move on.
    tick_seconds: float = 1.0
    #: Open the incident in a worker thread so the first frame paints at once.
    background_load: bool = True
    #: The Deputy's view (`ic watch`) instead of the IC's console.
    watch: bool = False
    #: Observe only: every action that records is disabled and hidden.
    read_only: bool = False
    #: Sync with the remote in config.toml when one is set. False for the demo: its throwaway
    #: incident must never reach the team's remote (their consoles would show a fake SEV-1).
    sync: bool = True

    def live(self) -> LiveSettings:
        return LiveSettings(
            actor=self.actor,
            clock=self.clock,
            cadence=self.cadence,
            watch=self.watch,
            read_only=self.read_only,
        )
