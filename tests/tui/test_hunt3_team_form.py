"""The `T` form at 80x24 said "Responder 004, I would like you to lead team ..." while its lead
field was empty, then refused Enter ("The name is empty"): the person asked aloud on the bridge
was not the one the form would record. Enter on the empty field now takes the person named."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp

from .conftest import console, drive, until
from .test_forms import back_on_console, burst, intro, open_form, payloads


def test_enter_on_the_empty_lead_takes_the_person_the_sentence_names(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.AssignRole(role=Role.SME, name="Priya"))
    incident.execute(cmd.Join(name="Kim"))

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "T")
        assert '"Priya, I would like you to lead team Alpha.' in intro(form)
        assert isinstance(pilot.app, ConsoleApp)
        burst(pilot.app, "enter", "enter", "enter", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.TeamFormed)))
        await back_on_console(pilot)
        [formed] = payloads(home, ev.TeamFormed)
        assert isinstance(formed, ev.TeamFormed)
        assert formed.lead == "Priya" and formed.name == "Alpha"

    drive(console(home, clock), scenario, size=(80, 24))
