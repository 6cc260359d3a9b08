"""Accepting a decision someone objected to: the palette and the confirmation say who objected
and that the Incident Commander decided over it, never "hearing no strong objections"."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList
from textual.pilot import Pilot

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.palette import console_commands
from ic_console.tui.screens.console import ConsoleScreen

from .conftest import console, drive, notifications, stored, type_text, until


def test_accepting_over_an_objection_names_it_in_the_palette_and_the_confirmation(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.ProposeDecision(text="roll back"))
    incident.execute(cmd.ProposeDecision(text="page the DBA"))
    incident.execute(cmd.RaiseObjection(number=1, by="Dana", text="the migration is one-way"))

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        helps = {c.title: c.help for c in console_commands(screen)}
        over = helps["Accept D1: roll back"]
        assert "Hearing no strong objections" not in over
        assert "Dana" in over and "Incident Commander decides" in over
        assert helps["Accept D2: page the DBA"].startswith("Hearing no strong objections")
        await pilot.press("ctrl+p")
        await type_text(pilot, "Accept D1")
        await until(pilot, lambda: pilot.app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen.id == "form-accept")
        await pilot.press("enter")
        await until(pilot, lambda: any("accepted" in n for n in notifications(pilot.app)))
        said = next(n for n in notifications(pilot.app) if "accepted" in n)
        assert "objection of Dana" in said
        assert "the Incident Commander (Alex) decided to go ahead" in said
        assert "hearing no" not in said.lower()

    drive(console(home, clock), scenario)
    assert [e.data.number for e in stored(home) if isinstance(e.data, ev.DecisionAccepted)] == [1]
