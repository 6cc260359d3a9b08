"""The console at scale (issue 15): forming a team and giving it a task from forms, the task
board and roster grouped by team, exit criteria in the header and the palette, resolving over
unmet criteria, the handover form with the glance, and the `=` screen with `c` to copy."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Label

from helpers.console import screen_text
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain import scale as s
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role, Status
from ic_console.store.incident import IncidentStore
from ic_console.tui.palette import console_commands
from ic_console.tui.screens.console_at_scale import ConsoleAtScale
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.screens.glance import GlanceScreen
from ic_console.tui.widgets.roster import Roster
from ic_console.tui.widgets.task_board import TaskBoard

from .conftest import console, drive, notifications, stored, until
from .test_forms import back_on_console, burst, current, intro, open_form, payloads


def _on_console(pilot: Pilot[int]) -> ConsoleAtScale:
    screen = pilot.app.screen
    assert isinstance(screen, ConsoleAtScale)
    return screen


def test_form_a_team_then_give_it_a_task(home: Path, clock: FakeClock, incident) -> None:
    incident.execute(cmd.AssignRole(role=Role.SME, name="Priya"))
    incident.execute(cmd.Join(name="Kim"))

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "T")
        assert '"Priya, I would like you to lead team Alpha.' in intro(form)
        # Empty name: Alpha; the lead completes from who reports to the IC; members; goal.
        burst(pilot.app, "enter", "pri", "enter", "Kim, Jo", "enter", "restore the replica")
        burst(pilot.app, "enter")
        await until(pilot, lambda: bool(payloads(home, ev.TeamFormed)))
        await back_on_console(pilot)
        screen = _on_console(pilot)
        titles = [c.title for c in console_commands(screen)]
        assert "Give team Alpha a task" in titles
        assert "Ask Priya for team Alpha's status" in titles
        next(c for c in console_commands(screen) if c.title == "Give team Alpha a task").run()
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        burst(pilot.app, "enter", "fail over the replica", "enter", "20m", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.TaskAssigned)))
        await back_on_console(pilot)

    drive(console(home, clock), scenario)
    (formed,) = payloads(home, ev.TeamFormed)
    assert formed == ev.TeamFormed(
        name="Alpha", lead="Priya", members=("Priya", "Kim", "Jo"), goal="restore the replica"
    )
    (task,) = payloads(home, ev.TaskAssigned)
    assert (task.owner, task.text) == ("Priya", "fail over the replica")  # type: ignore[attr-defined]


def test_board_and_roster_group_by_team(home: Path, clock: FakeClock, incident) -> None:
    five = timedelta(minutes=5)
    incident.execute(cmd.AssignTask(owner="Sam", text="solo work", timebox=five))
    incident.execute(s.FormTeam(name="Bravo", lead="Kim", members=("Jo",)))
    incident.execute(cmd.AssignTask(owner="Jo", text="member work", timebox=five * 4))
    incident.execute(s.AssignTeamTask(team="Bravo", text="team work", timebox=five * 2))

    async def scenario(pilot: Pilot[int]) -> None:
        board = pilot.app.screen.query_one(TaskBoard)
        await until(pilot, lambda: len(board.tasks) == 3)
        # Bravo's tasks first (by deadline), then the one of nobody's team.
        assert [t.text for t in board.tasks] == ["team work", "member work", "solo work"]
        row = "".join(seg.text for seg in board.render_row(0, 80, False))
        assert row.startswith("#3  Bravo    Kim")
        assert "Team Bravo" in screen_text(pilot.app)

    drive(console(home, clock), scenario)


def test_roster_rows_put_people_under_their_team(home: Path, clock: FakeClock, incident) -> None:
    incident.execute(cmd.Join(name="Sam"))
    incident.execute(s.FormTeam(name="Bravo", lead="Kim", members=("Jo",), goal="replica"))

    async def scenario(pilot: Pilot[int]) -> None:
        roster = pilot.app.screen.query_one(Roster)
        state = current(home).state
        _table, key = roster._table(state, clock.now(), 0)
        firsts = [row[0][0] for row in key]
        at = firsts.index("Team Bravo")
        assert firsts[at + 1 : at + 3] == ["  Kim", "  Jo"]
        assert key[at][1][0] == "lead Kim · replica"
        assert key[at + 1][1][0].startswith("Bravo lead")
        assert firsts.index("Sam") < at  # people in no team come first

    drive(console(home, clock), scenario)


def test_exit_criteria_in_the_header_and_the_palette(
    home: Path, clock: FakeClock, incident
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        header_exit = pilot.app.screen.query_one("#header-exit", Label)
        assert not header_exit.display
        for text in ("errors below 1%", "queue drained"):
            await open_form(pilot, "X")
            burst(pilot.app, text, "enter")
            await back_on_console(pilot)
        await until(pilot, lambda: str(header_exit.render()) == "exit 0/2 met")
        assert header_exit.display and header_exit.has_class("-unmet")
        screen = _on_console(pilot)
        entry = next(
            c for c in console_commands(screen) if c.title.startswith("Exit criterion met: 1")
        )
        entry.run()
        await until(pilot, lambda: str(header_exit.render()) == "exit 1/2 met")

    drive(console(home, clock), scenario, size=(80, 24))


def test_resolving_over_unmet_criteria_asks_and_records_the_override(
    home: Path, clock: FakeClock, incident
) -> None:
    incident.execute(s.AddExitCriterion(text="queue drained"))

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "R")
        assert "[ ] 1. queue drained" in intro(form)
        burst(pilot.app, "no", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandForm)  # "no" resolves nothing
        assert current(home).state.status is Status.ACTIVE
        await pilot.press("ctrl+a", "ctrl+k")
        burst(pilot.app, "yes", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.IncidentResolved)))

    drive(console(home, clock), scenario)
    assert payloads(home, ev.ExitCriteriaOverridden) == [ev.ExitCriteriaOverridden(numbers=(1,))]


def test_the_handover_form_shows_the_glance_and_records_the_yes(
    home: Path, clock: FakeClock, incident
) -> None:
    incident.execute(cmd.AssignRole(role=Role.DEPUTY, name="Priya"))
    incident.execute(s.AddExitCriterion(text="queue drained"))

    async def scenario(pilot: Pilot[int]) -> None:
        form = await open_form(pilot, "i")
        said = intro(form)
        assert "Exit criteria: exit 0/1 met" in said
        assert "Next update: due in 20m (14:20 UTC)" in said
        assert '"Priya, you are now the Incident Commander. Okay?"' in said
        assert "Press Enter only once they have said yes" in said
        burst(pilot.app, "pri", "enter")
        await until(pilot, lambda: bool(payloads(home, ev.HandoverAcknowledged)))

    drive(console(home, clock), scenario, size=(80, 24))
    assert payloads(home, ev.CommandHandedOver)[-1] == ev.CommandHandedOver(
        previous="Alex", name="Priya"
    )
    assert payloads(home, ev.HandoverAcknowledged) == [ev.HandoverAcknowledged(name="Priya")]


def test_the_glance_screen_follows_the_incident_and_copies_it(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(s.FormTeam(name="Bravo", lead="Kim"))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("equals_sign")
        await until(pilot, lambda: isinstance(pilot.app.screen, GlanceScreen))
        glance = pilot.app.screen
        assert isinstance(glance, GlanceScreen)
        assert "Team Bravo              lead Kim" in glance.text
        # Another terminal records a criterion: the open screen follows.
        other = IncidentStore.open(home, incident.incident_id, actor="Sam", clock=clock)
        other.execute(s.AddExitCriterion(text="queue drained"))
        await until(pilot, lambda: "[ ] 1. queue drained" in glance.text, timeout=8)
        await pilot.press("c")
        assert pilot.app.clipboard == glance.text
        assert pilot.app.clipboard.startswith("Checkout errors")
        assert "What is happening:" in pilot.app.clipboard
        assert any("to the clipboard, through the terminal" in n for n in notifications(pilot.app))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleAtScale))

    drive(console(home, clock), scenario, size=(80, 24))
    assert not [
        e for e in stored(home) if e.actor == "Alex" and isinstance(e.data, ev.ExitCriterionAdded)
    ]


def test_the_deputys_view_has_the_glance_and_groups_tasks(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    from ic_console.tui.factory import make_app
    from ic_console.tui.palette import watch_commands
    from ic_console.tui.screens.console_at_scale import WatchAtScale

    incident.execute(s.FormTeam(name="Bravo", lead="Kim"))
    incident.execute(cmd.AssignTask(owner="Sam", text="solo", timebox=timedelta(minutes=5)))
    incident.execute(s.AssignTeamTask(team="Bravo", text="team", timebox=timedelta(minutes=9)))
    deputy = make_app(
        home,
        "Priya",
        incident_id=incident.incident_id,
        clock=clock,
        background_load=False,
        watch=True,
    )

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, WatchAtScale))
        watch = pilot.app.screen
        assert isinstance(watch, WatchAtScale)
        board = watch.query_one(TaskBoard)
        await until(pilot, lambda: [t.text for t in board.tasks] == ["team", "solo"])
        assert "The state at a glance" in [c.title for c in watch_commands(watch)]
        await pilot.press("equals_sign")
        await until(pilot, lambda: isinstance(pilot.app.screen, GlanceScreen))
        await pilot.press("c")
        assert "2. Bravo (Kim): team - due in 9m" in pilot.app.clipboard

    drive(deputy, scenario, size=(100, 30))
