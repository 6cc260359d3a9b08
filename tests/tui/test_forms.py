"""The IC's forms under pressure: Enter takes the completion shown, an empty field means the
default it names, the sentence at the top names the live people and tasks, and resolving asks
what becomes of the open work. Keys are sent in bursts, as a terminal delivers them."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import DecisionStatus, Role, Status, TaskStatus
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.forms import CommandForm, Completions

from .conftest import INCIDENT, console, drive, notifications, stored, until


def burst(app: ConsoleApp, *keys: str) -> None:
    """Keys queued at once, nothing processed in between; a word is its letters."""
    for key in keys:
        for one in [key] if key in ("enter", "escape") else list(key):
            app.post_message(events.Key(one, one if len(one) == 1 else None))


def payloads(home: Path, kind: type[ev._Payload]) -> list[ev._Payload]:
    return [e.data for e in stored(home) if isinstance(e.data, kind)]


async def open_form(pilot: Pilot[int], key: str) -> CommandForm:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
    form = pilot.app.screen
    assert isinstance(form, CommandForm)
    return form


async def back_on_console(pilot: Pilot[int]) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))


def intro(form: CommandForm) -> str:
    return str(form.query_one("#form-intro", Label).render())


def current(home: Path) -> IncidentStore:
    return IncidentStore.open(home, INCIDENT, read_only=True)


# -- Enter takes the completion shown in the field --------------------------------------------


def test_g_dep_enter_means_deputy(home: Path, clock: FakeClock, incident: IncidentStore) -> None:
    incident.execute(cmd.Join(name="Priya"))

    async def scenario(pilot: Pilot[int]) -> None:
        burst(pilot.app, "g", "dep", "enter", "Pri", "enter")
        await until(pilot, lambda: len(payloads(home, ev.RoleAssigned)) == 2)

    drive(console(home, clock), scenario)
    (assigned,) = payloads(home, ev.RoleAssigned)[-1:]
    assert (assigned.role, assigned.name) == (Role.DEPUTY, "Priya")  # type: ignore[attr-defined]


def test_enter_takes_the_name_on_handover(home: Path, clock: FakeClock, incident) -> None:
    incident.execute(cmd.Join(name="Tatiana"))

    async def scenario(pilot: Pilot[int]) -> None:
        burst(pilot.app, "i", "tat", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.CommandHandedOver)))

    drive(console(home, clock), scenario)
    assert current(home).state.ic == "Tatiana"


def test_enter_takes_the_name_on_release_assign_and_reassign(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.Join(name="Morgan"))
    incident.execute(cmd.Join(name="Jordan"))

    async def scenario(pilot: Pilot[int]) -> None:
        burst(pilot.app, "e", "mo", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.ParticipantReleased)))
        await back_on_console(pilot)
        burst(pilot.app, "t", "jo", "enter", "check replica lag", "enter", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.TaskAssigned)))
        await back_on_console(pilot)
        burst(pilot.app, "t", "al", "enter", "read the dashboards", "enter", "enter")
        await until(pilot, lambda: len(payloads(home, ev.TaskAssigned)) == 2)
        await back_on_console(pilot)
        # Task 1 back from Jordan to Alex, by the first letters of the name.
        burst(pilot.app, "1", "r", "a", "enter", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.TaskReassigned)))

    drive(console(home, clock), scenario)
    assert [p.name for p in payloads(home, ev.ParticipantReleased)] == ["Morgan"]  # type: ignore[attr-defined]
    owners = [p.owner for p in payloads(home, ev.TaskAssigned)]  # type: ignore[attr-defined]
    assert owners == ["Jordan", "Alex"]
    assert "jo" not in [p.name for p in payloads(home, ev.ParticipantJoined)]  # type: ignore[attr-defined]
    (reassigned,) = payloads(home, ev.TaskReassigned)
    assert reassigned.owner == "Alex"  # type: ignore[attr-defined]


def test_an_exact_name_wins_over_a_longer_completion() -> None:
    choices = Completions(["Samantha", "Sam", "deputy"])
    assert choices.complete("sam") == "Sam"
    assert choices.complete("sa") == "Samantha"
    assert choices.complete("DEP") == "deputy"
    assert choices.complete("") is None
    assert choices.complete("x") is None
    assert asyncio.run(choices.get_suggestion("Sam")) == "Sam"


# -- defaults that Enter accepts, hints that look like hints ----------------------------------


def test_an_empty_timebox_means_the_default_it_names(
    home: Path, clock: FakeClock, incident
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "t")
        timebox = form.query_one("#field-timebox", Input)
        assert timebox.value == ""
        assert "5m" in timebox.placeholder and "default" in timebox.placeholder
        owner = form.query_one("#field-owner", Input)
        assert owner.placeholder.startswith("a name")
        assert form.query_one("#field-text", Input).placeholder.startswith("e.g. ")
        burst(pilot.app, "Sam", "enter", "look at the pool", "enter", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.TaskAssigned)))
        await until(pilot, lambda: pilot.app.screen is not form)
        # A typed timebox replaces the default, even in one burst.
        burst(pilot.app, "t", "Mei", "enter", "read the logs", "enter", "10m", "enter")
        await until(pilot, lambda: len(payloads(home, ev.TaskAssigned)) == 2)

    drive(console(home, clock), scenario)
    boxes = [p.timebox_seconds for p in payloads(home, ev.TaskAssigned)]  # type: ignore[attr-defined]
    assert boxes == [300, 600]


def test_extend_with_an_empty_field_gives_the_same_time_again(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(
        cmd.AssignTask(owner="Jordan", text="check replica lag", timebox=timedelta(minutes=7))
    )

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "x")
        field = form.query_one("#field-timebox", Input)
        assert field.value == "" and field.placeholder == "7m, as before"
        await pilot.press("enter")
        await until(pilot, lambda: bool(payloads(home, ev.TaskExtended)))

    drive(console(home, clock), scenario)
    (extended,) = payloads(home, ev.TaskExtended)
    assert extended.timebox_seconds == 420  # type: ignore[attr-defined]


# -- the sentence at the top names the live people and numbers --------------------------------


def test_extend_asks_the_owner_about_their_task(home: Path, clock: FakeClock, incident) -> None:
    incident.execute(
        cmd.AssignTask(owner="Jordan", text="check replica lag", timebox=timedelta(minutes=2))
    )

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "x")
        said = intro(form)
        assert '"Jordan, how much time do you need for task 1 (check replica lag)?"' in said
        assert "I will come back to you in 2 minutes." in said
        await pilot.press("2", "0", "m")
        await until(pilot, lambda: "I will come back to you in 20 minutes." in intro(form))

    drive(console(home, clock), scenario)


def test_assign_names_the_suggested_owner_and_follows_the_typing(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.AssignRole(role=Role.SME, name="Dana"))
    incident.execute(cmd.AssignRole(role=Role.SME, name="Jordan"))
    incident.execute(
        cmd.AssignTask(owner="Dana", text="check the pool", timebox=timedelta(minutes=5))
    )

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "t")
        said = intro(form)
        assert "Suggested owner: Jordan, who has no open task." in said
        assert '"Jordan, I would like you to take this task: [the task].' in said
        assert form.query_one("#field-owner", Input).placeholder == "a name, e.g. Jordan"
        burst(pilot.app, "Jo", "enter", "read the replica lag", "enter", "3m")
        sentence = (
            '"Jordan, I would like you to take this task: read the replica lag. '
            'I will come back to you in 3 minutes. Understood?"'
        )
        await until(pilot, lambda: sentence in intro(form))

    drive(console(home, clock), scenario)


def test_handover_names_the_commander_and_the_deputy(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.AssignRole(role=Role.DEPUTY, name="Priya"))

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "i")
        said = intro(form)
        assert "Alex is the Incident Commander now." in said
        assert '"Priya, you are now the Incident Commander. Okay?"' in said
        assert form.query_one("#field-name", Input).placeholder == "a name, e.g. Priya"

    drive(console(home, clock), scenario)


# -- resolving with open work -----------------------------------------------------------------


@pytest.fixture
def open_work(incident: IncidentStore) -> IncidentStore:
    incident.execute(
        cmd.AssignTask(owner="Sam", text="check the pool", timebox=timedelta(minutes=5))
    )
    incident.execute(cmd.ProposeDecision(text="roll back deploy 4411"))
    return incident


def test_resolve_lists_the_open_work_and_cancel_closes_it(
    home: Path, clock: FakeClock, open_work
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "R")
        said = intro(form)
        assert "1 task and 1 decision still open:" in said
        assert "#1 Sam: check the pool" in said and "D1: roll back deploy 4411" in said
        burst(pilot.app, "c", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.IncidentResolved)))

    drive(console(home, clock), scenario)
    state = current(home).state
    assert state.status is Status.RESOLVED
    assert state.tasks[1].status is TaskStatus.CANCELLED
    assert state.decisions[1].status is DecisionStatus.WITHDRAWN


def test_resolve_can_keep_the_open_work_as_follow_ups(
    home: Path, clock: FakeClock, open_work
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await open_form(pilot, "R")
        burst(pilot.app, "k", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.IncidentResolved)))

    drive(console(home, clock), scenario)
    state = current(home).state
    assert state.status is Status.RESOLVED
    assert state.tasks[1].is_open and state.decisions[1].status is DecisionStatus.OPEN


def test_resolve_asks_before_it_resolves(home: Path, clock: FakeClock, open_work) -> None:
    """Enter alone does not resolve over open work; Esc goes back with nothing recorded."""

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "R")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is form
        assert "keep" in str(form.query_one("#error-open", Label).render())
        await pilot.press("escape")
        await back_on_console(pilot)

    drive(console(home, clock), scenario)
    assert current(home).state.status is Status.ACTIVE


def test_resolve_with_nothing_open_is_one_enter(home: Path, clock: FakeClock, incident) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "R")
        assert "still open" not in intro(form)
        await pilot.press("enter")
        await until(pilot, lambda: bool(payloads(home, ev.IncidentResolved)))

    drive(console(home, clock), scenario)
    assert current(home).state.status is Status.RESOLVED


def test_after_resolve_open_tasks_no_longer_ring_the_bell(
    home: Path, clock: FakeClock, open_work
) -> None:
    rung: list[int] = []

    async def scenario(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, ConsoleApp)
        app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
        await open_form(pilot, "R")
        burst(app, "keep", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.IncidentResolved)))
        await back_on_console(pilot)
        clock.advance(10 * 60)
        app.tick()
        await pilot.pause()
        assert not any("timebox is up" in n for n in notifications(app))

    drive(console(home, clock), scenario)
    assert rung == []


def test_a_key_waiting_for_a_form_when_the_console_closes_is_dropped_quietly() -> None:
    """Keys typed after Enter wait for the next field; if the console closes meanwhile, the
    last check finds no screen and stops (it raised ScreenStackError at exit)."""
    import time

    from ic_console.tui.keys import KeyBurstApp

    app = KeyBurstApp()
    app._waits = 1
    app._check_moved(lambda: app.focused is None, time.monotonic() + 1)  # no screens: no error


def test_keys_behind_a_slow_answer_wait_for_the_form_to_close(
    home: Path, clock: FakeClock, incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a loaded machine (CI: two cores for several jobs) a form can take more than a second
    to answer its last Enter while the console goes on drawing. The keys typed behind it wait
    until the form has answered: they went into the closing form's field, and the third of three
    bursts of tasks was lost (seen in CI, in a real terminal)."""
    submit = CommandForm.action_submit

    def slow_submit(self: CommandForm) -> None:
        self.set_timer(1.5, lambda: submit(self))

    monkeypatch.setattr(CommandForm, "action_submit", slow_submit)

    async def scenario(pilot: Pilot[int]) -> None:
        for owner, text in [("Sam", "check the pool"), ("Priya", "dashboards"), ("Jordan", "lag")]:
            burst(pilot.app, "t", owner, "enter", text, "enter", "15m", "enter")
        await until(pilot, lambda: len(payloads(home, ev.TaskAssigned)) == 3, timeout=15)
        await back_on_console(pilot)

    drive(console(home, clock), scenario)
    assert [(p.owner, p.text) for p in payloads(home, ev.TaskAssigned)] == [  # type: ignore[attr-defined]
        ("Sam", "check the pool"),
        ("Priya", "dashboards"),
        ("Jordan", "lag"),
    ]


