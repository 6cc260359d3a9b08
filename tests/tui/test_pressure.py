"""The console on a live call: the task the IC names, undo, races, crashes and keys in bursts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ic_console.content.config import Config
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role, TaskStatus
from ic_console.live.crashlog import CRASH_LOG
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.screens.help import HelpScreen

from .conftest import INCIDENT, console, drive, notifications, stored, together, type_text, until

SMALL = (80, 24)


@pytest.fixture
def three_tasks(incident: IncidentStore) -> IncidentStore:
    """Tasks 1-3, soonest deadline first, so the board lists them in number order."""
    for minutes, (owner, text) in enumerate(
        [("Sam", "check the pool"), ("Priya", "read the dashboards"), ("Jordan", "replica lag")],
        start=5,
    ):
        incident.execute(cmd.AssignTask(owner=owner, text=text, timebox=timedelta(minutes=minutes)))
    return incident


def task_status(home: Path, number: int) -> TaskStatus:
    store = IncidentStore.open(home, INCIDENT, read_only=True)
    return store.state.tasks[number].status


def test_focus_follows_the_pane_at_80x24(home: Path, clock: FakeClock, three_tasks) -> None:
    """`2 1 ↓ ↓ d` once marked #1 done: the arrows moved a hidden list. Now #3 is done."""

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen) and screen.narrow
        await pilot.press("2", "1", "down", "down", "d")
        await until(pilot, lambda: task_status(home, 3) is TaskStatus.DONE)

    drive(console(home, clock), scenario, size=SMALL)
    assert task_status(home, 1) is TaskStatus.OPEN
    assert task_status(home, 2) is TaskStatus.OPEN


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_a_task_key_on_a_hidden_board_asks_for_the_number(
    home: Path, clock: FakeClock, three_tasks
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("3")  # the roster: nothing in it moves with the arrows
        await pilot.pause(2.2)  # the digit is forgotten
        await pilot.press("down", "d")
        await pilot.pause()
        assert any("task number first" in n for n in notifications(pilot.app))

    drive(console(home, clock), scenario, size=SMALL)
    assert all(not isinstance(e.data, ev.TaskDone) for e in stored(home))


@pytest.mark.parametrize("size", [SMALL, (160, 48)])
def test_a_number_before_the_key_names_the_task(
    home: Path, clock: FakeClock, three_tasks, size: tuple[int, int]
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        assert screen.tasks.selected_task is not None
        assert screen.tasks.selected_task.number == 1
        await together(pilot, "3", "d")
        await until(pilot, lambda: task_status(home, 3) is TaskStatus.DONE)
        assert screen.active_pane == "tasks"  # "3" named the task, not the roster
        await together(pilot, "2", "a")
        await pilot.pause()
        assert any("Task 3 (Jordan: replica lag) done." in n for n in notifications(pilot.app))

    drive(console(home, clock), scenario, size=size)
    acked = [e.data.number for e in stored(home) if isinstance(e.data, ev.TaskAcknowledged)]
    assert acked == [2]
    assert task_status(home, 1) is TaskStatus.OPEN


def test_a_number_names_the_decision(home: Path, clock: FakeClock, incident) -> None:
    incident.execute(cmd.ProposeDecision(text="roll back the deploy"))
    incident.execute(cmd.ProposeDecision(text="fail over to the replica"))

    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "1", "y")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        assert "roll back the deploy" in str(pilot.app.screen.intro) + str(
            pilot.app.screen.form_title
        )

    drive(console(home, clock), scenario)


def test_undo_records_the_reverse_event(home: Path, clock: FakeClock, three_tasks) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "2", "d")
        await until(pilot, lambda: task_status(home, 2) is TaskStatus.DONE)
        assert any("ctrl+z to undo" in n for n in notifications(pilot.app))
        await pilot.press("ctrl+z")
        await until(pilot, lambda: task_status(home, 2) is TaskStatus.OPEN)
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        assert 2 in [t.number for t in screen.tasks.tasks]
        await together(pilot, "1", "a")
        await pilot.press("ctrl+z")
        await pilot.pause()
        # nothing left to undo now
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert any("Nothing to undo" in n for n in notifications(pilot.app))

    drive(console(home, clock), scenario)
    types = [e.type for e in stored(home)]
    assert types[-4:] == [
        "task.done",
        "task.reopened",
        "task.acknowledged",
        "task.unacknowledged",
    ]


def test_undo_an_extension_restores_the_deadline(home: Path, clock: FakeClock, three_tasks) -> None:
    before = IncidentStore.open(home, INCIDENT, read_only=True).state.tasks[1].deadline

    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "1", "x")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        await type_text(pilot, "30m")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))
        await pilot.press("ctrl+z")
        await pilot.pause()

    drive(console(home, clock), scenario)
    state = IncidentStore.open(home, INCIDENT, read_only=True).state
    assert state.tasks[1].deadline == before
    assert state.tasks[1].extensions == 0


