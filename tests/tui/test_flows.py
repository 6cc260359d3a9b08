"""The IC's loop through the keyboard, checked against the events stored on disk."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Audience, LogKind, Phase, Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.screens.forms import CommandForm

from .conftest import console, drive, notifications, stored, type_text


def payloads(home: Path, kind: type[ev._Payload]) -> list[ev._Payload]:
    return [e.data for e in stored(home) if isinstance(e.data, kind)]


def form_error(pilot: Pilot[int]) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, CommandForm), f"expected a form, got {screen!r}"
    return "\n".join(str(label.render()) for label in screen.query(Label))


# -- the scribe log ----------------------------------------------------------------------------


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_log_line_kinds_and_late_times(home: Path, clock: FakeClock, incident: IncidentStore):
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        await type_text(pilot, "pager fired for checkout")
        await pilot.press("enter")
        await type_text(pilot, "a: rolled back deploy 4411")
        await pilot.press("enter")
        await type_text(pilot, "s: @13:50 errors began")
        await pilot.press("enter")
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # note -> action -> status -> follow-up
        await type_text(pilot, "add an alert on 3DS failures")
        await pilot.press("enter")

    drive(console(home, clock), scenario)
    entries = payloads(home, ev.LogEntryAdded)
    assert [(e.kind, e.text) for e in entries] == [
        (LogKind.NOTE, "pager fired for checkout"),
        (LogKind.ACTION, "rolled back deploy 4411"),
        (LogKind.STATUS, "errors began"),
        (LogKind.FOLLOWUP, "add an alert on 3DS failures"),
    ]
    assert entries[2].occurred_at == clock.now() - timedelta(minutes=10)


def test_bad_log_line_is_explained_and_kept(home: Path, clock: FakeClock, incident):
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        await type_text(pilot, "@25:99 something")
        hint = str(pilot.app.screen.query_one("#log-hint", Label).render())
        assert "not a time of day" in hint
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen.query_one("#log-text", Input).value == "@25:99 something"

    drive(console(home, clock), scenario)
    assert payloads(home, ev.LogEntryAdded) == []


def test_user_text_is_shown_literally(home: Path, clock: FakeClock, incident: IncidentStore):
    incident.execute(cmd.AddLogEntry(text="[bold red]boom[/] \x1b[2J cleared?"))

    async def scenario(pilot: Pilot[int]) -> None:
        log = pilot.app.screen.query_one("ScribeLog")
        assert log.rows[-1].text == "[bold red]boom[/] \x1b[2J cleared?"  # type: ignore[attr-defined]
        last = len(log.rows) - 1  # type: ignore[attr-defined]
        rendered = "".join(s.text for s in log.render_row(last, 120, False))  # type: ignore[attr-defined]
        assert rendered.endswith("[bold red]boom[/] ␛[2J cleared?")
        assert "\x1b" not in rendered

    drive(console(home, clock), scenario)


# -- tasks -------------------------------------------------------------------------------------


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_assign_task_with_a_new_name(home: Path, clock: FakeClock, incident: IncidentStore):
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("t")
        await type_text(pilot, "Sam")
        await pilot.press("enter")
        await type_text(pilot, "investigate the latency")
        await pilot.press("enter")
        timebox = pilot.app.screen.query_one("#field-timebox", Input)
        timebox.value = ""
        await type_text(pilot, "7")
        await pilot.pause()
        assert "no unit" in form_error(pilot)
        await pilot.press("m", "enter")

    drive(console(home, clock), scenario)
    (task,) = payloads(home, ev.TaskAssigned)
    assert (task.owner, task.text, task.timebox_seconds) == ("Sam", "investigate the latency", 420)  # type: ignore[attr-defined]
    assert "Sam" in [p.name for p in payloads(home, ev.ParticipantJoined)]  # type: ignore[attr-defined]


def test_acknowledge_extend_reassign_done(home: Path, clock: FakeClock, incident):
    incident.execute(
        cmd.AssignTask(owner="Sam", text="check the database", timebox=timedelta(minutes=5))
    )
    incident.execute(cmd.Join(name="Mei"))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("a")
        await pilot.press("x")
        await type_text(pilot, "20m")
        await pilot.press("enter")
        await pilot.press("r")
        await type_text(pilot, "Mei")
        await pilot.press("enter", "enter")
        await pilot.press("d")

    drive(console(home, clock), scenario)
    assert len(payloads(home, ev.TaskAcknowledged)) == 1
    assert [e.timebox_seconds for e in payloads(home, ev.TaskExtended)] == [1200]  # type: ignore[attr-defined]
    assert [(e.previous, e.owner) for e in payloads(home, ev.TaskReassigned)] == [("Sam", "Mei")]  # type: ignore[attr-defined]
    assert len(payloads(home, ev.TaskDone)) == 1


def test_expired_timebox_alerts_once(home: Path, clock: FakeClock, incident: IncidentStore):
    incident.execute(
        cmd.AssignTask(owner="Sam", text="check the database", timebox=timedelta(minutes=5))
    )
    app = console(home, clock)
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]

    async def scenario(pilot: Pilot[int]) -> None:
        clock.advance(5 * 60 + 12)
        app.tick()
        app.tick()
        await pilot.pause()
        board = app.screen.query_one("TaskBoard")
        row = "".join(s.text for s in board.render_row(0, 100, False))  # type: ignore[attr-defined]
        assert "late +00:12" in row

    drive(app, scenario)
    alerts = [m for m in notifications(app) if "timebox is up" in m]
    assert len(alerts) == 1 and "Sam" in alerts[0]
    assert bells == [True]


def test_bell_can_be_switched_off(home: Path, clock: FakeClock, incident: IncidentStore):
    incident.execute(cmd.AssignTask(owner="Sam", text="check", timebox=timedelta(minutes=1)))
    app = console(home, clock)
    app.settings.bell = False
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]

    async def scenario(pilot: Pilot[int]) -> None:
        clock.advance(61)
        app.tick()

    drive(app, scenario)
    assert bells == []
    assert any("timebox is up" in m for m in notifications(app))


# -- decisions ---------------------------------------------------------------------------------


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_propose_object_accept(home: Path, clock: FakeClock, incident: IncidentStore):
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("p")
        await type_text(pilot, "roll back deploy 4411")
        await pilot.press("enter")
        await pilot.press("o")
        await type_text(pilot, "Jordan")
        await pilot.press("enter")
        await type_text(pilot, "the rollback drops the schema change")
        await pilot.press("enter")
        await pilot.press("y")
        await pilot.press("enter")

    drive(console(home, clock), scenario)
    assert [d.text for d in payloads(home, ev.DecisionProposed)] == ["roll back deploy 4411"]  # type: ignore[attr-defined]
    (objection,) = payloads(home, ev.ObjectionRaised)
    assert (objection.by, objection.text) == ("Jordan", "the rollback drops the schema change")  # type: ignore[attr-defined]
    assert len(payloads(home, ev.DecisionAccepted)) == 1


def test_withdraw(home: Path, clock: FakeClock, incident: IncidentStore):
    incident.execute(cmd.ProposeDecision(text="fail over to the secondary provider"))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("w", "enter")

    drive(console(home, clock), scenario)
    assert len(payloads(home, ev.DecisionWithdrawn)) == 1


# -- the incident, roles and people ------------------------------------------------------------


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_severity_phase_roles_update(home: Path, clock: FakeClock, incident: IncidentStore):
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("s")
        await type_text(pilot, "1")
        await pilot.press("enter")
        await pilot.press("h")
        await type_text(pilot, "diag")
        await pilot.press("enter")
        await pilot.press("g")
        await type_text(pilot, "deputy")
        await pilot.press("enter")
        await type_text(pilot, "Priya")
        await pilot.press("enter")
        await pilot.press("u")
        pilot.app.screen.query_one("#field-audience", Input).value = "external"
        await pilot.press("enter")
        await type_text(pilot, "Some card payments may fail")
        await pilot.press("enter")

    drive(console(home, clock), scenario)
    assert [e.severity for e in payloads(home, ev.SeverityChanged)] == [1]  # type: ignore[attr-defined]
    assert [e.phase for e in payloads(home, ev.PhaseChanged)] == [Phase.DIAGNOSE]  # type: ignore[attr-defined]
    roles = [(e.role, e.name) for e in payloads(home, ev.RoleAssigned)]  # type: ignore[attr-defined]
    assert (Role.DEPUTY, "Priya") in roles
    updates = [(e.audience, e.text) for e in payloads(home, ev.UpdatePosted)]  # type: ignore[attr-defined]
    assert updates == [(Audience.EXTERNAL, "Some card payments may fail")]


def test_handover_release_resolve(home: Path, clock: FakeClock, incident: IncidentStore):
    incident.execute(cmd.Join(name="Priya"))
    incident.execute(cmd.Join(name="Riley"))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("i")
        await type_text(pilot, "Priya")
        await pilot.press("enter")
        await pilot.press("e")
        await type_text(pilot, "Riley")
        await pilot.press("enter")
        await pilot.press("R", "enter")

    drive(console(home, clock), scenario)
    assert [(e.previous, e.name) for e in payloads(home, ev.CommandHandedOver)] == [
        ("Alex", "Priya")
    ]  # type: ignore[attr-defined]
    assert [e.name for e in payloads(home, ev.ParticipantReleased)] == ["Riley"]  # type: ignore[attr-defined]
    assert len(payloads(home, ev.IncidentResolved)) == 1


def test_refused_command_keeps_the_form(home: Path, clock: FakeClock, incident: IncidentStore):
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("e")
        await type_text(pilot, "Alex")
        await pilot.press("enter")
        await pilot.pause()
        assert "hand over command before releasing" in form_error(pilot)
        assert pilot.app.screen.query_one("#field-name", Input).value == "Alex"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CommandForm)

    drive(console(home, clock), scenario)
    assert payloads(home, ev.ParticipantReleased) == []
