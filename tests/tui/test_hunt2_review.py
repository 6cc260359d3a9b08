"""Second hostile-new-user hunt: the review screen (`ic review`) at 80x24. Each test here
failed before its fix."""

from __future__ import annotations

import asyncio
from datetime import UTC
from pathlib import Path

from textual.widgets import Static

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.review.source import open_for_review
from ic_console.store.incident import IncidentStore
from ic_console.tui.review.app import make_review_app
from ic_console.tui.review.timeline_list import TimelineList

from .conftest import INCIDENT, START


def test_a_title_of_the_longest_kind_takes_one_line_of_the_review(home: Path) -> None:
    """A 200-character title (the limit) filled three lines of the review's banner at 80x24,
    four at 60 columns, and at 40x10 the whole screen: the timeline had no row left. The
    banner gives the title one line, cut with an ellipsis (the declaration's detail line
    has it whole), and says on its second line whether the incident is still active."""
    title = "Checkout errors in EU " + "and card payments failing " * 7
    title = title[:200]
    clock = FakeClock(START)
    IncidentStore.create(
        home, cmd.Declare(incident_id=INCIDENT, title=title, severity=1), clock=clock, actor="Alex"
    )
    app = make_review_app(open_for_review(home, INCIDENT), zone=UTC, clock=clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            banner = app.screen.query_one("#banner", Static)
            assert banner.region.height == 2, banner.region
            first = "".join(s.text for s in banner.render_line(0)).rstrip()
            assert first.startswith("checkout-eu  SEV-1  Checkout errors in EU"), first
            assert first.endswith("…"), first
            second = "".join(s.text for s in banner.render_line(1))
            assert "Still active" in second, second
            await pilot.resize_terminal(60, 24)
            await pilot.pause()
            first = "".join(s.text for s in banner.render_line(0)).rstrip()
            assert len(first) <= 59 and first.endswith("…"), first
            assert banner.region.height <= 3, banner.region  # the status line may wrap
            assert app.screen.query_one(TimelineList).region.height >= 6

    asyncio.run(main())