def test_the_loser_of_a_race_redraws_from_the_log(
    home: Path, clock: FakeClock, three_tasks
) -> None:
    """Two consoles; one marks #1 done; the other, still showing it, presses d on it: refused,
    and its board no longer shows #1 (it used to, and turned it red as late later)."""

    async def main() -> None:
        first, second = console(home, clock), console(home, clock)
        second.settings.poll_seconds = 3600  # it must learn from the refusal, not the poll
        async with first.run_test(size=(120, 40)) as one, second.run_test(size=(120, 40)) as two:
            await one.pause()
            await two.pause()
            await together(one, "1", "d")
            await until(one, lambda: task_status(home, 1) is TaskStatus.DONE)
            screen = second.screen
            assert isinstance(screen, ConsoleScreen)
            assert 1 in [t.number for t in screen.tasks.tasks]
            await together(two, "1", "d")
            await until(two, lambda: 1 not in [t.number for t in screen.tasks.tasks])
            assert any("already done" in n for n in notifications(second))
            first_screen = first.screen
            assert isinstance(first_screen, ConsoleScreen)
            assert [t.number for t in screen.tasks.tasks] == [
                t.number for t in first_screen.tasks.tasks
            ]

    asyncio.run(main())


def test_presence_labels_follow_a_handover(home: Path, clock: FakeClock, incident) -> None:
    incident.execute(cmd.AssignRole(role=Role.DEPUTY, name="Priya"))

    async def main() -> None:
        ic = console(home, clock)
        deputy = make_app(
            home, "Priya", incident_id=INCIDENT, clock=clock, background_load=False, watch=True
        )
        async with ic.run_test(size=(120, 40)) as one, deputy.run_test(size=(100, 30)) as two:
            await one.pause()
            await two.pause()
            assert ic.live is not None and deputy.live is not None
            assert deputy.live.heartbeat() == ["Alex (Incident Commander)"]
            ic.execute(cmd.Handover(name="Priya"))
            # The heartbeat file still says IC; the label follows the log at once.
            await until(two, lambda: deputy.live is not None and deputy.live.state.ic == "Priya")
            assert deputy.live.heartbeat() == ["Alex (no role)"] or deputy.live.heartbeat()[
                0
            ].startswith("Alex (")
            assert "Incident Commander" not in deputy.live.heartbeat()[0]

    asyncio.run(main())


class _Broken(ModalScreen[None]):
    BINDINGS = [("z", "fail", "Fail")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        yield Static("nothing to focus here")

    def action_fail(self) -> None:
        raise RuntimeError("a bug in a side screen")


def test_an_error_in_a_side_screen_keeps_the_console(home: Path, clock: FakeClock, incident):
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        pilot.app.push_screen(_Broken())
        await until(pilot, lambda: isinstance(pilot.app.screen, _Broken))
        await pilot.press("z")
        await until(pilot, lambda: any(n.title == "Internal error" for n in app._notifications))
        await pilot.press("escape")
        pilot.app.pop_screen()
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))
        await pilot.press("l")
        await type_text(pilot, "still here")
        await pilot.press("enter")
        await until(pilot, lambda: any(r.text == "still here" for r in app.rows))

    drive(app, scenario)
    assert app.return_code in (None, 0)
    log = (home / CRASH_LOG).read_text()
    assert "a bug in a side screen" in log and "Traceback" in log


def test_an_error_in_a_timer_keeps_the_console(
    home: Path, clock: FakeClock, incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = console(home, clock)
    app.settings.tick_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)

        def broken(now: object) -> None:
            raise ValueError("a bug in a countdown")

        monkeypatch.setattr(screen, "tick", broken)
        await until(pilot, lambda: (home / CRASH_LOG).exists())
        await pilot.pause(0.5)  # ten more failing ticks: reported once, not ten times
        monkeypatch.undo()
        assert pilot.app.is_running
        assert [n.title for n in app._notifications].count("Internal error") == 1

    drive(app, scenario)
    assert "a bug in a countdown" in (home / CRASH_LOG).read_text()


def test_quitting_with_open_tasks_asks_once(home: Path, clock: FakeClock, three_tasks) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert any("3 tasks still open" in n for n in notifications(app))
        await pilot.press("ctrl+q")
        await pilot.pause()

    drive(app, scenario)
    assert not app.is_running


def test_ctrl_c_says_how_to_quit_in_plain_words(home: Path, clock: FakeClock, incident) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("ctrl+c")
        await pilot.pause()
        said = notifications(pilot.app)
        assert "Press ctrl+q to quit." in said
        assert not any("[b]" in n for n in said)

    drive(console(home, clock), scenario)


