"""The Deputy's view and two consoles on one incident (issue 4).

Two `run_test` apps share one incident directory: each sees the other's changes through the
follower, races are refused once, presence shows who else is here, and `--read-only` offers
nothing that records. Assertions are on the stored events, not only on the screen.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Label

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import LogKind, Role
from ic_console.store.incident import IncidentStore
from ic_console.store.presence import read_presence
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app
from ic_console.tui.screens.watch import WatchScreen
from ic_console.tui.widgets.chase_list import ChaseList
from ic_console.tui.widgets.deputy_clock import DeputyClock, next_mark
from ic_console.tui.widgets.log_input import LogInput

from .conftest import INCIDENT, START, console, notifications, stored, type_text, until


def watch_app(
    home: Path, clock: FakeClock, *, actor: str = "Priya", read_only: bool = False
) -> ConsoleApp:
    return make_app(
        home,
        actor,
        incident_id=INCIDENT,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
        watch=True,
        read_only=read_only,
    )


@pytest.fixture
def staffed(incident: IncidentStore) -> IncidentStore:
    """Alex in command, Priya as Deputy, Sam with a five-minute task."""
    incident.execute(cmd.AssignRole(role=Role.DEPUTY, name="Priya"))
    incident.execute(
        cmd.AssignTask(owner="Sam", text="check replica lag", timebox=timedelta(minutes=5))
    )
    return incident


def two_consoles(
    home: Path,
    clock: FakeClock,
    scenario: Any,
    *,
    read_only: bool = False,
) -> None:
    """Run the IC's console and the Deputy's view side by side in one event loop."""

    async def main() -> None:
        ic, deputy = console(home, clock), watch_app(home, clock, read_only=read_only)
        async with (
            ic.run_test(size=(120, 40)) as ic_pilot,
            deputy.run_test(size=(100, 30)) as deputy_pilot,
        ):
            await ic_pilot.pause()
            await deputy_pilot.pause()
            await scenario(ic, ic_pilot, deputy, deputy_pilot)

    asyncio.run(main())


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_each_terminal_sees_the_others_changes(
    staffed: IncidentStore, home: Path, clock: FakeClock
) -> None:
    async def scenario(
        ic: ConsoleApp, ic_pilot: Pilot[int], deputy: ConsoleApp, deputy_pilot: Pilot[int]
    ) -> None:
        assert isinstance(deputy.screen, WatchScreen)
        await ic_pilot.press("l")
        await type_text(ic_pilot, "pool is full of idle transactions")
        await ic_pilot.press("enter")
        await until(
            deputy_pilot,
            lambda: any(r.text == "pool is full of idle transactions" for r in deputy.rows),
        )

        await deputy_pilot.press("f")
        await type_text(deputy_pilot, "review retry policy")
        await deputy_pilot.press("enter")
        await until(ic_pilot, lambda: any(r.text == "review retry policy" for r in ic.rows))

        await deputy_pilot.press("escape")  # leave the log line, back to the task board
        await deputy_pilot.press("a")  # acknowledge the selected (only) task
        await until(
            ic_pilot,
            lambda: ic.store is not None and ic.store.state.tasks[1].acknowledged_at is not None,
        )

    two_consoles(home, clock, scenario)
    events = stored(home)
    followup = next(
        e
        for e in events
        if isinstance(e.data, ev.LogEntryAdded) and e.data.kind is LogKind.FOLLOWUP
    )
    assert (followup.actor, followup.role) == ("Priya", Role.DEPUTY)
    note = next(
        e for e in events if isinstance(e.data, ev.LogEntryAdded) and e.data.kind is LogKind.NOTE
    )
    assert (note.actor, note.role) == ("Alex", Role.IC)
    acks = [e for e in events if isinstance(e.data, ev.TaskAcknowledged)]
    assert [(e.actor, e.role) for e in acks] == [("Priya", Role.DEPUTY)]


def test_a_race_for_the_same_task_records_it_once(
    staffed: IncidentStore, home: Path, clock: FakeClock
) -> None:
    async def scenario(
        ic: ConsoleApp, ic_pilot: Pilot[int], deputy: ConsoleApp, deputy_pilot: Pilot[int]
    ) -> None:
        # Neither terminal has polled in between: both still show task 1 open.
        assert deputy.execute(cmd.CompleteTask(number=1))
        assert not ic.execute(cmd.CompleteTask(number=1))
        await ic_pilot.pause()
        assert any("already done" in message for message in notifications(ic))
        assert ic.store is not None and ic.store.state.tasks[1].status.value == "done"

    two_consoles(home, clock, scenario)
    done = [e for e in stored(home) if isinstance(e.data, ev.TaskDone)]
    assert len(done) == 1
    assert done[0].actor == "Priya"


def test_a_form_open_while_the_other_terminal_reassigns_is_refused_cleanly(
    staffed: IncidentStore, home: Path, clock: FakeClock
) -> None:
    async def scenario(
        ic: ConsoleApp, ic_pilot: Pilot[int], deputy: ConsoleApp, deputy_pilot: Pilot[int]
    ) -> None:
        await deputy_pilot.press("r")  # the Deputy opens the reassign form for task 1 ...
        await deputy_pilot.pause()
        assert ic.execute(cmd.CancelTask(number=1))  # ... while the IC cancels the task
        await type_text(deputy_pilot, "Mei")
        await deputy_pilot.press("enter")  # next field: the timebox, filled with the old one
        await deputy_pilot.press("enter")  # save
        await deputy_pilot.pause()
        error = deputy.screen.query_one("#form-error", Label)
        assert "Task 1 is already cancelled" in str(error.content)
        # what the Deputy typed is still there, to change or to cancel
        assert deputy.screen.query_one("#field-owner", Input).value == "Mei"

    two_consoles(home, clock, scenario)
    reassigned = [e for e in stored(home) if isinstance(e.data, ev.TaskReassigned)]
    assert reassigned == []


def test_presence_shows_who_else_is_here_and_leaves_on_exit(
    staffed: IncidentStore, home: Path, clock: FakeClock
) -> None:
    async def scenario(
        ic: ConsoleApp, ic_pilot: Pilot[int], deputy: ConsoleApp, deputy_pilot: Pilot[int]
    ) -> None:
        ic.heartbeat()
        deputy.heartbeat()
        ic.heartbeat()
        assert deputy.screen.query_one(DeputyClock).others == ["Alex (Incident Commander)"]
        from ic_console.tui.widgets.roster import Roster

        assert ic.screen.query_one(Roster).others == ["Priya (Deputy)"]
        assert len(read_presence(staffed.directory, clock)) == 2

    two_consoles(home, clock, scenario)
    assert read_presence(staffed.directory, clock) == []


def test_deputy_view_calls_out_marks_and_chases_expired_timeboxes(
    staffed: IncidentStore, home: Path, clock: FakeClock
) -> None:
    async def scenario(
        ic: ConsoleApp, ic_pilot: Pilot[int], deputy: ConsoleApp, deputy_pilot: Pilot[int]
    ) -> None:
        clock.set(START + timedelta(minutes=10, seconds=5))
        deputy.tick()
        await deputy_pilot.pause()
        chase = deputy.screen.query_one(ChaseList)
        assert [s.id for s in chase.chase] == ["task-expired"]
        assert chase.chase[0].values["owner"] == "Sam"
        clock_widget = deputy.screen.query_one(DeputyClock)
        assert clock_widget.callout == ["Commander, be advised: we are at the 10 minute mark."]
        said = notifications(deputy)
        # Ten minutes since the task was given (its timebox was 5): what it has really been.
        assert any("Say: “Sam, it has been 10 minutes." in n for n in said)
        assert any("we are at the 10 minute mark" in n for n in said)
        # c copies the call-out while the mark is fresh (else the first chase sentence).
        await deputy_pilot.press("c")
        assert deputy.clipboard == "Commander, be advised: we are at the 10 minute mark."
        said = notifications(deputy)
        # Once each: the next tick does not repeat them.
        deputy.tick()
        assert len(notifications(deputy)) == len(said)
        # The IC's console does not call out the incident clock: that is the Deputy's job.
        ic.tick()
        assert not any("minute mark" in n for n in notifications(ic))

    two_consoles(home, clock, scenario)


def test_next_mark_counts_from_the_declaration(staffed: IncidentStore) -> None:
    state = staffed.state
    assert next_mark(state, START + timedelta(minutes=3)) == (10, timedelta(minutes=7))
    assert next_mark(state, START + timedelta(minutes=30)) == (40, timedelta(minutes=10))


def test_read_only_offers_nothing_that_records(
    staffed: IncidentStore, home: Path, clock: FakeClock
) -> None:
    before = staffed.events_path.read_bytes()

    async def scenario(
        ic: ConsoleApp, ic_pilot: Pilot[int], deputy: ConsoleApp, deputy_pilot: Pilot[int]
    ) -> None:
        screen = deputy.screen
        assert isinstance(screen, WatchScreen)
        assert list(screen.query(LogInput)) == []
        shown = {
            binding.action
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if enabled
        }
        assert shown.isdisjoint({"log", "followup", "acknowledge", "extend", "reassign", "done"})
        from ic_console.tui.palette import ConsoleCommands

        provider = ConsoleCommands(screen)
        assert provider._commands() and all(not c.writes for c in provider._commands())
        for key in "lfaxdr":
            await deputy_pilot.press(key)
        await deputy_pilot.pause()
        assert deputy.screen.query_one(Footer) is not None
        # and the IC in the other terminal still writes, which the observer follows
        assert ic.execute(cmd.AddLogEntry(text="observed"))
        await until(deputy_pilot, lambda: any(r.text == "observed" for r in deputy.rows))

    two_consoles(home, clock, scenario, read_only=True)
    after = staffed.events_path.read_bytes()
    assert after.startswith(before)
    assert [e.actor for e in stored(home)][-1] == "Alex"
    assert not any(
        e.actor == "Priya" for e in stored(home) if e.seq > 0 and e.type != "role.assigned"
    )


def test_incident_directory_removed_under_a_running_console(
    staffed: IncidentStore, home: Path, clock: FakeClock, tmp_path: Path
) -> None:
    async def scenario(
        ic: ConsoleApp, ic_pilot: Pilot[int], deputy: ConsoleApp, deputy_pilot: Pilot[int]
    ) -> None:
        staffed.directory.rename(tmp_path / "moved")
        deputy.poll()
        await deputy_pilot.pause()
        assert any("removed or renamed" in n for n in notifications(deputy))
        assert not deputy.execute(cmd.AddLogEntry(text="lost?"))
        assert not staffed.directory.exists()

    two_consoles(home, clock, scenario)
    assert not staffed.directory.exists()
    moved = (tmp_path / "moved" / staffed.events_path.relative_to(staffed.directory)).read_text()
    assert "lost?" not in moved
