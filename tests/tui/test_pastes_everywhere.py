"""Every text field of the console takes a paste the same way: its lines joined by spaces,
tabs as spaces, control characters out (`tui/paste.py` `one_line`).

The command palette's search, the runbooks' search and the review's search kept only the first
line of a multi-line paste (Textual's Input drops the rest without a word); the log line and the
forms joined the lines but kept a bell or a direction override that came with the paste; ctrl+v
of the console's own clipboard (whole sentences copied with c) put line breaks inside a field.
"""

from __future__ import annotations

import asyncio
from datetime import UTC
from pathlib import Path

from textual import events
from textual.command import CommandInput, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from ic_console.domain.clock import FakeClock
from ic_console.review.source import open_for_review
from ic_console.store.incident import IncidentStore
from ic_console.tui.review.app import make_review_app
from ic_console.tui.screens.runbooks import RunbookScreen
from ic_console.tui.widgets.log_input import LogInput

from .conftest import INCIDENT, console, drive, notifications, until

PASTE = "fail\tover\n  the\x07 primary \u202e\r\n\nnow\n"
JOINED = "fail over the primary now"


def test_one_line_joins_lines_and_takes_control_characters_out() -> None:
    from ic_console.tui.paste import one_line

    assert one_line(PASTE) == (JOINED, 3)
    # One line keeps its own spaces (pasted between two words); joiners stay (an emoji).
    assert one_line(" 🧑\u200d🚒 crew\n") == (" 🧑\u200d🚒 crew", 1)
    assert one_line("\x1b\x00\n\n") == ("", 0)


async def _paste(pilot: Pilot[int], field: Input, text: str = PASTE) -> None:
    field.post_message(events.Paste(text))
    await pilot.pause()


def test_the_palette_search_takes_every_line(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
        field = pilot.app.screen.query_one(CommandInput)
        await until(pilot, lambda: pilot.app.focused is field)
        await _paste(pilot, field)
        assert field.value == JOINED
        assert any("Pasted 3 lines as one" in said for said in notifications(pilot.app))

    drive(app, scenario, size=(80, 24))


def test_the_runbook_search_takes_every_line(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("b")
        await until(pilot, lambda: isinstance(pilot.app.screen, RunbookScreen))
        await pilot.press("slash")
        field = pilot.app.screen.query_one("#runbook-search", Input)
        await until(pilot, lambda: pilot.app.focused is field)
        await _paste(pilot, field, "database\nfailover")
        assert field.value == "database failover"

    drive(app, scenario, size=(80, 24))


def test_the_log_line_takes_control_characters_out_and_ctrl_v_joins_lines(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        line = pilot.app.screen.query_one(LogInput).input
        await until(pilot, lambda: pilot.app.focused is line)
        await _paste(pilot, line)
        assert line.value == JOINED
        await pilot.press("ctrl+u")
        pilot.app.copy_to_clipboard("Sam, it's been 5 minutes.\nDo you have an update?")
        await pilot.press("ctrl+v")
        await pilot.pause()
        assert line.value == "Sam, it's been 5 minutes. Do you have an update?"

    drive(app, scenario, size=(80, 24))


def test_the_review_search_takes_every_line(home: Path, incident: IncidentStore) -> None:
    clock = FakeClock(incident.state.declared_at)  # type: ignore[arg-type]
    app = make_review_app(open_for_review(home, INCIDENT), zone=UTC, clock=clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("slash")
            field = app.screen.query_one("#search", Input)
            await until(pilot, lambda: app.focused is field)
            await _paste(pilot, field, "Checkout\nerrors")
            assert field.value == "Checkout errors"

    asyncio.run(main())


def test_a_paste_right_behind_the_key_that_opens_a_field_goes_into_that_field(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """ctrl+p and a paste read together, or / and a paste: the paste went at once to the
    field focused before the key was handled (the palette's paste into the log line, the
    runbook search's to the list, which dropped it). It waits its turn behind the key."""
    app = console(home, clock)

    def burst(*items: events.Event) -> None:
        for item in items:
            app.post_message(item)

    async def scenario(pilot: Pilot[int]) -> None:
        log = pilot.app.screen.query_one(LogInput)
        burst(events.Key("ctrl+p", None), events.Paste("change\nseverity"))
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
        field = pilot.app.screen.query_one(CommandInput)
        await until(pilot, lambda: field.value == "change severity")
        assert log.input.value == ""
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(pilot.app.screen, CommandPalette))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(pilot.app.screen, RunbookScreen))
        burst(events.Key("slash", "/"), events.Paste("database\nfailover"))
        search = pilot.app.screen.query_one("#runbook-search", Input)
        await until(pilot, lambda: search.value == "database failover")

    drive(app, scenario, size=(80, 24))
