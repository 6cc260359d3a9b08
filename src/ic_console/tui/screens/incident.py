"""What the IC's console and the Deputy's view share: an incident on screen and its task keys.

A screen never runs a command itself: it posts `Run` with the command, and the app runs it on
the live incident and pushes the new state down with `show`. Task and decision keys act on the
number typed just before them ("3d": task 3 is done), else on the task under the cursor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.log_rows import LogRow
from ic_console.domain.situations import Situation, live_situations
from ic_console.domain.state import IncidentState, Task
from ic_console.live.incident import LiveSettings
from ic_console.live.pinned import pin
from ic_console.tui.actions import in_scope, key_label, write_actions
from ic_console.tui.paste import one_line
from ic_console.tui.screens import task_forms
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.text import TimeFormat, copyable, literal, literal_lines
from ic_console.tui.widgets.incident_header import IncidentHeader
from ic_console.tui.widgets.log_input import LogInput
from ic_console.tui.widgets.scribe_log import ScribeLog
from ic_console.tui.widgets.task_board import TaskBoard

#: The actions that act on a typed number ("3d"); digits themselves add to it.
TAKES_NUMBER = frozenset(
    {
        "digit",
        "acknowledge",
        "extend",
        "reassign",
        "done",
        "cancel_task",
        "accept",
        "object",
        "withdraw",
    }
)
#: How long a typed number waits for the key that acts on it.
NUMBER_WAITS = 2.0
#: The most digits a typed number keeps (no task or decision has a longer one).
NUMBER_DIGITS = 9
#: Seconds between a refused task key and the next within which that one is a repeat of it (a
#: held key repeats every 30-50 ms) and is refused too.
KEY_REPEAT = 0.5


class IncidentScreen(Screen[None]):
    """An open incident: header, task board and scribe log, kept current by the app."""

    #: The registry's scope whose keys this screen has.
    SCOPE: ClassVar[str] = ""

    class Run(Message):
        """Run `command` on the live incident. `done` is called when it was recorded, `refused`
        with the reason when it was not (else the app shows the reason)."""

        def __init__(
            self,
            command: cmd.Command,
            *,
            done: Callable[[], None] | None = None,
            refused: Callable[[str], None] | None = None,
        ) -> None:
            super().__init__()
            self.command = command
            self.done = done
            self.refused = refused

    def __init__(
        self,
        times: TimeFormat,
        phrasebook: Phrasebook,
        settings: LiveSettings,
        *,
        runbooks: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(id=self.SCOPE)
        self.times = times
        self.phrasebook = phrasebook
        self.settings = settings
        #: (id, title) of each runbook, for the palette.
        self.runbooks = runbooks or []
        self.state: IncidentState | None = None
        self.now: datetime | None = None
        self.situations: list[Situation] = []
        #: Digits typed before a task or decision key.
        self.number = ""
        self._number_timer: Timer | None = None
        #: When a task key was last refused because the cursor had moved (the app's key clock).
        self._refused_at = float("-inf")
        #: Set once the panes exist: awaiting `push_screen` can return before a busy machine
        #: has composed them, and the app pushes the first state only after this.
        self.composed = asyncio.Event()
        #: Called once the panes exist and before the screen is first laid out (the app gives
        #: it the rows and the state there), so the first frame is the incident, not empty
        #: panes drawn, laid out and drawn again.
        self.before_first_frame: Callable[[], None] | None = None
        self._resumed = False

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A read-only console neither offers nor runs anything that records."""
        return not (self.read_only and action in write_actions(self.SCOPE))

    # -- layout --------------------------------------------------------------------------------

    def compose_log_pane(self) -> ComposeResult:
        """The scribe log, the full text of the selected entry, and the log line to type in."""
        with Vertical(id="pane-log", classes="pane"):
            yield ScribeLog(self.times, id="log")
            yield Static(id="log-detail")
            if not self.read_only:
                yield LogInput(self.settings.clock, self.times.zone, id="log-input")

    def no_tasks_hint(self) -> str:
        """What the empty task board says: the assigning key only where it works (the IC's
        console, not read-only), as the keymap has it; the Deputy's view has no such key."""
        if self.read_only:
            return "No open tasks."
        assign = [a for a in in_scope(self.SCOPE) if a.id == "assign"]
        if not assign:
            return "No open tasks: the Incident Commander assigns them."
        keymap: dict[str, str] = getattr(getattr(self.app, "settings", None), "keymap", {})
        key = key_label(keymap.get("assign", assign[0].key).split(",")[0].strip())
        return f"No open tasks. Press {key} to assign one to a named person, with a timebox."

    def on_mount(self) -> None:
        # Textual runs every class's on_mount; subclasses lay out their panes in `_mounted`.
        # The screen's own Mount runs before its ScreenResume, which lays it out first.
        try:
            for board in self.query(TaskBoard).results(TaskBoard):
                board.empty_text = self.no_tasks_hint()
            self._mounted()
            if self.before_first_frame is not None:
                self.before_first_frame()
        finally:
            self.composed.set()

    def _mounted(self) -> None:
        """Titles and first focus, once the panes exist."""

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (subclass first). The first resume comes right after
        # the mount styled every widget: restyling all of them again (as Textual does for a
        # screen coming back) cost ~25 ms of the console's first frame for nothing. Later
        # resumes (after a form or the help) restyle as usual.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    @property
    def header(self) -> IncidentHeader:
        return self.query_one(IncidentHeader)

    @property
    def tasks(self) -> TaskBoard:
        return self.query_one(TaskBoard)

    @property
    def scribe(self) -> ScribeLog:
        return self.query_one(ScribeLog)

    @property
    def log_input(self) -> LogInput:
        return self.query_one(LogInput)

    # -- state pushed down by the app ----------------------------------------------------------

    def set_rows(self, rows: Sequence[LogRow]) -> None:
        self.scribe.set_rows(rows)

    def rows_added(self) -> None:
        self.scribe.rows_added()

    def rows_changed(self) -> None:
        self.scribe.rows_changed()

    def show_others(self, labels: list[str]) -> None:
        """The other terminals that have this incident open."""

    def show(self, state: IncidentState, now: datetime) -> None:
        """The incident changed: redraw from `state`."""
        self.state = state
        self.now = now
        self.times.reference_for(state.declared_at)
        self.scribe.follow_zone(state.declared_at, now)  # the header's zone, named if it changed
        self.header.show(state, now, self.settings.cadence)
        self.tasks.show(state.open_tasks(), now)
        self._situations(state, now)
        if not self.read_only:
            # Closed (here or in another terminal): the line says why nothing can be saved,
            # and the empty board no longer offers a key that records.
            log, was = self.log_input, self.log_input.closed
            log.follow(state)
            if log.closed != was:
                self.tasks.empty_text = "No open tasks." if log.closed else self.no_tasks_hint()
                self.tasks.refresh()

    def tick(self, now: datetime) -> None:
        """The app-wide second: countdowns and times on the call move on."""
        self.now = now
        self.header.tick(now)
        self.tasks.tick(now)
        if self.state is not None:
            self.scribe.follow_zone(self.state.declared_at, now)
            self._situations(self.state, now)

    def _situations(self, state: IncidentState, now: datetime) -> None:
        settings = self.settings
        # Kept current from the last second, shared with the alerts (issue 13).
        self.situations = live_situations(state, now, cadence=settings.cadence, me=settings.actor)

    # -- the scribe log ------------------------------------------------------------------------

    @on(LogInput.Submitted)
    def _log_line(self, event: LogInput.Submitted) -> None:
        line = event.line
        self.post_message(
            self.Run(
                cmd.AddLogEntry(text=line.text, kind=line.kind, occurred_at=line.occurred_at),
                done=event.log_input.saved,
                refused=event.log_input.refused,
            )
        )

    @on(ScribeLog.Selected)
    def _log_row(self, event: ScribeLog.Selected) -> None:
        """The full entry under the cursor: the list shows one line of each."""
        row = event.row
        detail = self.query_one("#log-detail", Static)
        # Its height is fixed (console.tcss), and hidden (the IC is typing, not reading) it
        # has none: its text never moves anything, so no key lays out the whole screen.
        layout = False
        if row is None:
            detail.update("", layout=layout)
            return
        head = Text(
            f"#{row.seq} · recorded {self.times.clock(row.recorded_at)} "
            f"{self.times.zone_name(row.recorded_at)} by {literal(row.author)} · {row.kind}",
            style="dim",
        )
        if row.occurred_at is not None:
            head.append(f" · happened {self.times.clock(row.occurred_at)}", style="dim")
        detail.update(Group(head, Text("\n".join(literal_lines(row.text)))), layout=layout)

    def on_descendant_focus(self) -> None:
        self.query_one("#pane-log").set_class(self.focused is self.scribe, "-reading")

    def on_descendant_blur(self) -> None:
        self.query_one("#pane-log").set_class(self.focused is self.scribe, "-reading")

    @on(LogInput.Left)
    def _left_log(self) -> None:
        self.focus_after_log()

    def focus_after_log(self) -> None:
        """Where the focus goes when Esc leaves the log line: the task board."""
        self.tasks.focus()

    def action_log(self) -> None:
        self.log_input.focus_input()

    def on_paste(self, event: events.Paste) -> None:
        """A paste that no field took (the task board had the focus) goes into the log line,
        not saved: the person reads it there and presses Enter. It was dropped without a word.
        Every field takes its own pastes (and stops them), so only these arrive here."""
        event.stop()
        text, _lines = one_line(event.text)
        if not text or self.read_only:
            return
        log = self.log_input
        if log.closed is not None:
            log.focus_input()  # says why nothing can be saved; the paste is not taken
            return
        log.focus_input()
        log.input.insert_text_at_cursor(text)

    # -- numbers typed before a key ------------------------------------------------------------

    def action_digit(self, digit: int) -> None:
        """Remember a digit for the next task or decision key ("3d"). The whole number is kept
        (up to nine digits): keeping the last four made "50001d" mark task 1 done."""
        if len(self.number) < NUMBER_DIGITS:
            self.number += str(digit)
        if self._number_timer is not None:
            self._number_timer.stop()
        self._number_timer = self.set_timer(NUMBER_WAITS, self.forget_number, name="number")

    def forget_number(self) -> None:
        self.number = ""
        if self._number_timer is not None:
            self._number_timer.stop()
            self._number_timer = None

    def take_number(self) -> int | None:
        """The number typed before this key, once."""
        number = int(self.number) if self.number else None
        self.forget_number()
        return number

    def before_action(self, action: str) -> None:
        """Any action but a digit or one that takes a number forgets the typed number, so a
        stray digit never changes which task a later key acts on (2 1 down d: panes, then the
        task under the cursor)."""
        name = action.split("(", 1)[0].rsplit(".", 1)[-1]
        if self.number and name not in TAKES_NUMBER:
            self.forget_number()

    def on_key(self, event: events.Key) -> None:
        """A key that runs no action (a stray letter) forgets the typed number too."""
        if self.number and not event.key.isdigit() and event.key not in self.active_bindings:
            self.forget_number()

    # -- tasks ---------------------------------------------------------------------------------

    def run(self, command: cmd.Command) -> None:
        self.post_message(self.Run(command))

    def form(self, form: CommandForm) -> None:
        self.app.push_screen(form)

    def find_task(self, number: int | None = None) -> Task | None:
        """The task named by the typed number, else the one under the cursor; says why not."""
        number = self.take_number() if number is None else number
        if number is not None:
            task = self.state.tasks.get(number) if self.state is not None else None
            if task is None:
                self.notify(f"There is no task {number}.", severity="warning")
            elif not task.is_open:
                self.notify(f"Task {number} is already {task.status.value}.", severity="warning")
                return None
            return task
        task = self.tasks.selected_task
        if task is None:
            self.notify(self.no_tasks_hint(), severity="warning")
            return None
        gone = self.tasks.moved_from
        typed = float(getattr(self.app, "key_typed_at", 0.0))
        repeated = typed - self._refused_at < KEY_REPEAT
        if gone is not None or repeated:
            # The cursor was moved for the IC (task 2 closed, in this terminal or another): the
            # key may have been meant for the task that left, so it does not fall to the next.
            # Nor do the repeats of a held key (d held down closed the whole board).
            self.tasks.moved_from = None
            self._refused_at = typed
            if gone is None:
                return None  # the same key repeating: told once already
            key = str(getattr(self.app, "key_in_hand", "")) or "the key"
            self.notify(
                f"Not done: task {gone} has closed, and the cursor moved to task {task.number}. "
                f"Press {key} again for task {task.number}, or type a number first "
                f"({task.number}{key}).",
                severity="warning",
                timeout=8,
            )
            return None
        return task

    def action_acknowledge(self, number: int | None = None) -> None:
        task = self.find_task(number)
        if task is not None:
            self.run(pin(self.state, cmd.AcknowledgeTask(number=task.number)))

    def action_done(self, number: int | None = None) -> None:
        task = self.find_task(number)
        if task is not None:
            self.run(pin(self.state, cmd.CompleteTask(number=task.number)))

    def action_cancel_task(self, number: int | None = None) -> None:
        task = self.find_task(number)
        if task is not None:
            self.run(pin(self.state, cmd.CancelTask(number=task.number)))

    def action_extend(self, number: int | None = None) -> None:
        task = self.find_task(number)
        if task is not None:
            self.form(task_forms.extend_task(task, self.state))

    def action_reassign(self, number: int | None = None) -> None:
        task = self.find_task(number)
        if task is not None and self.state is not None:
            self.form(task_forms.reassign_task(self.state, task))

    # -- the clipboard -------------------------------------------------------------------------

    def copy_sentences(self, sentences: list[str], nothing: str, title: str) -> None:
        """Put the sentences on the clipboard, or say why there is nothing to copy."""
        if not sentences:
            self.notify(nothing, severity="warning")
            return
        self.app.copy_to_clipboard(copyable(sentences))
        self.notify("Copied to the clipboard.", title=title, timeout=2)
