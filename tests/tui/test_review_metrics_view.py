"""The review's metrics tab on an incident with thousands of tasks (issue 13).

It once built every row as Rich `Text` when the screen was composed and rendered them all when
the tab was shown: 35 s and 348 MB on a 100,000-event incident with 10,000 tasks. These tests
check, without timing anything, that showing the tab costs memory that does not grow by more
than a little per row, that only the rows on screen are drawn, and that every task, decision and
observation is still there to scroll to.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot

from ic_console.domain import commands as c
from ic_console.domain.model import Role
from ic_console.review.observations import observations
from ic_console.review.source import open_for_review
from ic_console.synthetic import ScriptedIncident
from ic_console.tui.review.app import ReviewApp, make_review_app
from ic_console.tui.review.metrics_view import MetricsView, _Rows

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SIZE = (100, 30)
#: A proposal longer than any column it can have on a 100-column screen: it must wrap, whole.
LONG_PROPOSAL = "Fail over the payments cluster " + " ".join(f"step-{n}" for n in range(40))


def many_tasks(root: Path, incident_id: str, tasks: int) -> Path:
    """An incident of `tasks` tasks (none acknowledged: one observation each), a decision per
    ten tasks and one long proposal; its folder."""
    script = ScriptedIncident(START)
    run = script.run
    run(c.Declare(incident_id=incident_id, title="Many tasks", severity=2))
    run(c.AssignRole(role=Role.IC, name="Alex"))
    run(c.ProposeDecision(text=LONG_PROPOSAL))
    for number in range(tasks):
        script.clock.advance(1)
        run(
            c.AssignTask(
                owner=f"Responder {number % 30}",
                text=f"Check shard {number}",
                timebox=timedelta(minutes=5),
            )
        )
        if number % 10 == 9:
            run(c.ProposeDecision(text=f"Fail over shard {number} to the standby"))
    script.clock.advance(60)
    run(c.Resolve())
    return script.write(root)


def app_for(root: Path, incident_id: str) -> ReviewApp:
    app = make_review_app(open_for_review(root, incident_id), zone=UTC)
    # The figures themselves are the review's (built once, whatever shows them): computed
    # here, so what is measured below is what the screen adds.
    observations(app.review.metrics)
    return app


def drive(app: ReviewApp, scenario: Callable[[Pilot[int]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


def view_of(app: ReviewApp) -> MetricsView:
    return app.screen.query_one("#metrics-scroll", MetricsView)


def screen_lines(view: MetricsView) -> list[str]:
    """The view's lines as drawn on screen now."""
    return ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]


def all_lines(view: MetricsView) -> list[str]:
    return [view.line_text(n) for n in range(view.line_count)]


def table_rows(lines: list[str], title: str) -> list[list[str]]:
    """The body lines of the table titled `title`, as their cells."""
    start = next(n for n, line in enumerate(lines) if line.rstrip() == title)
    body = lines[start:]
    body = body[next(n for n, line in enumerate(body) if line.startswith("┡")) + 1 :]
    body = body[: next(n for n, line in enumerate(body) if line.startswith("└"))]
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in body]


@pytest.fixture(scope="module")
def incidents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many-tasks")
    many_tasks(root, "small", 100)
    many_tasks(root, "big", 2_000)
    return root


def _showing_the_tab_costs(root: Path, incident_id: str) -> int:
    """Peak bytes allocated while the screen is mounted and the metrics tab shown and
    scrolled to its end (the review itself built before)."""
    app = app_for(root, incident_id)
    peak = 0

    async def scenario(pilot: Pilot[int]) -> None:
        nonlocal peak
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        assert view_of(app).line_count > 0
        peak = tracemalloc.get_traced_memory()[1]

    gc.collect()
    tracemalloc.start()
    try:
        drive(app, scenario)
    finally:
        tracemalloc.stop()
    return peak


