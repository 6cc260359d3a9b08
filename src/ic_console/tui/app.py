"""The console app: opens an incident, shows it, and keeps the screens and the incident in step.

The incident itself (store, other terminals, presence, alerts) is a `LiveIncident`, a plain
object the app owns. Screens post `IncidentScreen.Run` with a command; the app runs it on the
live incident, says what was done (with undo for a few seconds), and pushes the new state down,
refused or not, since a refusal means the log held something newer. Three timers run while an
incident is open: the second that moves countdowns, the poll for other terminals, and the
presence heartbeat. They stop before any screen is taken down, and an unexpected error in a side
screen, timer or worker is shown and written to the crash log instead of closing the console.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual._context import active_message_pump
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label

from ic_console.content.checklists import Checklist
from ic_console.content.config import Config
from ic_console.content.library import load_library
from ic_console.content.phrasebook import Phrasebook, shipped_phrasebook
from ic_console.content.problems import ContentProblem
from ic_console.content.runbooks import Runbook
from ic_console.domain.clock import Clock, SystemClock
from ic_console.domain.commands import Command, Declare, TickChecklistItem
from ic_console.domain.describe import Narrator
from ic_console.domain.errors import DomainError
from ic_console.domain.log_rows import LogRow
from ic_console.domain.model import Status
from ic_console.live.crashlog import record_crash
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.live.undo import UNDO_SECONDS, Confirmation, confirm, reverse
from ic_console.store.incident import IncidentStore, StoreError, list_incidents, new_incident_id
from ic_console.store.presence import HEARTBEAT_EVERY
from ic_console.tui.actions import bindings
from ic_console.tui.config import ConfigError, check_keymap
from ic_console.tui.palette import ConsoleCommands
from ic_console.tui.screens.checklists import ChecklistScreen
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.screens.incident import IncidentScreen
from ic_console.tui.screens.picker import PickerScreen
from ic_console.tui.screens.runbooks import RunbookScreen
from ic_console.tui.screens.watch import WatchScreen
from ic_console.tui.text import TimeFormat, literal

#: Quitting with open tasks asks once; a second ctrl+q within this many seconds quits.
QUIT_CONFIRM_SECONDS = 5.0


@dataclass
class ConsoleSettings:
    """Everything the console needs from outside: where, who, when, and the user's preferences."""

    home: Path
    actor: str
    clock: Clock = field(default_factory=SystemClock)
    incident_id: str | None = None
    bell: bool = True
    keymap: dict[str, str] = field(default_factory=dict)
    cadence: dict[int, timedelta | None] | None = None
    zone: tzinfo | None = None
    theme: str | None = None
    phrasebook: Phrasebook | None = None
    checklists: list[Checklist] = field(default_factory=list)
    runbooks: list[Runbook] = field(default_factory=list)
    #: How often to look for other terminals' changes: one stat call (about 20 µs) when nothing
    #: changed, so four times a second costs nothing and keeps two terminals within a beat.
    poll_seconds: float = 0.25
    #: How often countdowns move on.
    tick_seconds: float = 1.0
    #: Open the incident in a worker thread so the first frame paints at once.
    background_load: bool = True
    #: The Deputy's view (`ic watch`) instead of the IC's console.
    watch: bool = False
    #: Observe only: every action that records is disabled and hidden.
    read_only: bool = False

    def live(self) -> LiveSettings:
        return LiveSettings(
            actor=self.actor,
            clock=self.clock,
            cadence=self.cadence,
            watch=self.watch,
            read_only=self.read_only,
        )


@dataclass
class _Undo:
    command: Command
    text: str
    until: float