def test_a_form_whose_incident_closed_is_answered() -> None:
    """A form still open when its incident is no longer open here gets a refusal: the keys
    typed behind its Enter wait for an answer, and nothing is recorded."""
    from types import SimpleNamespace

    said: list[str] = []
    app = SimpleNamespace(live=None, notify=lambda *a, **k: said.append("toast"))
    recorded = ConsoleApp.execute(app, cmd.Join(name="Sam"), refused=said.append)  # type: ignore[arg-type]
    assert not recorded
    assert said == ["No incident is open here: nothing was recorded."]


def test_a_form_opens_clear_of_the_toasts(home: Path, clock: FakeClock, incident) -> None:
    """At 80x24 the toasts stacked on the right covered half of the form, the sentence to say
    with it: opening a form clears those already shown, but an error stays until its time."""
    incident.execute(cmd.ProposeDecision(text="fail over to eu-west-2"))

    async def scenario(pilot: Pilot[int]) -> None:
        for n in range(3):
            pilot.app.notify(f"Recorded thing {n}", timeout=30)
        pilot.app.notify("Could not write the log", severity="error", timeout=30)
        await pilot.pause()
        assert len(notifications(pilot.app)) == 4
        form = await open_form(pilot, "y")
        assert notifications(pilot.app) == ["Could not write the log"]  # an error stays
        assert "fail over to eu-west-2" in form.form_title + intro(form)

    drive(console(home, clock), scenario, size=(80, 24))


def test_a_long_field_label_wraps_at_80_columns(home: Path, clock: FakeClock, open_work) -> None:
    """The resolve form's label says what keep and cancel do; at 80 columns it was cut in the
    middle of a word ("cancel the open tasks and w")."""
    from .test_widgets_pressure import screen_lines

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "R")
        label = form.query(".field-label").first(Label)
        words = str(label.render()).split()
        await pilot.pause()
        shown = " ".join(" ".join(screen_lines(pilot.app)).split())
        assert " ".join(words[-4:]) in shown, shown

    drive(console(home, clock), scenario, size=(80, 24))


def test_a_side_screen_opens_clear_of_the_toasts(home: Path, clock: FakeClock, incident) -> None:
    """The glance (=) opened over the console opens clear of the toasts too."""
    from ic_console.tui.screens.glance import GlanceScreen

    async def scenario(pilot: Pilot[int]) -> None:
        pilot.app.notify("Recorded thing", timeout=30)
        await pilot.pause()
        await pilot.press("equals_sign")
        await until(pilot, lambda: isinstance(pilot.app.screen, GlanceScreen))
        assert notifications(pilot.app) == []

    drive(console(home, clock), scenario, size=(80, 24))
