"""At 80 columns the header keeps the incident's title readable with sync words beside it, and
the phrasebook names each other pressing situation once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Label

from ic_console.domain.clock import FakeClock
from ic_console.live.syncing import SyncView
from ic_console.store.incident import IncidentStore
from ic_console.sync.report import Peer
from ic_console.tui.widgets.phrasebook_pane import also

from .conftest import console, drive
from .test_snapshots import demo_app


def test_short_sync_words() -> None:
    peers = (Peer("a1b2c3d4e5f6", "Priya", 100.0), Peer("0f9e8d7c6b5a", "Sam", 100.0))
    online = SyncView(last_success=97.0, peers=peers)
    assert online.line(100.0) == "synced 3s ago · 2 peers"
    assert online.line(100.0, short=True) == "synced 3s"
    offline = SyncView(last_success=50.0, offline_since=60.0, waiting=12)
    clock = lambda _t: "14:02"  # noqa: E731
    assert offline.line(100.0, clock=clock) == "offline since 14:02 · 12 events to send"
    assert offline.line(100.0, clock=clock, short=True) == "offline 14:02 · 12 to send"
    follower = SyncView(last_success=97.0, read_only=True)
    assert follower.line(100.0, short=True) == "following only · 3s"


def test_the_title_stays_readable_at_80_columns_with_sync_words(tmp_path: Path) -> None:
    app = demo_app(tmp_path)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.live_screen
            assert screen is not None
            header = screen.header
            header.show_sync("synced 3s ago · 2 peers", "synced 3s", False)
            await pilot.pause()
            sync = header.query_one("#header-sync", Label)
            assert str(sync.render()) == "synced 3s"
            title = header.query_one("#header-title", Label)
            assert title.size.width >= 12, title.size  # was 4 columns with the long words
            await pilot.resize_terminal(140, 40)
            await pilot.pause()
            assert str(sync.render()) == "synced 3s ago · 2 peers"
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            assert str(sync.render()) == "synced 3s"

    asyncio.run(main())


def test_other_situations_are_named_once_with_their_count() -> None:
    titles = ["A task has not been acknowledged", "Update due", "A task has not been acknowledged"]
    assert also(titles) == ["A task has not been acknowledged (2)", "Update due"]
    assert also([]) == []


def test_the_header_clock_lays_out_only_when_its_width_changes(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """Each second's clock text is drawn in place; a layout (about 10 ms, which a key pressed
    then waits for) only when the text's width changes, as from 59s to 1m 0s."""
    from datetime import timedelta

    from ic_console.tui.widgets.incident_header import IncidentHeader

    async def scenario(pilot: Pilot[int]) -> None:
        header = pilot.app.screen.query_one(IncidentHeader)
        elapsed = header.query_one("#header-elapsed", Label)
        layouts: list[tuple[str, bool]] = []
        update = elapsed.update

        def spy(content: object = "", *, layout: bool = True) -> None:
            layouts.append((str(content), layout))
            update(content, layout=layout)  # type: ignore[arg-type]

        elapsed.update = spy  # type: ignore[method-assign]
        now = clock.now()
        for seconds in (10, 11, 12, 60):
            header.tick(now + timedelta(seconds=seconds))
        await pilot.pause()
        shown = [(text.split(" (")[0], layout) for text, layout in layouts]
        assert shown[1:3] == [("11s", False), ("12s", False)], shown
        assert shown[3][1] is True, shown  # "1m 0s" is wider than "12s"

    drive(console(home, clock), scenario, size=(120, 40))


def test_the_phrasebook_is_drawn_again_only_when_its_words_change(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """Each second the situations are worked out again; the pane is drawn (and the screen laid
    out) only when what it says changes."""
    from datetime import timedelta

    from ic_console.domain import commands as cmd
    from ic_console.tui.widgets.phrasebook_pane import PhrasebookPane

    incident.execute(cmd.AssignTask(owner="Sam", text="check", timebox=timedelta(minutes=5)))

    async def scenario(pilot: Pilot[int]) -> None:
        pane = pilot.app.screen.query_one(PhrasebookPane)
        drawn: list[object] = []
        update = pane.update

        def spy(content: object = "", *, layout: bool = True) -> None:
            drawn.append(content)
            update(content, layout=layout)  # type: ignore[arg-type]

        pane.update = spy  # type: ignore[method-assign]
        screen = pilot.app.screen
        now = clock.now()
        for seconds in (1, 2, 3):
            screen.tick(now + timedelta(seconds=seconds))  # type: ignore[attr-defined]
        assert drawn == []
        screen.tick(now + timedelta(minutes=6))  # type: ignore[attr-defined]  # Sam's timebox runs out
        assert len(drawn) == 1

    drive(console(home, clock), scenario, size=(120, 40))