class ConsoleApp(App[int]):
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
        super().__init__()
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
        #: The last change, which ctrl+z takes back until `until` (monotonic seconds).
        self._undo: _Undo | None = None
        self._quit_asked_at: float | None = None
        #: Keys typed while a screen is being opened, replayed into it once it has the focus.
        self._typeahead: list[events.Key] | None = None
        #: Held keys include those that bubbled up unhandled (a screen is opening), not only
        #: new ones from the terminal (the focus is moving within a screen).
        self._hold_bubbled = False

    # -- what tests and the CLI look at --------------------------------------------------------

    @property
    def store(self) -> IncidentStore | None:
        return self.live.store if self.live is not None else None

    @property
    def rows(self) -> list[LogRow]:
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
        """Toasts carry user text (names, tasks), so they are never read as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # -- starting ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Label(id="opening")

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
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
        self.query_one("#opening", Label).update(
            Text(f"Opening incident {literal(incident_id)} ...")
        )
        if self.settings.background_load:
            self._load_in_worker(incident_id)
        else:
            self.post_message(self._load(incident_id))

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
        if self.live is not None:
            self.live.leave()
        self.live = live
        for notice in live.take_notices():
            self.notify(
                literal(notice.message),
                severity="error" if notice.severe else "warning",
                timeout=30 if notice.severe else 10,
            )
        screen_class = WatchScreen if self.settings.watch else ConsoleScreen
        console = screen_class(
            self.times,
            self.phrasebook,
            live.settings,
            runbooks=[(runbook.id, runbook.title) for runbook in self.settings.runbooks],
        )
        self.console_screen = console
        await self.push_screen(console)
        console.set_rows(live.rows)
        self.push_state()
        live.join()
        self._start_timers()

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

    def _stop_timers(self) -> None:
        for timer in self._intervals:
            timer.stop()
        self._intervals = []

    def exit(
        self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """Stop the timers first: they must never call into screens being taken down."""
        self._stop_timers()
        self.console_screen = None
        super().exit(result, return_code, message)

    def leave_presence(self) -> None:
        if self.live is not None:
            self.live.leave()

    def on_unmount(self) -> None:
        self._stop_timers()
        self.leave_presence()

    @property
    def live_screen(self) -> IncidentScreen | None:
        """The incident screen, unless the app is closing."""
        screen = self.console_screen
        return screen if screen is not None and screen.is_attached else None

    # -- failures: never lose the console ------------------------------------------------------

    def report_error(self, error: Exception) -> None:
        """Show an unexpected error in one line and write it to the crash log; carry on."""
        path = record_crash(self.settings.home, error, where=type(error).__name__)
        where = f" Details are in {path}." if path else ""
        self.notify(
            literal(
                f"Something went wrong ({type(error).__name__}: {error}); the incident is "
                f"safe and nothing was lost.{where}"
            ),
            title="Internal error",
            severity="error",
            timeout=15,
        )

    async def run_action(  # type: ignore[override]
        self, action: Any, default_namespace: Any = None
    ) -> bool:
        """Every key and palette entry runs here: a bug in one is reported, not fatal."""
        try:
            return await super().run_action(action, default_namespace)
        except Exception as error:
            if self.live_screen is None:
                raise
            self.report_error(error)
            return True

    def _guarded(self, step: Callable[[], None]) -> Callable[[], None]:
        """A timer's callback that reports its errors instead of ending the app."""

        def run() -> None:
            if self.live_screen is None:
                return
            try:
                step()
            except Exception as error:
                self.report_error(error)

        return run

    def _handle_exception(self, error: Exception) -> None:
        """The last resort for an error Textual caught in a widget or side screen: it is reported
        and the console goes on (that widget stops handling messages, so a failed side screen
        is taken off). An error in the app's own loop, or before the console is up, ends the
        app as Textual does, after writing the crash log."""
        pump = active_message_pump.get(None)
        if self.live_screen is None or pump is self or pump is None:
            if self.live_screen is not None:
                record_crash(self.settings.home, error, where=type(error).__name__)
            super()._handle_exception(error)
            return
        self.report_error(error)
        if isinstance(pump, Screen) and pump is not self.console_screen:
            self.call_later(self._back_to_console)

    def _back_to_console(self) -> None:
        console = self.console_screen
        while console is not None and len(self.screen_stack) > 1 and self.screen is not console:
            # Not awaited: a screen whose handler failed no longer answers, so its removal
            # must not hold up the console.
            self.pop_screen()

    def action_help_quit(self) -> None:
        """ctrl+c: say how to quit, in plain words (toasts are never markup)."""
        self.notify("Press ctrl+q to quit.", title="Do you want to quit?")

    async def action_quit(self) -> None:
        """Quit; with open tasks on an active incident, ask once first."""
        live = self.live
        now = time.monotonic()
        if (
            live is not None
            and live.state.status is Status.ACTIVE
            and live.state.open_tasks()
            and not self.settings.read_only
            and (self._quit_asked_at is None or now - self._quit_asked_at > QUIT_CONFIRM_SECONDS)
        ):
            self._quit_asked_at = now
            count = len(live.state.open_tasks())
            self.notify(
                f"{count} task{'s' * (count != 1)} still open: the Deputy's terminal and the "
                "log keep them. Press ctrl+q again to quit.",
                title="Quit?",
                severity="warning",
                timeout=QUIT_CONFIRM_SECONDS,
            )
            return
        self.exit()

    # -- keys in a burst -----------------------------------------------------------------------
    #
    # A terminal delivers a burst of keys at once, and Textual routes each key to the widget that
    # has the focus when the app reads it. A key that moves the focus (Enter to the next field,
    # Esc out of the log line) or opens a screen takes effect a few messages later, so the keys
    # after it would land in the old place: "t" then "dana" would mark a task done. So while the
    # focus is moving, keys are held, and given to whatever has the focus once it has moved.

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().push_screen(screen, *args, **kwargs)
        if isinstance(screen, Screen) and self.live_screen is not None:
            self._hold_keys(lambda: self.screen is screen and screen.focused is not None)
            # Keys that reach the app unhandled from now on were meant for the new screen.
            self._hold_bubbled = True
        return result

    def _hold_keys(self, moved: Callable[[], bool]) -> None:
        """Hold keys until `moved()` (or a few frames, if nothing takes the focus)."""
        if self._typeahead is None:
            self._typeahead = []
            self._hold_bubbled = False
        self.call_after_refresh(self._release_keys, moved, 0)

    async def _release_keys(self, moved: Callable[[], bool], tries: int) -> None:
        if self._typeahead is None:
            return
        if not moved() and tries < 8:
            self.call_after_refresh(self._release_keys, moved, tries + 1)
            return
        keys, self._typeahead = self._typeahead, None
        while keys:
            key = keys.pop(0)
            if key.is_forwarded:
                # It went unhandled by the widget it was first given to and bubbled up while
                # keys were held: the widget that has the focus now gets it, as typed.
                key = events.Key(key.key, key.character)
            await self._route_key(key)
            if self._typeahead is not None:
                # That key moved the focus again: the rest wait for it.
                self._typeahead.extend(keys)
                return

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            if self._typeahead is not None and (self._hold_bubbled or not event.is_forwarded):
                self._typeahead.append(event)
                return
            if not event.is_forwarded:
                await self._route_key(event)
                return
        await super().on_event(event)

    async def _route_key(self, key: events.Key) -> None:
        """A key from the terminal, routed as Textual does; Enter or Esc in a text field then
        holds the keys after it until the focus has moved."""
        focused = self.focused
        await super().on_event(key)
        if isinstance(focused, Input) and key.key in ("enter", "escape", "tab", "shift+tab"):
            self._hold_keys(lambda: self.focused is not focused)

    # -- running commands ----------------------------------------------------------------------

    @on(IncidentScreen.Run)
    def _run(self, event: IncidentScreen.Run) -> None:
        self.execute(event.command, done=event.done, refused=event.refused)

    def execute(self, command: Command, *, done=None, refused=None) -> bool:  # type: ignore[no-untyped-def]
        """Run `command` on the live incident; True when recorded. The screen is redrawn from
        the incident either way."""
        live = self.live
        if live is None:
            return False
        narrator, undo = Narrator.from_state(live.state), reverse(command, live.state)
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
        self._confirmed(confirm(command, narrator, live.state, undo, outcome.recorded))
        return True

    def _confirmed(self, confirmation: Confirmation | None) -> None:
        if confirmation is None:
            return
        if confirmation.undo is not None:
            self._undo = _Undo(
                confirmation.undo, confirmation.text, time.monotonic() + UNDO_SECONDS
            )
            self.notify(
                literal(confirmation.text) + " (ctrl+z to undo)",
                title="Recorded",
                timeout=UNDO_SECONDS,
            )
        else:
            self._undo = None
            self.notify(literal(confirmation.text), title="Recorded", timeout=4)

    def action_undo(self) -> None:
        """Take back the last change to a task or decision, within a few seconds of it."""
        undo = self._undo
        self._undo = None
        if undo is None or time.monotonic() > undo.until:
            self.notify("Nothing to undo: only the last change, within 10 seconds.")
            return
        live = self.live
        if live is None:
            return
        outcome = live.execute(undo.command)
        self.push_state()
        if outcome.ok:
            self.notify(literal(f"Undone: {undo.text}"), title="Undone", timeout=4)
        else:
            self.notify(literal(outcome.refused or ""), severity="error", title="Not undone")

    @on(CommandForm.Submitted)
    def _form_submitted(self, event: CommandForm.Submitted) -> None:
        command = event.command
        if isinstance(command, Declare) and self.live is None:
            self._declare(event.form, command)
            return
        self.execute(command, done=event.form.done, refused=event.form.refused)

    def _declare(self, form: CommandForm, command: Declare) -> None:
        settings = self.settings
        now = settings.clock.now()
        try:
            incident_id = new_incident_id(settings.home, command.title, now)
            IncidentStore.create(
                settings.home,
                command.model_copy(update={"incident_id": incident_id}),
                clock=settings.clock,
                actor=settings.actor,
            )
        except (DomainError, StoreError) as error:
            form.refused(str(error))
            return
        except OSError as error:
            form.refused(f"Could not create the incident files: {error.strerror}.")
            return
        form.done()
        self.open_incident(incident_id)

    @on(PickerScreen.Chosen)
    def _chosen(self, event: PickerScreen.Chosen) -> None:
        self.open_incident(event.incident_id)

    # -- keeping the screen in step ------------------------------------------------------------

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
        self._alert(now)

    def tick(self) -> None:
        """The one app-wide second: countdowns move on, expired timeboxes raise an alert."""
        console = self.live_screen
        if console is None:
            return
        now = self.settings.clock.now()
        console.tick(now)
        self._alert(now)

    def poll(self) -> None:
        """Take in other terminals' changes and redraw from the incident when there were any."""
        live = self.live
        if live is None:
            return
        change = live.poll()
        if change.failure is not None:
            self.notify(literal(change.failure), severity="error", timeout=30)
            return
        for notice in change.notices:
            self.notify(literal(notice.message), severity="error" if notice.severe else "warning")
        if change.changed:
            screen = self.live_screen
            if change.reloaded and screen is not None:
                screen.set_rows(live.rows)
            self.push_state()

    def heartbeat(self) -> None:
        """Refresh our presence file and show the other terminals, with their roles now."""
        live, screen = self.live, self.live_screen
        if live is None:
            return
        labels = live.heartbeat()
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