def test_help_lists_every_key_with_the_keymap(home: Path, clock: FakeClock, incident) -> None:
    app = make_app(
        home,
        "Alex",
        incident_id=INCIDENT,
        clock=clock,
        config=Config(keymap={"ack": "A", "followup": "F"}),
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        text = str(pilot.app.screen.query_one("#help-body").render())  # noqa: F841
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        from ic_console.tui.screens.help import help_table

        rows = help_table("console", app.settings.keymap)
        cells = [str(cell) for column in rows.columns for cell in column._cells]
        assert "A" in cells and "Ack" in cells
        assert "Undo" in cells and "Join" in cells
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))
        await pilot.press("A")
        await pilot.pause()

    drive(app, scenario)


def test_join_adds_someone_without_a_role(home: Path, clock: FakeClock, incident) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("j")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        await type_text(pilot, "Morgan")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))

    drive(console(home, clock), scenario)
    joined = [e.data for e in stored(home) if isinstance(e.data, ev.ParticipantJoined)]
    assert "Morgan" in [data.name for data in joined]


def _burst(app: ConsoleApp, *keys: str) -> None:
    """Keys as a terminal delivers a burst: queued at once, nothing processed in between."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def test_letters_typed_before_a_form_appears_go_into_it(
    home: Path, clock: FakeClock, three_tasks
) -> None:
    """`t` then "dana" in one burst: the d must not mark a task done, the a not acknowledge."""

    async def scenario(pilot: Pilot[int]) -> None:
        _burst(pilot.app, "t", "d", "a", "n", "a")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        form = pilot.app.screen
        assert isinstance(form, CommandForm)
        owner = form.query_one("#field-owner", Input)
        await until(pilot, lambda: len(owner.value) >= 4)
        assert owner.value == "dana"

    drive(console(home, clock), scenario)
    kinds = {e.type for e in stored(home)}
    assert "task.done" not in kinds and "task.acknowledged" not in kinds


def test_a_word_after_enter_lands_in_the_next_field(home: Path, clock: FakeClock, incident) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        form = pilot.app.screen
        assert isinstance(form, CommandForm)
        owner = form.query_one("#field-owner", Input)
        _burst(pilot.app, "S", "a", "m", "enter", "c", "h", "e", "c", "k")
        text = form.query_one("#field-text", Input)
        # On a busy machine the burst takes a while: wait for it, then check where it went.
        await until(pilot, lambda: len(text.value) >= 5 or len(owner.value) > 3)
        assert owner.value == "Sam"
        assert text.value == "check"

    drive(console(home, clock), scenario)


def test_escape_then_t_opens_the_task_form(home: Path, clock: FakeClock, incident) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        await pilot.pause()
        _burst(pilot.app, "escape", "t")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        screen = pilot.app.screen_stack[1]
        assert isinstance(screen, ConsoleScreen)
        assert screen.log_input.input.value == ""

    drive(console(home, clock), scenario)


def test_l_then_a_line_in_one_burst_types_the_line(
    home: Path, clock: FakeClock, three_tasks
) -> None:
    """ "l" then "tried a restart" at once: the letters must not assign, acknowledge or close."""

    async def scenario(pilot: Pilot[int]) -> None:
        _burst(pilot.app, "l", *"tried a restart", "enter")
        await until(pilot, lambda: any(r.text == "tried a restart" for r in pilot.app.rows))

    drive(console(home, clock), scenario, size=SMALL)
    kinds = {e.type for e in stored(home)}
    assert not kinds & {"task.done", "task.acknowledged", "task.reassigned", "task.cancelled"}
    assert all(task_status(home, n) is TaskStatus.OPEN for n in (1, 2, 3))


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_the_console_says_once_when_the_clock_went_back(
    home: Path, clock: FakeClock, incident
) -> None:
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        clock.advance(-30 * 60)
        for text in ("first after the jump", "second"):
            await pilot.press("l", *text, "enter")
        await until(pilot, lambda: any("clock is behind" in n for n in notifications(app)))
        await pilot.pause(0.3)
        assert sum("clock is behind" in n for n in notifications(app)) == 1

    drive(app, scenario)


def test_closing_the_console_saves_the_state_snapshot(
    home: Path, clock: FakeClock, three_tasks
) -> None:
    from ic_console.store.snapshot import SNAPSHOT_FILE

    snapshot = home / "incidents" / INCIDENT / SNAPSHOT_FILE
    snapshot.unlink(missing_ok=True)

    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "1", "a")
        await until(pilot, lambda: len(stored(home)) > 0)

    drive(console(home, clock), scenario)
    assert snapshot.is_file()
