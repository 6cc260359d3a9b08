"""Faults found by using the console as a hostile new user would, in real terminals: each test
here failed before its fix. Keys are sent in bursts, as a terminal delivers them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Label

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.forms import CommandForm

from .conftest import INCIDENT, console, drive, notifications, until
from .test_forms import burst, intro, payloads


def test_log_lines_typed_in_one_burst_keep_their_own_words(
    home: Path, clock: FakeClock, incident
) -> None:
    """Three log lines typed in one burst: the letter typed right after each Enter went into
    the line being saved ("alpha oneb", "ravo twoc", "harlie three" in a real terminal), since
    the line was read when the save ran, not when Enter was pressed."""

    async def scenario(pilot: Pilot[int]) -> None:
        burst(pilot.app, "l", "alpha one", "enter", "bravo two", "enter", "charlie three", "enter")
        await until(pilot, lambda: len(payloads(home, ev.LogEntryAdded)) >= 3, timeout=10)

    drive(console(home, clock), scenario)
    texts = [p.text for p in payloads(home, ev.LogEntryAdded)]  # type: ignore[attr-defined]
    assert texts == ["alpha one", "bravo two", "charlie three"]


def test_a_task_closed_elsewhere_does_not_pass_its_key_to_the_next_one(
    home: Path, clock: FakeClock, incident
) -> None:
    """The IC has task 2 under the cursor and presses d as the Deputy closes task 2 in the
    other terminal: the board moved the cursor to task 3, and d marked task 3 done, a task
    nobody named. The first task key after the cursor was moved for them is refused and says
    which task is under the cursor now; the next press acts on it."""
    for minutes, text in [(5, "check replica lag"), (10, "page network"), (15, "read logs")]:
        incident.execute(cmd.AssignTask(owner="Sam", text=text, timebox=timedelta(minutes=minutes)))
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("down")
        assert screen.tasks.selected_task is not None
        assert screen.tasks.selected_task.number == 2
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Priya")
        other.execute(cmd.CompleteTask(number=2))
        await until(pilot, lambda: [t.number for t in screen.tasks.tasks] == [1, 3])
        await pilot.press("d")
        await pilot.pause(0.2)
        assert [p.number for p in payloads(home, ev.TaskDone)] == [2]  # type: ignore[attr-defined]
        said = notifications(app)[-1]
        assert "task 2" in said and "task 3" in said, said
        await pilot.pause(0.6)  # read, then pressed again: not a held key repeating
        await pilot.press("d")
        await until(pilot, lambda: len(payloads(home, ev.TaskDone)) == 2)
        assert [p.number for p in payloads(home, ev.TaskDone)] == [2, 3]  # type: ignore[attr-defined]

    drive(app, scenario)


def test_an_objection_raised_while_the_accept_form_is_open_is_heard_before_accepting(
    home: Path, clock: FakeClock, incident
) -> None:
    """The accept form said "Hearing no strong objections?" and "Enter accepts: Hearing none,
    let's proceed." while Dana objected from another terminal: Enter accepted over an
    objection the IC had not seen, having said "hearing none" aloud. Enter now says who
    objected, the form shows the objection, and the next Enter accepts over it."""
    incident.execute(cmd.ProposeDecision(text="fail over to eu-west-2"))
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CommandForm))
        form = app.screen
        assert isinstance(form, CommandForm)
        assert "Hearing no strong objections?" in str(form.query_one("#form-title", Label).render())
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Dana")
        other.execute(cmd.RaiseObjection(number=1, text="shoppers will lose carts"))
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert payloads(home, ev.DecisionAccepted) == []
        said = str(form.query_one("#form-error", Label).render())
        assert "Dana" in said, said
        assert "shoppers will lose carts" in intro(form)
        assert "Hearing none" not in intro(form)
        await pilot.press("enter")
        await until(pilot, lambda: len(payloads(home, ev.DecisionAccepted)) == 1)

    drive(app, scenario)


def test_a_task_assigned_while_the_resolve_form_is_open_is_not_cancelled_unseen(
    home: Path, clock: FakeClock, incident
) -> None:
    """The resolve form listed one open task; the Deputy assigned another meanwhile, and
    "cancel" cancelled both: a task the IC never saw listed. Enter now says what changed and
    resolves nothing; the form opened again lists both."""
    incident.execute(cmd.AssignTask(owner="Sam", text="check lag", timebox=timedelta(minutes=5)))
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, CommandForm))
        form = app.screen
        assert isinstance(form, CommandForm)
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="Priya")
        other.execute(
            cmd.AssignTask(owner="Mei", text="call the bank", timebox=timedelta(minutes=9))
        )
        burst(app, "cancel", "enter")
        await pilot.pause(0.3)
        assert payloads(home, ev.TaskCancelled) == []
        assert payloads(home, ev.IncidentResolved) == []
        said = str(form.query_one("#form-error", Label).render())
        assert "call the bank" in said, said
        await pilot.press("escape", "R")
        await until(pilot, lambda: isinstance(app.screen, CommandForm))
        assert "call the bank" in intro(app.screen)  # type: ignore[arg-type]

    drive(app, scenario)


def test_a_long_commander_name_does_not_push_late_off_the_header(
    home: Path, clock: FakeClock
) -> None:
    """With an Incident Commander's name of 64 characters (the most a name may have), the
    header at 80x24 ended in the name: "1 LATE" and when the next update is due were cut off
    the line, and at 120x40 the update was cut to "update". Both stay on the header."""
    from helpers.console import screen_text
    from ic_console.domain.model import Role

    long_name = "Ålëx-日本語名前" * 4
    store = IncidentStore.create(
        home,
        cmd.Declare(incident_id=INCIDENT, title="Checkout errors in EU", severity=2),
        clock=clock,
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name=long_name))
    store.execute(cmd.AssignTask(owner="Sam", text="check lag", timebox=timedelta(minutes=5)))
    clock.advance(6 * 60)

    for size in [(80, 24), (120, 40)]:

        async def scenario(pilot: Pilot[int]) -> None:
            await pilot.pause(0.2)
            header = next(line for line in screen_text(pilot.app).splitlines() if "SEV-2" in line)
            assert "1 LATE" in header and "update in" in header, header
            assert "IC Ålëx" in header, header

        drive(console(home, clock), scenario, size=size)


def test_a_long_task_text_does_not_bury_the_header_under_its_toast(
    home: Path, clock: FakeClock, incident
) -> None:
    """A task of 3,000 characters (text pasted into the form): its confirmation toast took the
    right half of the screen at 80x24 for the ten seconds of its undo, the header's LATE badge
    and next update under it. A toast says at most a few lines; the log keeps the whole text."""
    from helpers.console import screen_text

    text = "retry storm " * 250
    incident.execute(cmd.AssignTask(owner="Sam", text="check lag", timebox=timedelta(minutes=1)))
    clock.advance(2 * 60)

    async def scenario(pilot: Pilot[int]) -> None:
        burst(pilot.app, "t", "Mei", "enter", text.strip(), "enter", "5m", "enter")
        await until(pilot, lambda: len(payloads(home, ev.TaskAssigned)) == 2, timeout=30)
        await pilot.pause(0.3)
        assert all(len(message) <= 400 for message in notifications(pilot.app))
        # An error naming a damaged file, its line and what to do is kept whole.
        damaged = "/home/alex/incidents/x/events/a1b2.jsonl, line 5: " + "d" * 300
        pilot.app.notify(damaged, severity="error")
        await pilot.pause()
        assert damaged in notifications(pilot.app)
        header = next(line for line in screen_text(pilot.app).splitlines() if "SEV-2" in line)
        assert "1 LATE" in header and "update in" in header, header

    drive(console(home, clock), scenario, size=(80, 24))
    assert payloads(home, ev.TaskAssigned)[-1].text == text.strip()  # type: ignore[attr-defined]


def test_the_field_being_typed_in_stays_on_screen_in_a_tall_form(
    home: Path, clock: FakeClock, incident
) -> None:
    """The task form says the sentence with the task in it; with a long task at 80x24 the form
    was taller than the screen and cut off at the bottom: Enter moved to the timebox field,
    out of sight, with nothing to say it was there. The form scrolls to the field in hand."""
    from textual.widgets import Input

    text = "drain the retry storm on the checkout-api pool " * 20

    async def scenario(pilot: Pilot[int]) -> None:
        burst(pilot.app, "t", "Mei", "enter", text.strip(), "enter")
        # Nearly a thousand keys, one at a time: on a loaded machine they take a while.
        await until(
            pilot, lambda: getattr(pilot.app.focused, "id", "") == "field-timebox", timeout=30
        )
        await pilot.pause(0.2)
        field = pilot.app.screen.query_one("#field-timebox", Input)
        visible = pilot.app.screen.find_widget(field).region
        assert visible.height >= 1 and pilot.app.screen.region.contains_region(visible), visible
        assert field in pilot.app.screen._compositor.visible_widgets

    drive(console(home, clock), scenario, size=(80, 24))


def test_a_long_number_names_that_number_not_its_last_four_digits(
    home: Path, clock: FakeClock, incident
) -> None:
    """Only the last four digits typed were kept: "50001d" marked task 1 done, a task nobody
    named. The whole number is kept, and a task that does not exist is said to."""
    from .conftest import together

    incident.execute(cmd.AssignTask(owner="Sam", text="check lag", timebox=timedelta(minutes=5)))

    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, "5", "0", "0", "0", "1", "d")
        await pilot.pause(0.3)
        assert payloads(home, ev.TaskDone) == []
        assert any("50001" in said for said in notifications(pilot.app)), notifications(pilot.app)

    drive(console(home, clock), scenario)


def test_the_palette_names_the_task_whose_number_was_typed(
    home: Path, clock: FakeClock, incident
) -> None:
    """ "Done #1" in the palette matched "Done #10 ..." and "Done #3 Mei: task 1" as well (the
    match is fuzzy), ranked by deadline: Enter marked task 10 done. And with task 1 closed a
    moment before, "Done #1" then Enter marked another task done. A number typed in the
    palette names that task or decision only."""
    from textual.command import CommandList

    from ic_console.tui.palette import ConsoleCommands

    incident.execute(cmd.AssignTask(owner="Sam", text="check lag", timebox=timedelta(minutes=30)))
    for n in range(2, 11):
        minutes = 5 if n == 10 else 20
        incident.execute(
            cmd.AssignTask(owner="Mei", text=f"task {n - 1}", timebox=timedelta(minutes=minutes))
        )
    incident.execute(cmd.ProposeDecision(text="roll back"))

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        provider = ConsoleCommands(screen)
        titles = [str(hit.text) async for hit in provider.search("Done #1")]
        assert titles == ["Done #1 Sam: check lag"], titles
        assert [str(hit.text) async for hit in provider.search("accept d1")] == [
            "Accept D1: roll back"
        ]
        assert [str(hit.text) async for hit in provider.search("ack 10")] == [
            "Acknowledge #10 Mei: task 9"
        ]
        await pilot.press("ctrl+p", *"Done #1")
        await until(pilot, lambda: pilot.app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await until(pilot, lambda: len(payloads(home, ev.TaskDone)) == 1)
        assert [p.number for p in payloads(home, ev.TaskDone)] == [1]  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        assert [str(hit.text) async for hit in provider.search("Done #1")] == []

    drive(console(home, clock), scenario)


def test_the_sentence_to_say_names_the_person_enter_will_take(
    home: Path, clock: FakeClock, incident
) -> None:
    """Typing "Sa" in the task form, the field showed its completion, Sam, and Enter takes Sam,
    but the sentence to say read "Sa, I would like you to take this task": the IC reading it
    out said a name nobody has. The sentence names whom Enter will take."""
    incident.execute(cmd.Join(name="Sam"))
    incident.execute(cmd.Join(name="Priya"))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("t", "S", "a")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        await pilot.pause(0.2)
        said = intro(pilot.app.screen)  # type: ignore[arg-type]
        assert '"Sam, I would like you to take this task' in said, said

    drive(console(home, clock), scenario)


def test_leaving_the_log_line_on_a_small_screen_never_hands_the_arrows_to_a_hidden_board(
    home: Path, clock: FakeClock, incident
) -> None:
    """At 80x24, Esc out of the log line gave the focus to the task board, hidden under the
    log's tab: the arrows then moved its cursor out of sight (three downs put it on another
    task). The focus stays with the pane on screen, the scribe log."""
    for n in range(4):
        incident.execute(
            cmd.AssignTask(owner="Sam", text=f"task {n}", timebox=timedelta(minutes=5 + n))
        )

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("l")
        await pilot.pause(0.1)
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert screen.active_pane == "log"
        assert pilot.app.focused is screen.scribe, pilot.app.focused
        before = screen.tasks.cursor
        await pilot.press("down", "down", "down")
        assert screen.tasks.cursor == before

    drive(console(home, clock), scenario, size=(80, 24))


def test_quitting_with_an_unsaved_log_line_asks_once(
    home: Path, clock: FakeClock, incident
) -> None:
    """A note typed in the log line and not yet saved (no Enter) was lost without a word by
    ctrl+q when no task was open. Quitting asks once, saying so; the second ctrl+q quits."""
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l", *"rolled back deploy 4411")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert any("log line" in said for said in notifications(app)), notifications(app)
        await pilot.press("ctrl+q")
        await pilot.pause()

    drive(app, scenario)
    assert not app.is_running


def test_a_decision_proposed_elsewhere_does_not_take_the_ics_next_accept(
    home: Path, clock: FakeClock, incident
) -> None:
    """The IC polls for objections to D1 and types y, Enter; a moment before, a bot proposed
    D2 from a script: y opened the form for D2, the newest open decision, and Enter accepted
    it unread. The first y after a decision arrives from elsewhere says so and opens nothing;
    the next y opens D2's form."""
    incident.execute(cmd.ProposeDecision(text="fail over to eu-west-2"))
    app = console(home, clock)
    app.settings.poll_seconds = 0.05

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        other = IncidentStore.open(home, INCIDENT, clock=clock, actor="deploybot")
        other.execute(cmd.ProposeDecision(text="roll back the 14:00 deploy"))
        await until(pilot, lambda: screen.state is not None and 2 in screen.state.decisions)
        burst(pilot.app, "y", "enter")
        await pilot.pause(0.5)
        assert payloads(home, ev.DecisionAccepted) == []
        assert not isinstance(pilot.app.screen, CommandForm)
        said = notifications(pilot.app)[-1]
        assert "D2" in said and "deploybot" in said, said
        await pilot.press("y")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandForm))
        assert "D2: roll back" in intro(pilot.app.screen)  # type: ignore[arg-type]

    drive(app, scenario)