def test_the_tabs_memory_grows_by_little_per_row(incidents: Path) -> None:
    """1,900 more tasks (and as many observations, and 190 decisions) may cost the tab a
    few bytes a row for their lengths, never the kilobytes of a rendered row."""
    small = _showing_the_tab_costs(incidents, "small")
    big = _showing_the_tab_costs(incidents, "big")
    extra_rows = 2 * (2_000 - 100) + (200 - 10)
    per_row = (big - small) / extra_rows
    assert per_row < 600, f"{per_row:.0f} bytes more per row ({small:,} -> {big:,} bytes)"


def test_only_the_rows_on_screen_are_drawn(
    incidents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of 2,000 tasks, 200 decisions and 2,000 observations, only the rows of the screens
    shown are ever drawn (`_Rows.wrapped` makes a row's lines)."""
    app = app_for(incidents, "big")
    drawn: set[tuple[int, int]] = set()
    wrapped = _Rows.wrapped

    def counting(self: _Rows[object], row: int, *args: Any) -> list[list[Text]]:
        drawn.add((id(self), row))
        return wrapped(self, row, *args)

    monkeypatch.setattr(_Rows, "wrapped", counting)

    async def scenario(pilot: Pilot[int]) -> None:
        assert not drawn  # nothing of the tab is drawn while the timeline is shown
        await pilot.press("m")
        await pilot.pause()
        for key in ("pagedown", "pagedown", "end"):  # the first tasks, then the end
            await pilot.press(key)
            await pilot.pause()
        # Three screens shown: at most their rows, and a table's header row each.
        assert 0 < len(drawn) <= 3 * SIZE[1]

    drive(app, scenario)


def test_every_task_decision_and_observation_can_be_scrolled_to(incidents: Path) -> None:
    app = app_for(incidents, "big")
    metrics = app.review.metrics
    notes = observations(metrics)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("m")
        await pilot.pause()
        view = view_of(app)
        assert "Response" in screen_lines(view)[0]
        await pilot.press("end")
        await pilot.pause()
        shown = screen_lines(view)
        assert notes[-1] in "\n".join(shown), "End shows the last observation"
        lines = all_lines(view)
        # Every task, then every decision, numbered in order, none missing, none twice.
        tasks = [row[0] for row in table_rows(lines, "Tasks")]
        assert tasks == [str(n) for n in range(1, len(metrics.tasks) + 1)]
        assert len(tasks) == 2_000
        decisions = table_rows(lines, "Decisions")
        assert [row[0] for row in decisions if row[0]] == [
            str(n) for n in range(1, len(metrics.decisions) + 1)
        ]
        # The long proposal wraps onto lines of its own row, every word of it kept.
        first = [
            row[3] for row in decisions[: next(n for n, r in enumerate(decisions) if r[0] == "2")]
        ]
        assert len(first) > 1
        assert " ".join(first) == LONG_PROPOSAL
        # Every observation, in order (each may wrap onto a second line).
        text = " ".join(line.strip() for line in lines)
        position = 0
        for note in notes:
            position = text.index(note, position)
        # The last task's row, scrolled to, is drawn on screen.
        last = next(n for n, line in enumerate(lines) if line.startswith("│ 2000 "))
        view.scroll_to(y=last, animate=False)
        await pilot.pause()
        assert screen_lines(view)[0].startswith("│ 2000 ")
        # Home is the top again; Page Down moves a screen.
        await pilot.press("home")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.scroll_y > 0

    drive(app, scenario)


def test_a_narrow_screen_wraps_cells_instead_of_cutting_them(incidents: Path) -> None:
    app = app_for(incidents, "small")

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.resize_terminal(44, 30)
        await pilot.press("m")
        await pilot.pause()
        view = view_of(app)
        lines = all_lines(view)
        assert all(len(line) <= view.scrollable_content_region.width for line in lines)
        decisions = table_rows(lines, "Decisions")
        first = [
            row[3] for row in decisions[: next(n for n, r in enumerate(decisions) if r[0] == "2")]
        ]
        # Cut at spaces, or inside a word longer than the column: every character kept.
        assert "".join(first).replace(" ", "") == LONG_PROPOSAL.replace(" ", "")

    drive(app, scenario)
