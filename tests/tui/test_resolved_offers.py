"""A resolved incident's console offers nothing it will refuse.

It offered "Add an exit criterion" (palette and `X`), "Change phase" (palette, `h`) and one
"Phase ..." entry per phase, and `R` opened the resolve form: each was refused at its last
Enter ("is resolved: exit criteria say what must be true...", "its phase stays learn", "already
resolved"). The palette and the keys now follow the state: hidden while it is resolved, back
once it is reopened (here or in another terminal). What a resolved incident still takes (a
criterion ticked after an override, a log line, a severity) stays offered.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from textual.pilot import Pilot

from ic_console.domain import commands as cmd
from ic_console.domain import scale as s
from ic_console.domain.clock import FakeClock
from ic_console.domain.commands import Command, decide
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Status
from ic_console.store.incident import IncidentStore
from ic_console.tui.actions import write_actions
from ic_console.tui.factory import make_app
from ic_console.tui.palette import ConsoleCommands, console_commands
from ic_console.tui.screens.console_at_scale import ConsoleAtScale, WatchAtScale
from ic_console.tui.screens.forms import CommandForm

from .conftest import console, drive, until

#: Entries a resolved incident refuses whatever is typed into them.
REFUSED_TITLES = ("Add an exit criterion", "Change phase", "Resolve the incident")
#: Keys of the same actions: X (exit criterion), h (phase), R (resolve).
REFUSED_KEYS = {"X": "exit_criterion", "h": "phase", "R": "resolve"}


def _resolved(incident: IncidentStore) -> None:
    incident.execute(s.AddExitCriterion(text="error rate below 1% for 10 minutes"))
    incident.execute(cmd.Resolve(override_exit_criteria=True))
    assert incident.state.status is Status.RESOLVED


def _titles(screen: ConsoleAtScale) -> list[str]:
    return [c.title for c in console_commands(screen)]


def _direct_command(run: object) -> Command | None:
    """The command an entry runs as it is chosen (`partial(screen.run, command)`), if any."""
    if isinstance(run, partial) and getattr(run.func, "__name__", "") == "run" and run.args:
        first = run.args[0]
        return first if isinstance(first, Command) else None
    return None


def test_a_resolved_incident_offers_no_action_it_refuses(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    _resolved(incident)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleAtScale)
        await until(pilot, lambda: screen.state is not None)
        state = screen.state
        assert state is not None and state.status is Status.RESOLVED
        titles = _titles(screen)
        for title in REFUSED_TITLES:
            assert title not in titles, title
        assert not [t for t in titles if t.startswith("Phase ")], titles
        # Every entry that records at once is one the domain takes on this state.
        for command in console_commands(screen):
            direct = _direct_command(command.run)
            if direct is not None:
                try:
                    decide(direct, state, clock.now(), "Alex")
                except DomainError as error:
                    raise AssertionError(f"{command.title!r} is refused: {error}") from None
        # What it still takes stays offered.
        assert "Exit criterion met: 1. error rate below 1% for 10 minutes" in titles
        assert "Log a line" in titles and "Change severity" in titles
        # The keys are neither shown in the footer nor run.
        actions = {b.binding.action for b in screen.active_bindings.values()}
        assert not actions & set(REFUSED_KEYS.values()), actions
        for key in REFUSED_KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(pilot.app.screen, CommandForm), key
        # The palette's provider lists none of them either.
        provider = ConsoleCommands(screen)
        listed = [c.title for c in provider._commands()]
        assert "Add an exit criterion" not in listed

    drive(console(home, clock), scenario)


def test_reopened_elsewhere_the_actions_come_back(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """The offer follows the state: another terminal reopens it, and X works again."""
    _resolved(incident)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleAtScale)
        await until(pilot, lambda: screen.state is not None)
        assert "Add an exit criterion" not in _titles(screen)
        incident.execute(cmd.Reopen())
        await until(
            pilot, lambda: screen.state is not None and screen.state.status is Status.ACTIVE
        )
        for title in REFUSED_TITLES:
            assert title in _titles(screen), title
        actions = {b.binding.action for b in screen.active_bindings.values()}
        assert {"phase", "resolve"} <= actions, actions
        await pilot.press("X")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))

    drive(console(home, clock), scenario)


def test_an_active_incident_still_offers_them(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleAtScale)
        await until(pilot, lambda: screen.state is not None)
        titles = _titles(screen)
        for title in REFUSED_TITLES:
            assert title in titles, title
        assert "Phase Diagnose" in titles

    drive(console(home, clock), scenario)


def _closed(incident: IncidentStore) -> None:
    incident.execute(cmd.AssignTask(owner="Sam", text="check the replica", timebox=FIVE))
    incident.execute(cmd.Resolve())
    incident.execute(cmd.Close())


FIVE = timedelta(minutes=5)


def test_a_closed_incident_offers_only_what_looks(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """Closed, every command is refused ("nothing more can be recorded on it"): the console
    offered them all, each refused at its last Enter. It offers only what looks."""
    _closed(incident)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleAtScale)
        await until(pilot, lambda: screen.state is not None)
        listed = ConsoleCommands(screen)._commands()
        assert listed and not [c.title for c in listed if c.writes]
        assert "Runbooks" in [c.title for c in listed]
        actions = {b.binding.action for b in screen.active_bindings.values()}
        assert not actions & write_actions("console"), actions
        assert "glance" in actions
        for key in ("t", "X", "s", "p"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(pilot.app.screen, CommandForm), key

    drive(console(home, clock), scenario)


def test_the_deputys_view_of_a_closed_incident_offers_only_what_looks(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    _closed(incident)
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
        await until(pilot, lambda: watch.state is not None)
        listed = ConsoleCommands(watch)._commands()
        assert not [c.title for c in listed if c.writes]
        actions = {b.binding.action for b in watch.active_bindings.values()}
        assert not actions & write_actions("watch"), actions
        await pilot.press("f")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CommandForm)

    drive(deputy, scenario)


def _footer_keys(app: object) -> dict[str, bool]:
    """The resolve and phase keys the footer draws, and whether it draws them as usable."""
    from ic_console.tui.widgets.quiet_footer import QuietFooter

    footer = app.screen.query_one(QuietFooter)  # type: ignore[attr-defined]
    rows = [widget for widget in footer.walk_children() if hasattr(widget, "keys")]
    return {
        key.action: key.enabled
        for row in rows
        for key in row.keys  # type: ignore[attr-defined]
        if key.action in ("resolve", "phase")
    }


def test_resolved_elsewhere_the_footer_stops_offering_its_keys(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """Another terminal resolves: the footer redraws without resolve and phase (it kept them:
    the state is folded in place, so the status it compared with had already changed)."""

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleAtScale)
        await until(pilot, lambda: screen.state is not None)
        await pilot.pause()
        assert any(_footer_keys(pilot.app).values())
        incident.execute(s.AddExitCriterion(text="error rate below 1%"))
        incident.execute(cmd.Resolve(override_exit_criteria=True))
        await until(
            pilot, lambda: screen.state is not None and screen.state.status is Status.RESOLVED
        )
        await until(pilot, lambda: not any(_footer_keys(pilot.app).values()))

    drive(console(home, clock), scenario, size=(400, 40))