def test_the_ics_own_proposal_is_accepted_with_y_at_once(
    home: Path, clock: FakeClock, incident
) -> None:
    """Only a decision from elsewhere holds y once: the IC's own proposal, polled, is
    accepted with y and Enter as before."""

    async def scenario(pilot: Pilot[int]) -> None:
        burst(pilot.app, "p", "fail over", "enter")
        await until(pilot, lambda: len(payloads(home, ev.DecisionProposed)) == 1)
        burst(pilot.app, "y", "enter")
        await until(pilot, lambda: len(payloads(home, ev.DecisionAccepted)) == 1)

    drive(console(home, clock), scenario)


def test_a_held_d_closes_the_task_under_the_cursor_and_no_other(
    home: Path, clock: FakeClock, incident
) -> None:
    """Holding d down (the keyboard repeats it thirty times a second) closed the task under the
    cursor, then each task that moved up under it: the whole board. The repeats after the
    first are refused until the key comes again after a pause."""
    from .conftest import together

    for n in range(5):
        incident.execute(
            cmd.AssignTask(owner="Sam", text=f"task {n}", timebox=timedelta(minutes=5 + n))
        )

    async def scenario(pilot: Pilot[int]) -> None:
        await together(pilot, *["d"] * 12)
        await pilot.pause(0.5)
        assert [p.number for p in payloads(home, ev.TaskDone)] == [1]  # type: ignore[attr-defined]
        await pilot.pause(0.6)
        await pilot.press("d")
        await until(pilot, lambda: len(payloads(home, ev.TaskDone)) == 2)
        assert [p.number for p in payloads(home, ev.TaskDone)] == [1, 2]  # type: ignore[attr-defined]

    drive(console(home, clock), scenario)


