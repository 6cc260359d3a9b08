"""The console app: opens an incident, shows it, and keeps the screens and the incident in step.

The incident itself (store, other terminals, presence, alerts) is a `LiveIncident`, a plain
object the app owns. Screens post `IncidentScreen.Run` with a command; the app runs it on the
live incident, says what was done (with undo for a few seconds), and pushes the new state down,
refused or not, since a refusal means the log held something newer. Three timers run while an
incident is open: the second that moves countdowns, the poll for other terminals, and the
presence heartbeat. They stop before any screen is taken down, and an unexpected error in a side
screen, timer or worker is shown and written to the crash log instead of closing the console.

About 720 lines, over the size aimed for: it is where screens meet the live incident, in short
sections (loading and the first frame, recording, timers, sync, a handover seen from here); key
bursts and failures have rooms of their own (`tui/keys.py`, `tui/safety.py`).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Input, Label

from ic_console.content.phrasebook import Phrasebook, shipped_phrasebook
from ic_console.content.problems import ContentProblem
from ic_console.domain.commands import Command, Declare, TickChecklistItem
from ic_console.domain.errors import DomainError
from ic_console.domain.log_rows import LogRow
from ic_console.domain.model import Status
from ic_console.domain.situations import live_overdue
from ic_console.live.incident import LiveIncident, declare, rows_cached
from ic_console.live.syncing import BackgroundSync
from ic_console.live.undo import UNDO_SECONDS
from ic_console.store.catalog import list_incidents
from ic_console.store.errors import StoreError
from ic_console.store.incident import IncidentStore
from ic_console.store.presence import HEARTBEAT_EVERY
from ic_console.tui.actions import bindings
from ic_console.tui.palette import ConsoleCommands
from ic_console.tui.safety import SafeApp
from ic_console.tui.screens.checklists import ChecklistScreen
from ic_console.tui.screens.console_at_scale import ConsoleAtScale, WatchAtScale
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.screens.incident import IncidentScreen
from ic_console.tui.screens.picker import PickerScreen
from ic_console.tui.screens.runbooks import RunbookScreen
from ic_console.tui.settings import ConsoleSettings
from ic_console.tui.text import TimeFormat, literal
from ic_console.tui.widgets.late_banner import LateBanner
from ic_console.tui.widgets.log_input import LogInput

#: Quitting with open tasks asks once; a second ctrl+q within this many seconds quits.
QUIT_CONFIRM_SECONDS = 5.0


def freeze_long_lived(*, replacing: bool) -> None:
    """Keep what is alive once an incident is open (the modules, the app, the incident's state
    and rows) out of the garbage collector's full passes. Each pass walked all of it: 20-35 ms,
    one of them in the console's first frames and others later under a key. Objects still die
    when their last reference goes; only cycles among them wait for an unfreeze.

    Once per process: freezing again would keep for good whatever garbage an earlier console
    in the same process (tests) left. `replacing`: this console had another incident open, whose
    objects were frozen with it: they go back to the collector, with one full pass, first.
    """
    if gc.get_freeze_count():
        if not replacing:
            return
        gc.unfreeze()
        gc.collect()
    gc.freeze()


#: The most characters a toast shows (about six lines of a toast at 80 columns).
TOAST_CHARS = 240


class ConsoleApp(SafeApp):
    """The incident commander's console."""

    CSS_PATH = "console.tcss"
    TITLE = "ic-console"
    COMMANDS = App.COMMANDS | {ConsoleCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    class Loaded(Message):
        """A worker finished opening the incident."""

        def __init__(self, live: LiveIncident) -> None:
            super().__init__()
            self.live = live

    class Failed(Message):
        """A worker could not open the incident."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, settings: ConsoleSettings) -> None:
        super().__init__(settings.home)
        self.settings = settings
        self.live: LiveIncident | None = None
        self.times = TimeFormat(settings.zone)
        if settings.phrasebook is None:
            settings.phrasebook = shipped_phrasebook()
        self.phrasebook: Phrasebook = settings.phrasebook
        #: Problems with the user's own content, shown once the console is up.
        self.content_problems: list[ContentProblem] = []
        self.console_screen: IncidentScreen | None = None
        self._intervals: list[Timer] = []
        #: Why the console could not open the incident (printed by the CLI on exit).
        self.failure: str | None = None
        self._quit_asked_at: float | None = None
        #: Background sync with other laptops (issue 14): set before mounting, or made from
        #: config.toml's `[sync] remote` when the incident opens; None: this laptop only.
        self.syncing: BackgroundSync | None = None
        #: While the incident opens: the keys typed meanwhile, which have nowhere to go. They
        #: were dropped without a word ("l", a line and Enter typed at once after `ic open`);
        #: played later they would act blind (a "d" on a board never seen), so the console
        #: says, once it is up, that they were not used.
        self._opening = False
        self._typed_while_opening = 0

    # -- what tests and the CLI look at --------------------------------------------------------

    @property
    def store(self) -> IncidentStore | None:
        return self.live.store if self.live is not None else None

    @property
    def rows(self) -> Sequence[LogRow]:
        return self.live.rows if self.live is not None else []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Toasts carry user text (names, tasks), so they are never read as markup, and say at
        most a few lines: a task of 3,000 characters made a toast that covered the right half
        of the screen at 80x24, the header's LATE badge under it. The log keeps the whole
        text; the toast keeps its start and its end (where "ctrl+z to undo" is)."""
        # An error (a damaged file: its path, its line and what to do) gets twice the room.
        most = TOAST_CHARS * 2 if severity == "error" else TOAST_CHARS
        if len(message) > most:
            tail = most // 4
            message = f"{message[: most - tail - 3].rstrip()} … {message[-tail:].lstrip()}"
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # -- starting ------------------------------------------------------------------------------

    def _quit_over_every_screen(self) -> None:
        """Make quit a priority key when every key it has is a ctrl key: Textual leaves the
        app's keys out of a screen over the console (the keys screen, a form, a drill's
        briefing and scorecard), where ctrl+q did nothing. A quit remapped to a key that is
        also typed (`quit = "q"`) stays as it was, or the q typed in the log line would quit."""
        keys = self.settings.keymap.get("quit", "ctrl+q") if self.settings.keymap else "ctrl+q"
        if not all(key.strip().startswith("ctrl+") for key in keys.split(",") if key.strip()):
            return
        table = self._bindings.key_to_bindings
        for key, found in table.items():
            table[key] = [
                replace(binding, priority=True) if binding.id == "quit" else binding
                for binding in found
            ]

    def compose(self) -> ComposeResult:
        yield Label(id="opening")

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self._quit_over_every_screen()
        if self.settings.theme:
            self.theme = self.settings.theme
        for problem in self.content_problems:
            self.notify(literal(str(problem)), severity="warning", title="Phrasebook skipped")
        if self.settings.incident_id is not None:
            self.open_incident(self.settings.incident_id)
            return
        incidents = list_incidents(self.settings.home)
        active = [info for info in incidents if info.status == Status.ACTIVE.value]
        if len(active) == 1:
            self.open_incident(active[0].incident_id)
            return
        if not active:
            reason = "There is no active incident. Declare one, or open an earlier one."
        else:
            reason = f"{len(active)} incidents are active. Which one?"
        self.push_screen(PickerScreen(incidents, reason))

    def open_incident(self, incident_id: str) -> None:
        """Open `incident_id` (in a worker unless settings say otherwise) and show the console."""
        opening = f"Opening incident {literal(incident_id)} ..."
        if not rows_cached(self.settings.home, incident_id):
            # The first console on this incident (or after a damaged cache): every event of
            # the log is described once; the next consoles open on the rows it leaves.
            opening += (
                "\nReading the whole log once to build its rows (later opens start from them)."
            )
        self.query_one("#opening", Label).update(Text(opening))
        self._opening = self.live is None
        if self.settings.background_load:
            self._load_in_worker(incident_id)
        else:
            # After the events already queued (the terminal's first size among them): loading
            # here would hold that size back until the console was up, and it would then lay
            # out and draw the whole console again for a size it already had.
            self.call_later(lambda: self.post_message(self._load(incident_id)))

    def _load(self, incident_id: str) -> Message:
        settings = self.settings
        try:
            live = LiveIncident.open(settings.home, incident_id, settings.live(), self.phrasebook)
        except (StoreError, DomainError, OSError) as error:
            return self.Failed(str(error))
        return self.Loaded(live)

    @work(thread=True, exclusive=True, group="open")
    def _load_in_worker(self, incident_id: str) -> None:
        # The live incident is built here and then only used from the app's thread.
        self.post_message(self._load(incident_id))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        # The CLI prints it after the screen is gone, as one line on stderr: Rich would fold it
        # at the terminal's width, splitting paths and the command to run.
        self.failure = f"ic: {literal(event.message)}"
        self.exit(return_code=2)

    @on(Loaded)
    async def _loaded(self, event: Loaded) -> None:
        live = event.live
        replacing = self.live is not None
        if self.live is not None:
            self.live.leave()
        self.live = live
        freeze_long_lived(replacing=replacing)
        for notice in live.take_notices():
            self.notify(
                literal(notice.message),
                severity="error" if notice.severe else "warning",
                timeout=30 if notice.severe else 10,
            )
        screen_class = WatchAtScale if self.settings.watch else ConsoleAtScale  # issue 15
        settings = live.settings
        if live.store.damaged is not None and not settings.read_only:
            # A log damaged in the middle opens read-only: the screen says so and offers
            # nothing that records (every form was refused only at its last Enter).
            settings = replace(settings, read_only=True)
        console = screen_class(
            self.times,
            self.phrasebook,
            settings,
            runbooks=[(runbook.id, runbook.title) for runbook in self.settings.runbooks],
        )
        self.console_screen = console

        def first_state() -> None:
            console.set_rows(live.rows)
            self.push_state()

        console.before_first_frame = first_state
        await self.push_screen(console)
        self._say_keys_typed_while_opening()
        await console.composed.wait()
        live.join()
        self._start_timers()

    def _say_keys_typed_while_opening(self) -> None:
        typed, self._typed_while_opening, self._opening = self._typed_while_opening, 0, False
        if typed:
            keys = "1 key" if typed == 1 else f"{typed} keys"
            self.notify(
                f"{keys} typed while the incident was opening did nothing: the console was not "
                "up yet. Type them again now that it is.",
                title="Not used",
                severity="warning",
                timeout=10,
            )

    async def on_event(self, event: events.Event) -> None:
        if (
            self._opening
            and self.live is None
            and isinstance(event, events.Key)
            and not event.is_forwarded
            and event.key not in ("ctrl+q", "ctrl+c")
        ):
            self._typed_while_opening += 1
        await super().on_event(event)

    # -- timers --------------------------------------------------------------------------------

    def _start_timers(self) -> None:
        self._stop_timers()
        self._intervals = [
            self.set_interval(self.settings.tick_seconds, self._guarded(self.tick), name="tick"),
            self.set_interval(self.settings.poll_seconds, self._guarded(self.poll), name="follow"),
            self.set_interval(
                HEARTBEAT_EVERY.total_seconds(), self._guarded(self.heartbeat), name="presence"
            ),
        ]
        self.heartbeat()
        self._start_sync()

    def _stop_timers(self) -> None:
        for timer in self._intervals:
            timer.stop()
        self._intervals = []

    def exit(
        self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """Stop the timers first: they must never call into screens being taken down."""
        self._stop_timers()
        self._stop_sync()
        self.console_screen = None
        super().exit(result, return_code, message)

    def leave_presence(self) -> None:
        if self.live is not None:
            self.live.leave()

    def on_unmount(self) -> None:
        self._stop_timers()
        self._stop_sync()
        if self.live is not None:
            self.live.close()

    @property
    def live_screen(self) -> IncidentScreen | None:
        """The incident screen, unless the app is closing."""
        screen = self.console_screen
        return screen if screen is not None and screen.is_attached else None

    def main_screen(self) -> IncidentScreen | None:
        return self.live_screen

    async def run_action(  # type: ignore[override]
        self, action: Any, default_namespace: Any = None
    ) -> bool:
        screen = self.live_screen
        if screen is not None and isinstance(action, str):
            screen.before_action(action)
        return await super().run_action(action, default_namespace)

    # -- quitting -------------------------------------------------------------------------------

    def action_help_quit(self) -> None:
        """ctrl+c: say how to quit, in plain words (toasts are never markup)."""
        self.notify("Press ctrl+q to quit.", title="Do you want to quit?")

    async def action_quit(self) -> None:
        """Quit; with open tasks on an active incident, or a log line typed and not saved
        (it was lost without a word), ask once first."""
        live = self.live
        now = time.monotonic()
        if (
            live is not None
            and not self.settings.read_only
            and (self._quit_asked_at is None or now - self._quit_asked_at > QUIT_CONFIRM_SECONDS)
        ):
            said: list[str] = []
            if self._unsaved_log_line():
                screen = self.live_screen
                lines = screen.query(LogInput).results(LogInput) if screen is not None else ()
                closed = any(line.closed for line in lines)
                said.append(
                    "The log line you typed is not saved, and cannot be: the incident is "
                    "closed. Copy it first if you need it."
                    if closed
                    else "The log line you typed is not saved: Enter saves it."
                )
            form = self._unsaved_form()
            if form is not None:
                said.append(
                    f"What you typed in {literal(form.form_title)} is not saved: Enter saves "
                    "it, Esc cancels it."
                )
            count = len(live.state.open_tasks()) if live.state.status is Status.ACTIVE else 0
            if count:
                said.append(
                    f"{count} task{'s' * (count != 1)} still open: the Deputy's terminal and "
                    "the log keep them."
                )
            if said:
                self._quit_asked_at = now
                self.notify(
                    " ".join([*said, "Press ctrl+q again to quit."]),
                    title="Quit?",
                    severity="warning",
                    timeout=QUIT_CONFIRM_SECONDS,
                )
                return
        self.exit()

    def _unsaved_form(self) -> CommandForm | None:
        """The open form holding something typed that is not saved (a decision's words, a
        task): ctrl+q in it quit at once and the words were lost, though a log line asked."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, CommandForm) and screen.unsaved():
                return screen
        return None

    def _unsaved_log_line(self) -> bool:
        """Whether the console's log line holds text that Enter has not saved."""
        screen = self.live_screen
        if screen is None:
            return False
        return any(line.input.value.strip() for line in screen.query(LogInput).results(LogInput))

    # -- running commands ----------------------------------------------------------------------

    @on(IncidentScreen.Run)
    def _run(self, event: IncidentScreen.Run) -> None:
        self.execute(event.command, done=event.done, refused=event.refused)

    def execute(
        self,
        command: Command,
        *,
        done: Callable[[], None] | None = None,
        refused: Callable[[str], None] | None = None,
    ) -> bool:
        """Run `command` on the live incident; True when recorded. The screen is redrawn from
        the incident either way: a refusal means the log held something newer."""
        live = self.live
        if live is None:
            # A form left open while its incident closed here: it must still get an answer
            # (the keys typed behind its Enter wait for one).
            message = "No incident is open here: nothing was recorded."
            if refused is not None:
                refused(message)
            else:
                self.notify(message, severity="error", title="Not recorded")
            return False
        outcome = live.execute(command)
        self.push_state()
        if not outcome.ok:
            message = outcome.refused or "Not recorded."
            if refused is not None:
                refused(message)
            else:
                self.notify(literal(message), severity="error", title="Not recorded")
            return False
        if done is not None:
            done()
        confirmation = outcome.confirmation
        if confirmation is not None:
            undo = " (ctrl+z to undo)" if confirmation.undo is not None else ""
            self.notify(
                literal(confirmation.text) + undo,
                title="Recorded",
                timeout=UNDO_SECONDS if undo else 4,
            )
        return True

    def action_undo(self) -> None:
        """Take back the last change to a task or decision, within a few seconds of it. Not
        from a line with text in it: ctrl+z pressed to fix a typo must not reopen the task
        just marked done (the log line and the forms take back their own typing first:
        `UndoableInput`, the `undo-typing` keys)."""
        focused = self.focused
        if isinstance(focused, Input) and focused.value.strip():
            self.notify(
                "ctrl+z takes back the last change from an empty line: this one holds text. "
                "Clear it (ctrl+u) or leave it (Esc) first.",
                title="Not undone",
            )
            return
        taken = self.live.undo() if self.live is not None else None
        if taken is None:
            self.notify("Nothing to undo: only the last change, within 10 seconds.")
            return
        confirmation, outcome = taken
        self.push_state()
        if outcome.ok:
            self.notify(literal(f"Undone: {confirmation.text}"), title="Undone", timeout=4)
        else:
            self.notify(literal(outcome.refused or ""), severity="error", title="Not undone")

    @on(CommandForm.Submitted)
    def _form_submitted(self, event: CommandForm.Submitted) -> None:
        command = event.command
        if isinstance(command, Declare) and self.live is None:
            self._declare(event.form, command)
            return
        form = event.form
        if form.recheck is not None and self.live is not None:
            # What the form showed may have changed in another terminal while it was open
            # (an objection to the decision being accepted): take that in and read it first.
            self.poll()
            changed = form.recheck(self.live.state) if self.live is not None else None
            if changed is not None:
                form.refused(changed)
                return
        self.execute(command, done=form.done, refused=form.refused)

    def _declare(self, form: CommandForm, command: Declare) -> None:
        settings = self.settings
        declared = declare(settings.home, command, settings.live())
        if declared.refused is not None:
            form.refused(declared.refused)
            return
        form.done()
        self.open_incident(declared.incident_id)

    @on(PickerScreen.Chosen)
    def _chosen(self, event: PickerScreen.Chosen) -> None:
        self.open_incident(event.incident_id)

    # -- keeping the screen in step ------------------------------------------------------------

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """A screen opened over the console (a form, the glance, a checklist, the keys) opens
        clear of the toasts already shown, errors excepted: at 80x24 three of them covered the
        right half of it, a form's sentence to say included. What they said stays on screen
        elsewhere (the log, the board, the header's LATE) and ctrl+z still takes back the last
        change; an error (a write that failed) stays until its time is up."""
        over_console = bool(self._screen_stack) and isinstance(self.screen, IncidentScreen)
        if over_console and self._notifications:
            # Only over the console: what opening the incident said (a torn line recovered,
            # read-only) is told just before the console itself is shown, and must stay.
            # Textual offers no public way to remove one toast (Textual 8.2, pinned).
            for toast in list(self._notifications):
                if toast.severity != "error":
                    self._unnotify(toast)
        return super().push_screen(screen, *args, **kwargs)

    def push_state(self) -> None:
        """Show the incident's state on the console (and an open checklist)."""
        live, console = self.live, self.live_screen
        if live is None or console is None:
            return
        now = self.settings.clock.now()
        console.rows_added()
        console.show(live.state, now)
        for screen in self.screen_stack:
            if isinstance(screen, ChecklistScreen):
                screen.show_state(live.state)
        self._show_late(now)
        self._alert(now)

    def tick(self) -> None:
        """The one app-wide second: countdowns move on, expired timeboxes raise an alert."""
        console = self.live_screen
        if console is None:
            return
        now = self.settings.clock.now()
        console.tick(now)
        self._show_late(now)
        self._alert(now)
        self._show_sync()

    def _show_late(self, now: datetime) -> None:
        """What is late, on the screens that cover the console's header (runbooks, checklists,
        the glance, the keys): each keeps a `LateBanner` as `late_banner`."""
        live = self.live
        banners = [
            banner
            for screen in self.screen_stack
            if isinstance(banner := getattr(screen, "late_banner", None), LateBanner)
        ]
        if live is None or not banners:
            return
        state = live.state
        late = live_overdue(state, now) if state.status is Status.ACTIVE else []
        for banner in banners:
            banner.show_late(late, now)

    def poll(self) -> None:
        """Take in other terminals' changes and redraw from the incident when there were any."""
        live = self.live
        if live is None:
            return
        commander = live.state.ic
        change = live.poll()
        if change.failure is not None:
            self.notify(literal(change.failure), severity="error", timeout=30)
            return
        for notice in change.notices:
            self.notify(literal(notice.message), severity="error" if notice.severe else "warning")
        if change.changed:
            screen = self.live_screen
            if change.reloaded and screen is not None:
                screen.rows_changed()
            self.push_state()
            if live.state.ic != commander:
                self._command_moved(commander, live.state.ic)

    def _command_moved(self, before: str | None, now: str | None) -> None:
        """Command changed hands in another terminal: only the header said so. The person
        now in command, watching in the Deputy's view (which cannot assign a task or take a
        decision), is told how to open the IC's console; the one who had it is told who has."""
        live = self.live
        me = self.settings.actor.casefold()
        if live is None or now is None:
            return
        if now.casefold() == me and self.settings.watch:
            self.notify(
                literal(
                    f"You are the Incident Commander now. This is the Deputy's view: open the "
                    f"IC's console in another terminal with `ic open {live.state.incident_id}` "
                    "(or quit this view with ctrl+q and run it)."
                ),
                title="Command",
                severity="warning",
                timeout=30,
            )
        elif before is not None and before.casefold() == me:
            self.notify(
                literal(f"{now} is the Incident Commander now (handed over elsewhere)."),
                title="Command",
                severity="warning",
                timeout=15,
            )

    def heartbeat(self) -> None:
        """Refresh our presence file and show the other terminals, with their roles now."""
        live, screen = self.live, self.live_screen
        if live is None:
            return
        labels = live.heartbeat() + self._sync_peers()
        if screen is not None:
            screen.show_others(labels)

    def _alert(self, now: object) -> None:
        live = self.live
        if live is None:
            return
        fresh = live.alerts(self.settings.clock.now())
        for message in fresh:
            self.notify(literal(message), title="Follow up", severity="warning", timeout=8)
        if fresh and self.settings.bell:
            self.bell()

    # -- other laptops (issue 14) ------------------------------------------------------------

    def _start_sync(self) -> None:
        """Sync in a worker thread when a remote is configured (never on this thread). A
        read-only console syncs too: it has nothing of its own to push, so read access to the
        repository is enough to follow. Never for the demo (`settings.sync` is False)."""
        if not self.settings.sync:
            return
        if self.syncing is None:
            self.syncing = BackgroundSync.from_config(self.settings.home, self.settings.actor)
        if self.syncing is not None:
            self.syncing.start()
            self._show_sync()

    def _stop_sync(self) -> None:
        if self.syncing is not None:
            self.syncing.stop(wait=0.2)

    def _show_sync(self) -> None:
        """The header's sync words, and a refused peer file said once."""
        syncing, screen = self.syncing, self.live_screen
        if syncing is None or screen is None:
            return
        view = syncing.view()
        now = time.time()
        screen.header.show_sync(view.line(now), view.line(now, short=True), view.offline)
        for message in syncing.take_news():
            self.notify(literal(message), severity="error", title="Sync", timeout=30)

    def _sync_peers(self) -> list[str]:
        """Other laptops, from their last pushed commit ("Priya (other laptop, 4s ago)")."""
        if self.syncing is None:
            return []
        return self.syncing.view().peer_labels(time.time())

    # -- checklists, runbooks, keys ------------------------------------------------------------

    def action_checklists(self) -> None:
        live = self.live
        if live is None:
            return
        self.push_screen(
            ChecklistScreen(
                self.settings.checklists,
                live.state,
                me=self.settings.actor,
                zone=self.settings.zone,
                read_only=self.settings.read_only,
            )
        )

    def action_runbooks(self, initial: str | None = None) -> None:
        if not self.settings.runbooks:
            self.notify("There are no runbooks: add Markdown files to your content directory.")
            return
        self.push_screen(RunbookScreen(self.settings.runbooks, initial=initial))

    def action_help(self) -> None:
        from ic_console.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        scope = "watch" if self.settings.watch else "console"
        self.push_screen(HelpScreen(scope, self.settings.keymap, read_only=self.settings.read_only))

    @on(ChecklistScreen.Toggled)
    def _ticked(self, event: ChecklistScreen.Toggled) -> None:
        self.execute(
            TickChecklistItem(checklist=event.checklist_id, item=event.item_id, ticked=event.ticked)
        )
