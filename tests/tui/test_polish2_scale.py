"""The console for changing a large incident's set-up (issue 15): a team's new lead from the
palette, dropping an exit criterion, and a handover form that says what it means for a team."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Label

from ic_console.domain import events as ev
from ic_console.domain import scale as s
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.palette import console_commands
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.forms import CommandForm

from .conftest import console, drive, type_text, until
from .test_forms import burst, intro, open_form, payloads


async def _palette(pilot: Pilot[int], title: str) -> CommandForm:
    await pilot.press("ctrl+p")
    await type_text(pilot, title)
    await until(pilot, lambda: pilot.app.screen.query_one(CommandList).option_count > 0)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
    form = pilot.app.screen
    assert isinstance(form, CommandForm)
    return form


def test_the_palette_changes_a_teams_lead_with_the_sentence(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(s.FormTeam(name="Bravo", lead="Nina", members=("Sam",), goal="replica"))

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        titles = [command.title for command in console_commands(screen)]
        assert "Change the lead of team Bravo" in titles
        form = await _palette(pilot, "Change the lead of team Bravo")
        assert form.id == "form-team-lead"
        assert '"Sam, you now lead team Bravo. Your goal: replica.' in intro(form)
        burst(pilot.app, "Sam", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.TeamLeadChanged)))

    drive(console(home, clock), scenario)
    assert payloads(home, ev.TeamLeadChanged) == [
        ev.TeamLeadChanged(team="Bravo", lead="Sam", previous="Nina")
    ]


def test_the_palette_drops_an_exit_criterion(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(s.AddExitCriterion(text="errors below 1%"))
    incident.execute(s.AddExitCriterion(text="queue drained"))

    async def scenario(pilot: Pilot[int]) -> None:
        form = await _palette(pilot, "Drop exit criterion 1")
        assert form.id == "form-exit-drop"
        assert "1. errors below 1%" in intro(form)
        await pilot.press("enter")
        await until(pilot, lambda: bool(payloads(home, ev.ExitCriterionDropped)))
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        await until(pilot, lambda: screen.state is not None and 1 not in _in_force(screen))
        titles = [command.title for command in console_commands(screen)]
        assert not any(t.startswith("Drop exit criterion 1.") for t in titles)
        assert "Drop exit criterion 2. queue drained" in titles

    drive(console(home, clock), scenario)
    assert payloads(home, ev.ExitCriterionDropped) == [
        ev.ExitCriterionDropped(number=1, text="errors below 1%")
    ]


def _error(form: CommandForm) -> str:
    return str(form.query_one("#form-error", Label).render())


def _in_force(screen: ConsoleScreen) -> list[int]:
    from ic_console.domain.exit_criteria import criteria

    assert screen.state is not None
    return [c.number for c in criteria(screen.state)]


def test_the_handover_form_says_a_lead_must_hand_the_team_on_first(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(s.FormTeam(name="Bravo", lead="Nina", members=("Sam",)))

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "i")
        burst(pilot.app, "Nina")
        await until(pilot, lambda: "Nina leads team Bravo" in intro(form))
        said = intro(form)
        assert "Change the lead of team Bravo" in said
        assert '"Who will lead Bravo while Nina takes command?"' in said
        burst(pilot.app, "enter")
        # Refused where the IC is looking: the form stays, with the domain's one line.
        await until(pilot, lambda: "Nina leads team Bravo" in _error(form))
        assert "ic team lead Bravo PERSON" in _error(form)
        assert pilot.app.screen is form

    drive(console(home, clock), scenario)
    assert payloads(home, ev.CommandHandedOver) == []  # refused, nothing written