def test_the_cursor_follows_its_task_when_a_merge_renumbers_it(
    home: Path, clock: FakeClock, incident
) -> None:
    """Two laptops that both made a task 3 merge: one of them becomes task 4 ("Priya's task
    'page network' is now task 4"). The board kept the cursor on the number 3, now another
    person's task, and d closed that one. The cursor follows the task itself."""
    from dataclasses import replace

    incident.execute(
        cmd.AssignTask(owner="Priya", text="page network", timebox=timedelta(minutes=5))
    )
    incident.execute(cmd.AssignTask(owner="Sam", text="check lag", timebox=timedelta(minutes=9)))

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        board = screen.tasks
        priya, sam = board.tasks
        assert board.selected_task is priya
        # The merge: Sam's task (made earlier on the other laptop) is task 1 now, Priya's 2.
        renumbered = [replace(priya, number=2), replace(sam, number=1)]
        board.show(renumbered, clock.now())
        await pilot.pause()
        selected = board.selected_task
        assert selected is not None and (selected.owner, selected.number) == ("Priya", 2)

    drive(console(home, clock), scenario)


def test_a_pile_of_toasts_leaves_the_header_in_sight(
    home: Path, clock: FakeClock, incident
) -> None:
    """Fifteen timeboxes running out within seconds raised a toast each: at 80x24 they piled
    up to the top of the screen for their eight seconds, over the header's "15 LATE" and the
    sentence to say (the Deputy's clock lines too). The pile stops short of the top rows,
    showing the newest; the older ones scroll out of it."""
    import asyncio

    from textual.geometry import Region
    from textual.widgets._toast import Toast, ToastRack

    app = console(home, clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await pilot.pause()
            for n in range(8):
                app.notify(
                    f"#{n} Person{n}: the timebox is up. Say: “Person{n}, it has been 2 "
                    f"minutes. Do you have an update on task {n}?”",
                    title="Follow up",
                    timeout=30,
                )
            await pilot.pause(0.5)
            rack = app.screen.query_one(ToastRack)
            top = Region(0, 0, 80, 4)  # the header, the sentence to say, the tabs
            over = [
                shown
                for toast in rack.query(Toast)
                if (shown := app.screen.find_widget(toast).visible_region).overlaps(top)
            ]
            assert over == [], over
            # The newest is the one in sight at the bottom of the pile.
            newest = list(rack.query(Toast))[-1]
            assert newest.region.height > 0

    asyncio.run(main())


def test_the_console_opens_with_a_time_zone_a_day_off_utc(
    home: Path, clock: FakeClock, incident, monkeypatch
) -> None:
    """TZ="UTC+99" (read by the C library as a whole day behind UTC, which Python's
    `astimezone()` refuses): the console stayed on "Opening incident ..." for good, every
    redraw failing (crash.log), and `ic review` ended in a traceback. Times are then shown in
    UTC."""
    import time

    from ic_console.tui.text import TimeFormat

    monkeypatch.setenv("TZ", "UTC+99")
    time.tzset()
    try:
        assert TimeFormat().zone_name(clock.now()) == "UTC"

        async def scenario(pilot: Pilot[int]) -> None:
            await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))
            screen = pilot.app.screen
            assert isinstance(screen, ConsoleScreen)
            await until(pilot, lambda: screen.state is not None)

        drive(console(home, clock), scenario)
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_a_long_task_takes_one_line_of_the_palette(home: Path, clock: FakeClock, incident) -> None:
    """A task of 3,000 characters gave each of its palette entries (acknowledge, extend,
    reassign, done, cancel) the whole text: one entry filled the palette at 80x24 and hid the
    rest. Its entries carry the start of the text, enough to tell and to match it."""
    from ic_console.tui.palette import console_commands

    text = "drain the retry storm " * 150
    incident.execute(cmd.AssignTask(owner="Sam", text=text, timebox=timedelta(minutes=5)))

    async def scenario(pilot: Pilot[int]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        titles = [c.title for c in console_commands(screen) if "#1 Sam" in c.title]
        assert titles and all(len(title) <= 120 for title in titles), titles
        assert any(title.startswith("Done #1 Sam: drain the retry storm") for title in titles)

    drive(console(home, clock), scenario)


def test_a_log_damaged_in_the_middle_opens_a_console_that_says_read_only(
    home: Path, clock: FakeClock, incident
) -> None:
    """A log with a damaged line in the middle opens read-only (README), and the console said
    so once in a toast, but its header had no READ-ONLY, the footer offered every key and the
    forms opened: the IC typed a whole task before Enter was refused. The console is read-only
    as with --read-only: the header says so and nothing that records is offered."""
    from ic_console.store.paths import event_files

    for n in range(3):
        incident.execute(cmd.AddLogEntry(text=f"note {n}"))
    directory = home / "incidents" / INCIDENT
    log = event_files(directory)[0]
    lines = log.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"Alex", b"Alax")
    log.write_bytes(b"".join(lines))
    for cache in ("state.snapshot", "log.rows"):
        (directory / cache).unlink(missing_ok=True)

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen))
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        assert screen.read_only
        assert screen.header.query_one("#header-readonly", Label).display
        await pilot.press("t")
        await pilot.pause(0.2)
        assert not isinstance(pilot.app.screen, CommandForm)

    drive(console(home, clock), scenario)
