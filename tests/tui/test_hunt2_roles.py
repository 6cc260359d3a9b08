"""Second hostile-new-user hunt: roles, handover and the Deputy's view, with another terminal
changing the incident while a form is open. Each test here failed before its fix."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from ic_console.content.config import Config
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app
from ic_console.tui.screens.checklists import ChecklistScreen
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.screens.watch import WatchScreen
from ic_console.tui.widgets.task_board import TaskBoard

from .conftest import INCIDENT, console, drive, notifications, until
from .test_forms import intro, open_form, payloads
from .test_watch import watch_app


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


def _board_hint(app: ConsoleApp) -> str:
    board = app.screen.query_one(TaskBoard)
    return "".join(segment.text for segment in board.render_line(0))


@pytest.mark.parametrize("read_only", [False, True])
def test_the_deputys_empty_board_never_offers_a_key_the_deputy_does_not_have(
    home: Path, clock: FakeClock, incident: IncidentStore, read_only: bool
) -> None:
    """The Deputy's view said "No open tasks. Press t to assign one", and `a` said "Press t to
    assign one": t does nothing there (the IC assigns tasks). Nor may a read-only view
    offer it."""
    app = watch_app(home, clock, read_only=read_only)

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(app.screen, WatchScreen))
        await pilot.pause()
        hint = _board_hint(app)
        assert "No open tasks" in hint and "Press t" not in hint, hint
        if not read_only:
            await pilot.press("a")
            await pilot.pause(0.1)
            said = notifications(app)[-1]
            assert "Press t" not in said and "no open tasks" in said.lower(), said

    drive(app, scenario)


def test_a_read_only_console_does_not_offer_t_on_an_empty_board(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """An observer's console (READ-ONLY, t hidden and disabled) said "Press t to assign one"."""
    app = make_app(
        home,
        "Olga",
        incident_id=INCIDENT,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
        read_only=True,
    )

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        await pilot.pause()
        hint = _board_hint(app)
        assert "No open tasks" in hint and "Press t" not in hint, hint

    drive(app, scenario)


def test_the_ics_empty_board_names_the_key_of_the_keymap(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """The IC's console keeps the hint, with the key the keymap gives (here ctrl+n)."""
    app = make_app(
        home,
        "Alex",
        incident_id=INCIDENT,
        clock=clock,
        config=Config(keymap={"assign": "ctrl+n"}),
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        await pilot.pause()
        hint = _board_hint(app)
        assert "Press ctrl+n to assign one" in hint, hint

    drive(app, scenario)


@pytest.mark.parametrize("key", ["x", "r"])
def test_a_task_reassigned_elsewhere_is_not_acted_on_while_talking_to_its_old_owner(
    home: Path, clock: FakeClock, incident: IncidentStore, key: str
) -> None:
    """The extend form said 'Ask: "Jordan, how much time do you need?"' (the reassign form:
    "Thank Jordan"); the Deputy gave the task to Mei meanwhile; Enter extended Mei's task (or
    took it from Mei) while the IC spoke to Jordan. Enter now says the task is Mei's, the form
    speaks to Mei, and the next Enter goes ahead."""
    incident.execute(cmd.AssignTask(owner="Jordan", text="check lag", timebox=timedelta(minutes=5)))
    incident.execute(cmd.Join(name="Kim"))
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, key)
        assert "Jordan" in intro(form)
        if key == "r":
            await pilot.press(*"Kim", "enter")
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Sam")
        other.execute(cmd.ReassignTask(number=1, owner="Mei"))
        await pilot.press(*"10m", "enter")
        await pilot.pause(0.2)
        assert payloads(home, ev.TaskExtended) == []
        assert len(payloads(home, ev.TaskReassigned)) == 1
        said = _error(form)
        assert "Mei" in said and "Jordan" in said, said
        assert "Mei" in intro(form) and "Jordan" not in intro(form), intro(form)
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                len(payloads(home, ev.TaskExtended)) + len(payloads(home, ev.TaskReassigned)) == 2
            ),
        )

    drive(app, scenario)


def test_a_read_only_checklist_screen_neither_offers_nor_tries_a_tick(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """On a read-only console the checklist screen's footer said "space Tick / untick", and
    Space (or Enter) answered with an error toast "Not recorded": a read-only console hides
    every action that records. The screen now says it is read-only and ticks nothing."""
    app = make_app(
        home,
        "Olga",
        incident_id=INCIDENT,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
        read_only=True,
    )

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        await pilot.pause()
        shown = [b.binding.description for b in app.screen.active_bindings.values() if b.enabled]
        assert "Tick / untick" not in str(shown), shown
        await pilot.press("space", "enter")
        await pilot.pause(0.2)
        assert not [n for n in notifications(app) if "Not recorded" in n or "read-only" in n]
        scope = str(app.screen.query_one("#checklist-scope", Label).render())
        assert "read-only" in scope.lower(), scope

    drive(app, scenario)
    assert payloads(home, ev.ChecklistItemTicked) == []


def test_the_deputy_handed_command_in_another_terminal_is_told_where_the_ics_console_is(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """Alex handed command to Priya from his console while Priya watched in the Deputy's view:
    only the header's "IC Priya" changed. Priya, now in command, sat in a view that cannot
    assign a task or take a decision, and nothing said so. Now it says, with the command that
    opens the IC's console; and Alex's console says who took command."""
    incident.execute(cmd.Join(name="Priya"))
    app = watch_app(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(app.screen, WatchScreen))
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Alex")
        other.execute(cmd.Handover(name="Priya"))
        await until(pilot, lambda: any("ic open" in n for n in notifications(app)))
        said = next(n for n in notifications(app) if "ic open" in n)
        assert "Incident Commander" in said and INCIDENT in said, said

    drive(app, scenario)


def test_the_commander_whose_command_was_handed_on_elsewhere_is_told(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.Join(name="Priya"))
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Alex")
        other.execute(cmd.Handover(name="Priya"))
        await until(
            pilot, lambda: any("Priya is the Incident Commander" in n for n in notifications(app))
        )

    drive(app, scenario)


def test_undo_never_takes_back_over_a_change_made_elsewhere_since(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """The IC gave Jordan 10 more minutes (x), the Deputy then gave the task to Mei for 3
    minutes, and the IC's ctrl+z took back "the extension": Mei's task went back to Jordan's
    old deadline, nearly run out, and the toast said "Undone". Undo now refuses, saying what
    changed, and records nothing."""
    incident.execute(cmd.AssignTask(owner="Jordan", text="check lag", timebox=timedelta(minutes=1)))
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("1", "x")
        await until(pilot, lambda: isinstance(app.screen, CommandForm))
        await pilot.press(*"10m", "enter")
        await until(pilot, lambda: len(payloads(home, ev.TaskExtended)) == 1)
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Sam")
        other.execute(cmd.ReassignTask(number=1, owner="Mei", timebox=timedelta(minutes=3)))
        await pilot.press("ctrl+z")
        await pilot.pause(0.2)
        said = notifications(app)[-1]
        assert "Not undone" in said or "changed" in said, said
        assert "Mei" in said, said

    drive(app, scenario)
    assert payloads(home, ev.TaskExtensionUndone) == []