def make_app(
    home: Path,
    actor: str,
    *,
    incident_id: str | None = None,
    clock: Clock | None = None,
    config: Config | None = None,
    phrasebook: Phrasebook | None = None,
    zone: tzinfo | None = None,
    background_load: bool = True,
    watch: bool = False,
    read_only: bool = False,
) -> ConsoleApp:
    """The console as the CLI and the tests build it; raises ConfigError for a bad config."""
    config = config or Config()
    library = load_library([config.content_directory()])
    problems = library.problems
    if phrasebook is None:
        phrasebook = library.phrasebook
    else:
        problems = [p for p in problems if p.path.name != "phrasebook.toml"]
    settings = ConsoleSettings(
        home=home,
        actor=actor,
        clock=clock or SystemClock(),
        incident_id=incident_id,
        bell=config.bell,
        keymap=check_keymap(config),
        cadence=config.cadence(),
        zone=zone,
        phrasebook=phrasebook,
        checklists=list(library.checklists.values()),
        runbooks=list(library.runbooks.values()),
        background_load=background_load,
        watch=watch,
        read_only=read_only,
    )
    app = ConsoleApp(settings)
    app.content_problems.extend(problems)
    if config.theme:
        if config.theme not in app.available_themes:
            themes = ", ".join(sorted(app.available_themes))
            raise ConfigError(
                f'the theme "{config.theme}" in config.toml does not exist: use one of {themes}.'
            )
        settings.theme = config.theme
    return app
