"""Your own runbooks on the runbook screen (`b`) at 80x24: a very long one froze the console.

Textual's Markdown builds its blocks in the console's one event loop, in time that grows faster
than the text: opening a 3.6 MB runbook of 20,000 sections (seen in tmux) stopped the incident
clock, the timers and every key for over 20 seconds. The viewer now builds a part at a time and
search opens the section that matches, wherever it is.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from textual.app import App
from textual.widgets import Input, Markdown

from ic_console.content.runbooks import parse_runbook
from ic_console.tui.screens.runbooks import RunbookScreen

SECTIONS = 2_000
#: Well over what the viewer builds at once, well under the whole runbook.
SHOWN_AT_MOST = 32_000


def huge_runbook(tmp_path: Path) -> Path:
    sections = "\n".join(
        f"## Section {i}\n\nstep {i}: " + "check the replica " * 8 + "\n" for i in range(SECTIONS)
    )
    path = tmp_path / "huge.md"
    path.write_text(f'+++\nid = "huge"\ntitle = "Huge runbook"\n+++\n\n{sections}\n')
    return path


class Host(App[None]):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.screen_under_test = RunbookScreen([parse_runbook(path)])

    def on_mount(self) -> None:
        self.push_screen(self.screen_under_test)


async def _built(screen: RunbookScreen, deadline: float) -> None:
    while screen._building is not None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


def test_a_huge_runbook_opens_in_a_part_and_search_opens_a_far_section(tmp_path: Path) -> None:
    path = huge_runbook(tmp_path)

    async def run() -> None:
        app = Host(path)
        async with app.run_test(size=(80, 24)) as pilot:
            started = time.monotonic()
            await _built(app.screen_under_test, started + 2)
            assert time.monotonic() - started < 1.5
            text = app.screen_under_test.query_one("#runbook-text", Markdown).source
            assert len(text) < SHOWN_AT_MOST
            assert "Section 0" in text and "Section 1999" not in text
            assert "This runbook is long" in text and str(path) in text
            await pilot.press("slash")
            assert isinstance(app.focused, Input)
            await pilot.press(*"1990:")
            started = time.monotonic()
            await _built(app.screen_under_test, started + 2)
            assert time.monotonic() - started < 1.5
            text = app.screen_under_test.query_one("#runbook-text", Markdown).source
            assert "## Section 1990" in text and "Section 0\n" not in text
            assert "Earlier sections left out" in text

    asyncio.run(run())


def test_search_scrolls_to_the_section_when_an_earlier_runbook_was_still_building() -> None:
    """Typing "ending" opened "Writing stakeholder updates" at "en" and "Running the bridge
    call" a key later, while the first was still being built. Textual's Markdown kept the first
    one's table of contents, so the viewer never found the "Ending" heading and stayed at the
    top (seen in tmux at 80x24; the Pilot types too evenly to show it). The section is now found
    by where its heading is in the text."""
    from ic_console.content.library import load_runbooks

    runbooks, _ = load_runbooks([])

    class Shipped(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.screen_under_test = RunbookScreen(runbooks.values())

        def on_mount(self) -> None:
            self.push_screen(self.screen_under_test)

    async def run() -> None:
        app = Shipped()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen_under_test
            await _built(screen, time.monotonic() + 2)
            screen.query_text = "ending"
            screen._open(runbooks["stakeholder-updates"])
            screen._open(runbooks["running-the-bridge"])  # before the first is built
            await _built(screen, time.monotonic() + 2)
            for _ in range(10):
                await pilot.pause(0.05)
            assert screen.current is runbooks["running-the-bridge"]
            assert screen.query_one("#runbook-view").scroll_y > 0

    asyncio.run(run())
