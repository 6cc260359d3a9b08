"""The review screen: Pilot tests of its behaviour and a snapshot of how it looks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.reactive import Reactive, reactive
from textual.widgets import Input, Static, TabbedContent

from ic_console.domain.clock import FakeClock
from ic_console.review.source import ReviewSource, open_for_review
from ic_console.review.timeline import EntryKind
from ic_console.store.paths import event_files
from ic_console.tui.review.app import ReviewApp, make_review_app
from ic_console.tui.review.screen import ReviewScreen
from ic_console.tui.review.timeline_list import TimelineList

from .fixture import GOLDEN_ID, START, build

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make screenshots depend on the moment they are taken."""
    still: Reactive[bool] = reactive(False, init=False)
    still.__set_name__(Input, "cursor_blink")
    monkeypatch.setattr(Input, "cursor_blink", still)


def drive(app: ReviewApp, scenario: Callable[[Pilot[int]], Awaitable[None]]) -> None:
    """Run `scenario` against `app` under the Pilot (the suite has no async test plugin)."""

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


def app_for(source: ReviewSource) -> ReviewApp:
    return make_review_app(source, zone=UTC, clock=FakeClock(START))


def screen_of(app: ReviewApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def plain(widget: Static) -> str:
    content: Any = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def test_timeline_is_worked_forwards(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        table = screen.query_one("#timeline", TimelineList)
        assert table.row_count == len(golden_source.events)
        assert screen.shown[0].text == "Error rate alert fired for checkout-eu"
        detail = plain(screen.query_one("#detail", Static))
        assert "Happened 11-24 22:18:00 UTC, recorded 11-24 22:33:00 UTC" in detail

    drive(app, scenario)


def test_filter_by_kind_and_person_then_clear(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        await pilot.press("k")
        assert screen.kind_filter is EntryKind.INCIDENT
        assert {e.kind for e in screen.shown} == {EntryKind.INCIDENT}
        await pilot.press("k")
        assert screen.kind_filter is EntryKind.SEVERITY
        await pilot.press("escape", "w")
        assert screen.kind_filter is None
        assert screen.person_filter == "Priya"
        assert screen.shown and all("Priya" in e.people for e in screen.shown)
        assert "who: Priya" in plain(screen.query_one("#filter-state", Static))
        await pilot.press("escape")
        assert len(screen.shown) == len(golden_source.events)

    drive(app, scenario)


def test_search_text_filters_the_timeline(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"cache", "enter")
        assert [e.seq for e in screen.shown] == [23]
        assert isinstance(app.focused, TimelineList)
        await pilot.press("escape")
        assert screen.query_one("#search", Input).value == ""
        assert len(screen.shown) == len(golden_source.events)

    drive(app, scenario)


def test_jump_to_severity_phase_and_role_changes(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        table = screen.query_one("#timeline", TimelineList)

        def current() -> str:
            return screen.shown[table.cursor].text

        await pilot.press("s")
        assert current() == "Severity raised from SEV-2 to SEV-1"
        await pilot.press("s")
        assert current() == "Severity lowered from SEV-1 to SEV-2"
        await pilot.press("S")
        assert current() == "Severity raised from SEV-2 to SEV-1"
        await pilot.press("p")
        assert current() == "Phase changed from Mobilize to Diagnose"
        await pilot.press("r")
        assert current() == "Jordan became Deputy"
        before = table.cursor
        await pilot.press("S", "S")  # no earlier severity change: stays, and says so
        assert table.cursor < before
        assert current() == "Severity raised from SEV-2 to SEV-1"

    drive(app, scenario)


def test_metrics_view(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        await pilot.press("m")
        assert screen.query_one("#tabs", TabbedContent).active == "metrics-tab"
        await pilot.press("t")
        assert screen.query_one("#tabs", TabbedContent).active == "timeline-tab"

    drive(app, scenario)


def test_user_text_is_shown_literally(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        table = screen.query_one("#timeline", TimelineList)
        (index,) = [i for i, e in enumerate(screen.shown) if e.text.startswith("Rolled back")]
        row = table.row_text(index)
        assert "[bold]done[/bold]" in row and "\x1b" not in row
        assert "␛" in row
        # drawn as plain segments: nothing in the text became a style
        what = table.render_row(index, 400, False)[-1]
        assert what.style is None and "[bold]" in what.text

    drive(app, scenario)


def test_an_active_incident_says_so(tmp_path: Path) -> None:
    build(tmp_path, resolve=False, close=False)
    app = app_for(open_for_review(tmp_path, GOLDEN_ID))

    async def scenario(pilot: Pilot[int]) -> None:
        banner = screen_of(app).query_one("#banner", Static)
        assert "Still active" in plain(banner)
        assert banner.has_class("-active")

    drive(app, scenario)


def test_a_read_only_copy_says_so(tmp_path: Path) -> None:
    import shutil
    import stat

    build(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "incidents" / GOLDEN_ID, copy)
    copy.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        app = app_for(open_for_review(tmp_path, str(copy)))
    finally:
        copy.chmod(stat.S_IRWXU)

    async def scenario(pilot: Pilot[int]) -> None:
        banner = plain(screen_of(app).query_one("#banner", Static))
        assert "Closed; resolved 2h 10m after the declaration. Read-only copy." in banner

    drive(app, scenario)


def test_notices_of_a_damaged_log_are_shown(tmp_path: Path) -> None:
    build(tmp_path)
    (path,) = event_files(tmp_path / "incidents" / GOLDEN_ID)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[20] = lines[20].replace(b"2026", b"2027", 1)
    path.write_bytes(b"".join(lines))
    app = app_for(open_for_review(tmp_path, GOLDEN_ID))

    async def scenario(pilot: Pilot[int]) -> None:
        notices = screen_of(app).query_one("#notices", Static)
        assert notices.has_class("-shown")
        assert "line 21" in plain(notices)

    drive(app, scenario)


def test_palette_commands_follow_the_timeline(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        titles = {c.title: c for c in screen.palette_commands()}
        assert "Jump to the next phase change" in titles
        assert "Only entries about Kim" in titles
        assert "Only update entries" in titles
        titles["Only entries about Kim"].run()
        assert screen.person_filter == "Kim"

    drive(app, scenario)


def test_bindings_have_ids_and_descriptions(golden_source: ReviewSource) -> None:
    app = app_for(golden_source)

    async def scenario(pilot: Pilot[int]) -> None:
        for binding in [*ReviewScreen.BINDINGS, *ReviewApp.BINDINGS]:
            assert not isinstance(binding, tuple)
            assert getattr(binding, "id", None) and getattr(binding, "description", None)

    drive(app, scenario)


@pytest.mark.usefixtures("golden_root")
def test_snapshot_of_the_review_screen(golden_root: Path, snap_compare: Any) -> None:
    app = app_for(open_for_review(golden_root, GOLDEN_ID))
    assert snap_compare(app, terminal_size=SIZE, press=["s", "s"])


def test_snapshot_of_the_metrics_view(golden_root: Path, snap_compare: Any) -> None:
    app = app_for(open_for_review(golden_root, GOLDEN_ID))
    assert snap_compare(app, terminal_size=SIZE, press=["m"])


def test_the_review_takes_the_users_keymap(golden_source: ReviewSource) -> None:
    """Its binding ids were once rejected by the keymap check and its keymap never applied."""
    app = make_review_app(golden_source, clock=FakeClock(START), keymap={"review.metrics": "M"})

    async def scenario(pilot: Pilot[int]) -> None:
        screen = screen_of(app)
        await pilot.press("M")
        await pilot.pause()
        assert screen.query_one("#tabs", TabbedContent).active == "metrics-tab"

    drive(app, scenario)
