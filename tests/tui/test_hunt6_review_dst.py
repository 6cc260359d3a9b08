"""Hunt 6: the review of an incident that ran across a daylight-saving change (80x24).

New York's clocks went back at 06:00 UTC on 2026-11-01 (01:59 EDT became 01:00 EST). The
review's column said "When (EDT)" for every row, so the notes after the change read as the
hour before ("01:50", then "01:00"), and an entry's detail said "Recorded 11-01 01:00:00 EDT"
for what was 01:00 EST: an hour wrong. When the clocks changed during the incident, every
time now names its zone.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Static

from helpers.dst import NEW_YORK, notes_every_ten_minutes
from ic_console.domain.clock import FakeClock
from ic_console.review.source import open_for_review
from ic_console.tui.review.app import make_review_app
from ic_console.tui.review.timeline_list import TimelineList

from .conftest import INCIDENT


def _incident(home: Path, start: datetime) -> FakeClock:
    return notes_every_ten_minutes(home, INCIDENT, start)


def _rows(timeline: TimelineList) -> list[str]:
    return [timeline.row_text(index, 80) for index in range(len(timeline.entries))]


def test_times_across_the_clocks_going_back_name_their_zone(home: Path) -> None:
    clock = _incident(home, datetime(2026, 11, 1, 5, 30, tzinfo=UTC))  # 01:30 EDT
    app = make_review_app(open_for_review(home, INCIDENT), zone=NEW_YORK, clock=clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            header = "".join(
                s.text for s in app.screen.query_one("#timeline-header", Static).render_line(0)
            )
            assert "When (EDT)" not in header, header
            rows = _rows(app.screen.query_one(TimelineList))
            before = next(row for row in rows if "note 1 at 05:50 UTC" in row)
            after = next(row for row in rows if "note 2 at 06:00 UTC" in row)
            assert before.startswith("11-01 01:50:00 EDT"), before
            assert after.startswith("11-01 01:00:00 EST"), after
            # The columns stay in line: the kind starts at the same place on every row.
            assert len({row.index("note ") for row in rows if " note " in row}) == 1, rows
            timeline = app.screen.query_one(TimelineList)
            timeline.cursor = rows.index(after)
            app.screen._show_detail()  # type: ignore[attr-defined]
            await pilot.pause()
            detail = "".join(s.text for s in app.screen.query_one("#detail", Static).render_line(0))
            assert "Recorded 11-01 01:00:00 EST." in detail, detail

    asyncio.run(main())


def test_an_incident_inside_one_offset_keeps_the_short_column(home: Path) -> None:
    clock = _incident(home, datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    app = make_review_app(open_for_review(home, INCIDENT), zone=NEW_YORK, clock=clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            header = "".join(
                s.text for s in app.screen.query_one("#timeline-header", Static).render_line(0)
            )
            assert header.startswith("When (EST)"), header
            rows = _rows(app.screen.query_one(TimelineList))
            assert rows[-1].startswith("11-23 10:20:00 note"), rows[-1]

    asyncio.run(main())
