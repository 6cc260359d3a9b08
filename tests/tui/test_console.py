"""Following other terminals, the palette, the phrasebook, layout, keymap and the picker."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input

from ic_console.content.config import Config
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.catalog import list_incidents
from ic_console.store.incident import IncidentStore
from ic_console.tui.config import ConfigError
from ic_console.tui.factory import make_app
from ic_console.tui.palette import ConsoleCommands, console_commands
from ic_console.tui.screens.console import ConsoleScreen

from .conftest import INCIDENT, console, drive, stored, type_text, until


def test_follows_another_terminal(home: Path, clock: FakeClock, incident: IncidentStore):
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Priya")
        other.execute(cmd.AddLogEntry(text="written in the other terminal"))
        other.execute(cmd.AssignTask(owner="Sam", text="check", timebox=timedelta(minutes=5)))
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        await until(
            pilot,
            lambda: (
                [t.owner for t in screen.tasks.tasks] == ["Sam"]
                and screen.scribe.rows[-1].text == "#1 Sam, 5m: check"
            ),
        )
        texts = [row.text for row in screen.scribe.rows]
        assert "written in the other terminal" in texts
        assert texts[-1] == "#1 Sam, 5m: check"
        assert [t.owner for t in screen.tasks.tasks] == ["Sam"]

    drive(app, scenario)


def test_palette_follows_the_state(home: Path, clock: FakeClock, incident: IncidentStore):
    incident.execute(cmd.AssignTask(owner="Sam", text="check the db", timebox=timedelta(minutes=5)))
    incident.execute(cmd.ProposeDecision(text="roll back"))

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        titles = [c.title for c in console_commands(screen)]
        assert "Acknowledge #1 Sam: check the db" in titles
        assert "Accept D1: roll back" in titles
        assert "Release Sam" in titles
        assert "Release Alex" not in titles  # the IC hands over first
        provider = ConsoleCommands(screen)
        hits = [hit async for hit in provider.search("acknowledge sam")]
        assert hits and str(hits[0].text).startswith("Acknowledge #1")
        await pilot.press("ctrl+p")
        await type_text(pilot, "Acknowledge #1")
        await until(pilot, lambda: pilot.app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")

    drive(console(home, clock), scenario)
    assert len([e for e in stored(home) if isinstance(e.data, ev.TaskAcknowledged)]) == 1


def test_phrasebook_situations_responses_and_copy(home: Path, clock: FakeClock, incident):
    incident.execute(cmd.AssignTask(owner="Sam", text="the latency", timebox=timedelta(minutes=5)))
    clock.advance(6 * 60)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        pane = screen.phrases
        assert pane.current is not None and pane.current.id == "task-expired"
        assert any("Sam" in s and "latency" in s for s in pane.sentences)
        await pilot.press("c")
        assert "Sam" in pilot.app.clipboard
        await pilot.press("n")
        assert pane.current is not None and pane.current.id != "task-expired"
        await pilot.press("v")
        await pilot.pause()
        options = pilot.app.screen.query_one("#responses-list")
        ids = [s.id for s in pilot.app.screen.situations]  # type: ignore[attr-defined]
        options.highlighted = ids.index("executive-takeover")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert pane.current is not None and pane.current.id == "executive-takeover"
        assert any("take command" in s for s in pane.sentences)

    drive(console(home, clock), scenario)


def test_narrow_terminal_shows_one_pane_under_tabs(home: Path, clock: FakeClock, incident):
    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert screen.has_class("-narrow")
        visible = [p.id for p in screen.query(".pane") if p.region.height]
        assert visible == ["pane-tasks", "pane-phrases"]  # what to say next stays in view
        await pilot.press("2")
        await pilot.pause()
        visible = [p.id for p in screen.query(".pane") if p.region.height]
        assert visible == ["pane-log"]
        await pilot.press("l")
        await type_text(pilot, "small screens work")
        await pilot.press("enter")

    drive(console(home, clock), scenario, size=(80, 24))
    texts = [e.data.text for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]
    assert texts == ["small screens work"]


def test_wide_terminal_shows_all_four_panes(home: Path, clock: FakeClock, incident):
    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert not screen.has_class("-narrow")
        assert all(p.region.height > 5 for p in screen.query(".pane"))

    drive(console(home, clock), scenario, size=(200, 50))


def test_keymap_from_config(home: Path, clock: FakeClock, incident: IncidentStore):
    app = make_app(
        home,
        "Alex",
        incident_id=INCIDENT,
        clock=clock,
        config=Config(keymap={"log": "f5"}),
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(pilot.app.focused, Input)

    drive(app, scenario)


def test_bad_keymap_or_theme_is_refused(home: Path, clock: FakeClock) -> None:
    for config, words in [
        (Config(keymap={"no-such-binding": "f5"}), "unknown binding ids: no-such-binding"),
        (Config(theme="no-such-theme"), 'theme "no-such-theme"'),
    ]:
        try:
            make_app(home, "Alex", clock=clock, config=config, phrasebook=shipped_phrasebook())
        except ConfigError as error:
            assert words in str(error)
        else:
            raise AssertionError(f"{config} was accepted")


def test_picker_declares_a_new_incident(home: Path, clock: FakeClock) -> None:
    app = make_app(
        home, "Alex", clock=clock, phrasebook=shipped_phrasebook(), background_load=False
    )

    async def scenario(pilot: Pilot[int]) -> None:
        assert pilot.app.screen.id == "picker"
        await pilot.press("enter")  # "+ Declare a new incident"
        await until(pilot, lambda: pilot.app.screen.id == "form-declare")
        await type_text(pilot, "Search is down")
        await pilot.press("enter")
        await pilot.press("backspace")
        await type_text(pilot, "x")
        await pilot.pause()
        assert "severity from 1" in str(pilot.app.screen.query_one("#error-severity").render())
        await pilot.press("backspace", "1", "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))

    drive(app, scenario)
    (info,) = list_incidents(home)
    assert (info.title, info.severity) == ("Search is down", 1)


def test_one_active_incident_opens_directly(home: Path, clock: FakeClock, incident) -> None:
    app = make_app(
        home, "Alex", clock=clock, phrasebook=shipped_phrasebook(), background_load=False
    )

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))

    drive(app, scenario)


def test_checklist_tick_is_recorded(home: Path, clock: FakeClock, incident: IncidentStore):
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("k")
        await pilot.pause()
        assert pilot.app.screen.id == "checklists"
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConsoleScreen)

    drive(console(home, clock), scenario)
    ticks = [e.data for e in stored(home) if isinstance(e.data, ev.ChecklistItemTicked)]
    assert len(ticks) == 1


def test_runbooks_open_from_a_key_and_the_palette(home: Path, clock: FakeClock, incident):
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("b")
        await pilot.pause()
        assert pilot.app.screen.id == "runbooks"
        await pilot.press("escape")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        titles = [c.title for c in console_commands(screen)]
        assert "Checklists" in titles
        assert any(title.startswith("Runbook: ") for title in titles)

    drive(console(home, clock), scenario)
