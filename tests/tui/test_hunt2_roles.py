"""Second hostile-new-user hunt: roles, handover and the Deputy's view, with another terminal
changing the incident while a form is open. Each test here failed before its fix."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Label

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore

from .conftest import INCIDENT, console, drive, until
from .test_forms import intro, open_form, payloads


def _error(form: object) -> str:
    return str(form.query_one("#form-error", Label).render())  # type: ignore[attr-defined]


def test_a_role_filled_elsewhere_while_the_role_form_is_open_is_not_replaced_unseen(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """The role form said "Now: ... Deputy: Sam"; a second terminal made Mei the Deputy; the IC
    typed deputy, Jordan, Enter, and Mei was stood down without anyone having seen she held
    the seat (the form still said Sam). Enter now says who holds it, the form shows it, and
    the next Enter replaces her knowingly."""
    for name in ("Sam", "Mei", "Jordan"):
        incident.execute(cmd.Join(name=name))
    incident.execute(cmd.AssignRole(role=Role.DEPUTY, name="Sam"))
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "g")
        assert "Deputy: Sam" in intro(form)
        await pilot.press(*"deputy", "enter", *"Jordan")
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Priya")
        other.execute(cmd.AssignRole(role=Role.DEPUTY, name="Mei"))
        await pilot.press("enter")
        await pilot.pause(0.2)
        deputies = [p.name for p in payloads(home, ev.RoleAssigned) if p.role is Role.DEPUTY]  # type: ignore[attr-defined]
        assert deputies == ["Sam", "Mei"]
        said = _error(form)
        assert "Mei" in said and "Deputy" in said, said
        assert "Deputy: Mei" in intro(form)
        await pilot.press("enter")
        await until(pilot, lambda: len(payloads(home, ev.RoleAssigned)) == 4)

    drive(app, scenario)
    deputies = [p.name for p in payloads(home, ev.RoleAssigned) if p.role is Role.DEPUTY]  # type: ignore[attr-defined]
    assert deputies == ["Sam", "Mei", "Jordan"]


def test_command_taken_elsewhere_while_the_handover_form_is_open_is_read_first(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """Alex's handover form said "Alex is the Incident Commander now"; from another terminal
    command went to Priya; Alex's Enter then handed Priya's command to Sam, recording Sam's
    yes to a question Priya never asked. Enter now says who is in command, and nothing is
    recorded until the next Enter."""
    for name in ("Sam", "Priya"):
        incident.execute(cmd.Join(name=name))
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "i")
        await pilot.press(*"Sam")
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Alex")
        other.execute(cmd.Handover(name="Priya"))
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert [p.name for p in payloads(home, ev.CommandHandedOver)] == ["Priya"]  # type: ignore[attr-defined]
        said = _error(form)
        assert "Priya" in said, said
        assert "Priya is the Incident Commander now" in intro(form)
        await pilot.press("enter")
        await until(pilot, lambda: len(payloads(home, ev.CommandHandedOver)) == 2)

    drive(app, scenario)
    assert [p.name for p in payloads(home, ev.CommandHandedOver)] == ["Priya", "Sam"]  # type: ignore[attr-defined]
