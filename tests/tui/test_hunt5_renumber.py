"""Two laptops: a task key or form acts on the task the IC chose, even when a task from the
other laptop arrives and takes its number between the screen and the record.

Laptop B's task was recorded a minute before laptop A's, so once B's file arrives the merged
fold numbers B's task first: A's "task 2" (Sam's) becomes task 3, and task 2 is Kim's. The
console on A had drawn Sam's task as task 2; a key pressed on that row, or a form opened for it,
must still reach Sam's task, never Kim's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from helpers.console import notifications, type_text
from helpers.laptops import START, declared_on_a, exchange
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import TaskStatus
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import forget_cached_origins
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app

INCIDENT = "pay"


@pytest.fixture(autouse=True)
def _fresh_origins() -> Iterator[None]:
    forget_cached_origins()
    yield
    forget_cached_origins()


def two_laptops(tmp_path: Path) -> tuple[Path, Path]:
    """Alex's laptop A and Priya's laptop B on one incident; on B, Kim got a task at 14:01
    (task 2 there). A has not heard of it yet."""
    a, b, store = declared_on_a(tmp_path, INCIDENT)
    store.execute(cmd.AssignTask(owner="P1", text="page the DBA", timebox=timedelta(minutes=30)))
    exchange(a, b)
    on_b = IncidentStore.open(b, INCIDENT, clock=FakeClock(START + timedelta(minutes=1)))
    on_b.execute(
        cmd.AssignTask(owner="Kim", text="kim's task", timebox=timedelta(minutes=20)),
        actor="Priya",
    )
    return a, b


def console_on(root: Path) -> ConsoleApp:
    app = make_app(
        root,
        "Alex",
        incident_id=INCIDENT,
        clock=FakeClock(START + timedelta(minutes=2)),
        phrasebook=shipped_phrasebook(),
        background_load=False,
        sync=False,
    )
    # The console takes in what arrived only when a key or the test asks: the race is the key
    # pressed before the next poll.
    app.settings.poll_seconds = 3600
    return app


def tasks_on(root: Path) -> dict[str, TaskStatus]:
    state = IncidentStore.open(root, INCIDENT, read_only=True).state
    return {task.owner: task.status for task in state.tasks.values()}


def run(app: ConsoleApp, scenario: object) -> None:
    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await scenario(pilot)  # type: ignore[operator]
            await pilot.pause()

    asyncio.run(main())


def sam_first(app: ConsoleApp) -> None:
    """A assigns Sam's task (task 2 here), due first: the cursor is on its row."""
    assert app.execute(cmd.AssignTask(owner="Sam", text="sam's task", timebox=timedelta(minutes=5)))
    screen = app.live_screen
    assert screen is not None
    board = screen.tasks
    board.cursor = 0
    assert board.selected_task is not None and board.selected_task.owner == "Sam"
    assert board.selected_task.number == 2


def test_a_key_on_a_row_reaches_that_task_when_another_laptops_task_takes_its_number(
    tmp_path: Path,
) -> None:
    a, b = two_laptops(tmp_path)
    app = console_on(a)

    async def scenario(pilot: Pilot[int]) -> None:
        sam_first(app)
        exchange(b, a)  # Kim's task arrives: in the merged order it is task 2, Sam's task 3
        await pilot.press("d")  # on Sam's row, as drawn
        await pilot.pause()

    run(app, scenario)
    assert tasks_on(a) == {
        "P1": TaskStatus.OPEN,
        "Kim": TaskStatus.OPEN,
        "Sam": TaskStatus.DONE,
    }
    assert any("Task 3 (Sam: sam's task) done" in said for said in notifications(app)), (
        notifications(app)
    )


def test_a_typed_number_means_the_task_shown_with_it(tmp_path: Path) -> None:
    """ "2a" typed while the screen showed Sam's task as task 2: Sam's task is acknowledged."""
    a, b = two_laptops(tmp_path)
    app = console_on(a)

    async def scenario(pilot: Pilot[int]) -> None:
        sam_first(app)
        exchange(b, a)
        await pilot.press("2", "a")
        await pilot.pause()

    run(app, scenario)
    state = IncidentStore.open(a, INCIDENT, read_only=True).state
    acknowledged = {t.owner for t in state.tasks.values() if t.acknowledged_at is not None}
    assert acknowledged == {"Sam"}


def test_the_extend_form_extends_the_task_it_was_opened_for_after_a_renumber(
    tmp_path: Path,
) -> None:
    a, b = two_laptops(tmp_path)
    app = console_on(a)

    async def scenario(pilot: Pilot[int]) -> None:
        sam_first(app)
        await pilot.press("x")
        await pilot.pause()
        exchange(b, a)  # while the IC asks Sam how long they need
        await type_text(pilot, "15m")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()

    run(app, scenario)
    state = IncidentStore.open(a, INCIDENT, read_only=True).state
    by_owner = {task.owner: task for task in state.tasks.values()}
    assert by_owner["Kim"].extensions == 0
    assert by_owner["Sam"].extensions == 1
    assert by_owner["Sam"].deadline == START + timedelta(minutes=2 + 15)


def test_the_reassign_form_takes_the_task_it_was_opened_for_after_a_renumber(
    tmp_path: Path,
) -> None:
    a, b = two_laptops(tmp_path)
    app = console_on(a)

    async def scenario(pilot: Pilot[int]) -> None:
        sam_first(app)
        await pilot.press("r")
        await pilot.pause()
        exchange(b, a)
        await type_text(pilot, "Mei")
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.pause()

    run(app, scenario)
    state = IncidentStore.open(a, INCIDENT, read_only=True).state
    texts = {task.text: task.owner for task in state.tasks.values()}
    assert texts == {"page the DBA": "P1", "kim's task": "Kim", "sam's task": "Mei"}


def test_accepting_a_decision_accepts_the_one_shown_after_a_renumber(tmp_path: Path) -> None:
    """A proposes "roll back" (D1 here); B's "fail over", proposed a minute before, arrives
    while the accept form is open and becomes D1: Enter accepts "roll back" (now D2)."""
    a, b, _store = declared_on_a(tmp_path, INCIDENT)
    exchange(a, b)
    on_b = IncidentStore.open(b, INCIDENT, clock=FakeClock(START + timedelta(minutes=1)))
    on_b.execute(cmd.ProposeDecision(text="fail over"), actor="Priya")
    app = console_on(a)

    async def scenario(pilot: Pilot[int]) -> None:
        assert app.execute(cmd.ProposeDecision(text="roll back"))
        await pilot.press("y")
        await pilot.pause()
        exchange(b, a)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()

    run(app, scenario)
    state = IncidentStore.open(a, INCIDENT, read_only=True).state
    statuses = {d.text: d.status.value for d in state.decisions.values()}
    assert statuses == {"fail over": "open", "roll back": "accepted"}


def test_a_palette_entry_acts_on_the_task_it_names_after_a_renumber(tmp_path: Path) -> None:
    """The palette lists "Done #2 Sam: sam's task"; Kim's task arrives and takes number 2
    (Sam's is 3) before Enter: Sam's task is done, Kim's stays open."""
    a, b = two_laptops(tmp_path)
    app = console_on(a)

    async def scenario(pilot: Pilot[int]) -> None:
        sam_first(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "done #2")
        await pilot.pause(0.5)
        exchange(b, a)
        app.poll()  # the console takes the merge in while the palette is open
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()

    run(app, scenario)
    assert tasks_on(a) == {
        "P1": TaskStatus.OPEN,
        "Kim": TaskStatus.OPEN,
        "Sam": TaskStatus.DONE,
    }
