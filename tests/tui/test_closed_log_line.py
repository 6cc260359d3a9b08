"""The log line on a closed incident: visibly disabled, saying why; text typed when another
terminal closes the incident is kept, with the reason it cannot be saved.

The console on a closed incident showed the log line as on any other ("Log a line: Enter saves
a note..."), took a line and refused it at Enter; the empty task board offered "Press t to
assign one". A line being typed when another terminal closed the incident was told "Enter
saves this as note" until Enter refused it.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from helpers.console import screen_text
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.screens.incident import IncidentScreen
from ic_console.tui.widgets.log_input import LogInput

from .conftest import INCIDENT, console, drive, notifications, stored, until


def _closed(store: IncidentStore) -> None:
    store.execute(cmd.Resolve())
    store.execute(cmd.Close())


def _log_lines(home: Path) -> list[str]:
    return [e.data.text for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]


def _hint(pilot: Pilot[int]) -> str:
    return str(pilot.app.screen.query_one("#log-hint").render())


async def _typed_as_another_terminal_closes(
    pilot: Pilot[int], home: Path, clock: FakeClock, typed: str
) -> LogInput:
    """`typed` in the log line, then the incident closed by another terminal (Sam's)."""
    screen = pilot.app.screen
    assert isinstance(screen, IncidentScreen)
    await until(pilot, lambda: screen.state is not None)
    await pilot.press("l", *typed)
    log = screen.query_one(LogInput)
    assert log.input.value == typed
    _closed(IncidentStore.open(home, INCIDENT, clock=clock, actor="Sam"))
    await until(pilot, lambda: log.closed is not None)
    return log


def test_a_closed_incident_shows_its_log_line_disabled_and_why(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    _closed(incident)
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, IncidentScreen)
        await until(pilot, lambda: screen.state is not None)
        # The empty board offers no key that records.
        assert "No open tasks." in screen_text(pilot.app)
        assert "Press t" not in screen_text(pilot.app)
        await pilot.press("2")  # the scribe log pane, with the log line under it (80x24)
        await pilot.pause()
        log = screen.query_one(LogInput)
        assert log.input.disabled
        text = screen_text(pilot.app)
        assert "Closed: nothing more can be recorded here" in text, text
        assert f"{INCIDENT} is closed: to record more, declare a new incident." in text, text
        assert "Enter saves" not in text
        # Tab never lands in it; keys typed go nowhere near the log.
        await pilot.press("tab", "tab", "tab", *"hello", "enter")
        await pilot.pause()
        assert pilot.app.focused is not log.input
        # A paste on the board is not put in a line that cannot be saved: the toast says why.
        from textual import events

        screen.post_message(events.Paste("pasted after the close"))
        await pilot.pause()
        assert any("is closed" in said for said in notifications(pilot.app))
        assert log.input.value == ""

    before = _log_lines(home)
    drive(app, scenario, size=(80, 24))
    assert _log_lines(home) == before


def test_a_line_typed_as_another_terminal_closes_the_incident_is_kept_with_why(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    app = console(home, clock)
    app.settings.poll_seconds = 0.05
    typed = "rolled back deploy 4411"

    async def scenario(pilot: Pilot[int]) -> None:
        log = await _typed_as_another_terminal_closes(pilot, home, clock, typed)
        # Said before Enter is pressed, and the text is still there to copy.
        assert "Not saved" in _hint(pilot), _hint(pilot)
        assert log.input.value == typed and not log.input.disabled
        answers = log.answers
        await pilot.press("enter")
        await pilot.pause()
        assert log.answers == answers + 1  # Enter was answered: keys behind it go on
        assert log.input.value == typed
        assert "Not saved" in _hint(pilot)
        # Quitting says the line cannot be saved (not "Enter saves it").
        await pilot.press("ctrl+q")
        await pilot.pause()
        said = notifications(pilot.app)[-1]
        assert "cannot be" in said and "Enter saves it" not in said, said
        # Emptied and left, the line is disabled like on a closed incident opened afresh.
        await pilot.press("ctrl+u", "escape")
        await until(pilot, lambda: log.input.disabled)

    drive(app, scenario, size=(80, 24))
    assert typed not in _log_lines(home)


def test_l_goes_back_to_a_kept_line_after_esc(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """The kept line is there to copy: after Esc, `l` goes back to it (it only said "Not
    recorded", and Tab or the mouse were the only ways back). Found by the day's review."""
    app = console(home, clock)
    app.settings.poll_seconds = 0.05
    typed = "rolled back deploy 4411"

    async def scenario(pilot: Pilot[int]) -> None:
        log = await _typed_as_another_terminal_closes(pilot, home, clock, typed)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.focused is not log.input
        assert log.input.value == typed and not log.input.disabled
        await pilot.press("l")
        await pilot.pause()
        assert pilot.app.focused is log.input
        assert log.input.value == typed  # no prefix put in, nothing lost

    drive(app, scenario, size=(80, 24))
    assert typed not in _log_lines(home)


def test_a_resolved_incident_still_takes_log_lines(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """Follow-ups and the postmortem's owner are logged after the resolve: only the close
    stops the line."""
    incident.execute(cmd.Resolve())
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, IncidentScreen)
        await until(pilot, lambda: screen.state is not None)
        log = screen.query_one(LogInput)
        assert not log.input.disabled and log.closed is None
        await pilot.press("l", *"f: add alerting on replica lag", "enter")
        await until(pilot, lambda: "add alerting on replica lag" in _log_lines(home))

    drive(app, scenario, size=(80, 24))


def test_the_deputys_view_of_a_closed_incident_says_so_too(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    from ic_console.content.phrasebook import shipped_phrasebook
    from ic_console.tui.factory import make_app

    _closed(incident)
    app = make_app(
        home,
        "Priya",
        incident_id=INCIDENT,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        watch=True,
        background_load=False,
    )

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, IncidentScreen) and screen.SCOPE == "watch"
        await until(pilot, lambda: screen.state is not None)
        log = screen.query_one(LogInput)
        assert log.input.disabled
        assert "is closed" in _hint(pilot)

    drive(app, scenario, size=(120, 40))
