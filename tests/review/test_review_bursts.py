"""Keys typed in a burst in `ic review` go where they were meant, one after the other, as in
the console: "/" and a word typed at once search for the word; a burst of tab keys ends on the
tab typed last; Esc typed just before a key is Esc, then the key."""

from __future__ import annotations

import time

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

from ic_console.review.source import ReviewSource
from ic_console.tui.keys import KeyBurstApp

from .test_tui import app_for, drive, screen_of


async def _burst(pilot: Pilot[int], *keys: str) -> None:
    """Keys as a terminal delivers a burst: all at once, with one time."""
    at = time.monotonic()
    for key in keys:
        character = {"slash": "/", "space": " "}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.time = at
        pilot.app.post_message(event)
    await pilot.pause()
    await pilot.pause()


def test_the_review_app_takes_keys_one_at_a_time(golden_source: ReviewSource) -> None:
    assert isinstance(app_for(golden_source), KeyBurstApp)


def test_a_search_typed_in_one_burst_searches_for_the_whole_word(
    golden_source: ReviewSource,
) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        await _burst(pilot, "slash", *"cache")
        search = screen.query_one("#search", Input)
        assert search.value == "cache"  # not "ache" after an "s" jumped to a severity change
        assert isinstance(app.focused, Input)

    drive(app, scenario)


def test_tabs_typed_in_one_burst_end_on_the_last(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        tabs = screen.query_one(TabbedContent)
        before = tabs.active
        await _burst(pilot, "s", "S", "m", "t")
        await pilot.pause()
        assert tabs.active == before  # ... m for the metrics, then t back to the timeline

    drive(app, scenario)
