"""The console app: opens an incident, runs commands against it, follows other terminals.

The app owns the store and the clock. Screens post what the person asked for; the app runs the
domain command, and pushes the new state down to whichever screen shows the incident. One timer
ticks every second for countdowns; another polls the log cheaply for other terminals' changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Label

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
from ic_console.domain.events import Event
from ic_console.domain.log_rows import LogRow, event_rows
from ic_console.domain.model import Role, Status
from ic_console.domain.situations import current_situations
from ic_console.store.follow import Follower
from ic_console.store.incident import (
    IncidentStore,
    StoreError,
    list_incidents,
    new_incident_id,
)
from ic_console.store.presence import HEARTBEAT_EVERY, PresenceBoard
from ic_console.tui.commands import ConsoleCommands
from ic_console.tui.config import ConfigError, check_keymap
from ic_console.tui.screens.checklists import ChecklistScreen
from ic_console.tui.screens.console import ConsoleScreen, PaletteCommand
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.screens.picker import PickerScreen
from ic_console.tui.screens.runbooks import RunbookScreen
from ic_console.tui.screens.watch import WatchScreen
from ic_console.tui.text import TimeFormat, literal


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
    #: How often to look for other terminals' changes (one stat call).
    poll_seconds: float = 0.25
    #: How often countdowns move on.
    tick_seconds: float = 1.0
    #: Open the incident in a worker thread so the first frame paints at once.
    background_load: bool = True
    #: The Deputy's view (`ic watch`) instead of the IC's console.
    watch: bool = False
    #: Observe only: every action that records is disabled and hidden.
    read_only: bool = False


class ConsoleApp(App[int]):
    """The incident commander's console."""

    CSS_PATH = "console.tcss"
    TITLE = "ic-console"
    COMMANDS = App.COMMANDS | {ConsoleCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, priority=True, id="palette"),
    ]

    class Loaded(Message):
        """A worker finished opening the incident."""

        def __init__(self, store: IncidentStore, rows: list[LogRow]) -> None:
            super().__init__()
            self.store = store
            self.rows = rows

    class Failed(Message):
        """A worker could not open the incident."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, settings: ConsoleSettings) -> None:
        super().__init__()
        self.settings = settings
        self.store: IncidentStore | None = None
        self.rows: list[LogRow] = []
        self.narrator = Narrator()  # the log rows' memory of tasks and objections
        self.times = TimeFormat(settings.zone)
        if settings.phrasebook is None:
            settings.phrasebook = shipped_phrasebook()
        self.phrasebook: Phrasebook = settings.phrasebook
        #: Problems with the user's own content, shown once the console is up.
        self.content_problems: list[ContentProblem] = []
        self.console_screen: ConsoleScreen | None = None
        self._alerted: set[tuple[str, int, datetime]] = set()
        self._intervals: list[Timer] = []
        self._follow_failed = False
        #: Why the console could not open the incident (printed by the CLI on exit).
        self.failure: str | None = None
        self.follower: Follower | None = None
        self.presence: PresenceBoard | None = None

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
        active = [
            info
            for info in list_incidents(self.settings.home)
            if info.status == Status.ACTIVE.value
        ]
        if len(active) == 1:
            self.open_incident(active[0].incident_id)
            return
        if not active:
            reason = "There is no active incident. Declare one, or open an earlier one."
        else:
            reason = f"{len(active)} incidents are active. Which one?"
        self.push_screen(PickerScreen(list_incidents(self.settings.home), reason))

    def open_incident(self, incident_id: str) -> None:
        """Open `incident_id` (in a worker unless settings say otherwise) and show the console."""
        self.query_one("#opening", Label).update(
            Text(f"Opening incident {literal(incident_id)} ...")
        )
        if self.settings.background_load:
            self._load_in_worker(incident_id)
        else:
            try:
                store, rows = self._load(incident_id)
            except (StoreError, DomainError, OSError) as error:
                self.post_message(self.Failed(str(error)))
                return
            self.post_message(self.Loaded(store, rows))

    def _load(self, incident_id: str) -> tuple[IncidentStore, list[LogRow]]:
        rows: list[LogRow] = []

        def collect(events: list[Event]) -> None:
            if events[0].seq == 1:
                rows.clear()
                self.narrator = Narrator()
            rows.extend(event_rows(events, self.narrator))

        settings = self.settings
        store = IncidentStore.open(
            settings.home,
            incident_id,
            clock=settings.clock,
            actor=settings.actor,
            on_events=collect,
            read_only=settings.read_only,
        )
        return store, rows

    @work(thread=True, exclusive=True, group="open")
    def _load_in_worker(self, incident_id: str) -> None:
        try:
            store, rows = self._load(incident_id)
        except (StoreError, DomainError, OSError) as error:
            self.post_message(self.Failed(str(error)))
            return
        self.post_message(self.Loaded(store, rows))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        # The CLI prints it after the screen is gone, as one line on stderr: Rich would fold it
        # at the terminal's width, splitting paths and the command to run.
        self.failure = f"ic: {literal(event.message)}"
        self.exit(return_code=2)

    @on(Loaded)
    async def _loaded(self, event: Loaded) -> None:
        store = event.store
        self.store = store
        self.rows = event.rows
        store.on_events = self._on_events
        for notice in store.notices:
            self.notify(
                literal(notice.message),
                severity="error" if notice.severe else "warning",
                timeout=30 if notice.severe else 10,
            )
        store.notices.clear()
        self.follower = Follower(store)
        screen_class = WatchScreen if self.settings.watch else ConsoleScreen
        console = screen_class(self.times, self.phrasebook)
        self.console_screen = console
        await self.push_screen(console)
        console.set_rows(self.rows)
        self.push_state()
        for timer in self._intervals:
            timer.stop()
        self._intervals = [
            self.set_interval(self.settings.tick_seconds, self.tick, name="tick"),
            self.set_interval(self.settings.poll_seconds, self.poll, name="follow"),
        ]
        self._join_presence(store)

    # -- presence ------------------------------------------------------------------------------

    def _join_presence(self, store: IncidentStore) -> None:
        """Tell other consoles we are here, and show who else is."""
        if self.presence is not None:
            self.presence.leave()
        self.presence = PresenceBoard(
            store.directory,
            clock=self.settings.clock,
            actor=self.settings.actor,
            role=self._my_role(),
            read_only=self.settings.read_only,
        )
        self.heartbeat()
        self._intervals.append(
            self.set_interval(HEARTBEAT_EVERY.total_seconds(), self.heartbeat, name="presence")
        )

    def _my_role(self) -> Role | None:
        store = self.store
        if store is None:
            return None
        roles = store.state.roles_of(self.settings.actor)
        return roles[0] if roles else None

    @property
    def live_screen(self) -> ConsoleScreen | None:
        """The console screen, unless the app is closing: timers may still fire while the
        screen's widgets are being removed, and then there is nothing left to update."""
        screen = self.console_screen
        return screen if screen is not None and screen.is_attached else None

    def heartbeat(self) -> None:
        """Refresh our presence file and show the other consoles. Never fatal: it is a courtesy."""
        presence, screen = self.presence, self.live_screen
        if presence is None:
            return
        presence.role = self._my_role()
        try:
            presence.beat()
            others = presence.others()
        except OSError:
            others = []
        if screen is not None:
            screen.show_others([other.label for other in others])

    def leave_presence(self) -> None:
        if self.presence is not None:
            self.presence.leave()
            self.presence = None

    def on_unmount(self) -> None:
        self.leave_presence()

    # -- running commands ----------------------------------------------------------------------

    def execute(self, command: Command, *, on_refused: Callable[[str], None] | None = None) -> bool:
        """Run `command`; True when recorded. A refusal is shown, never raised."""
        store = self.store
        if store is None:
            return False
        try:
            store.execute(command)
        except (DomainError, StoreError) as error:
            self._refused(str(error), on_refused)
            return False
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            self._refused(
                f"Could not write the incident files{where}: {error.strerror}.", on_refused
            )
            return False
        self.push_state()
        return True

    def _refused(self, message: str, on_refused: Callable[[str], None] | None) -> None:
        if on_refused is not None:
            on_refused(message)
        else:
            self.notify(literal(message), severity="error", title="Not recorded")

    @on(CommandForm.Submitted)
    def _form_submitted(self, event: CommandForm.Submitted) -> None:
        command = event.command
        if isinstance(command, Declare) and self.store is None:
            self._declare(event.form, command)
            return
        if self.execute(command, on_refused=event.form.refused):
            event.form.done()

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

    # -- following the incident ----------------------------------------------------------------

    def _on_events(self, events: list[Event]) -> None:
        if events[0].seq == 1:
            self.rows.clear()
            self.narrator = Narrator()
        self.rows.extend(event_rows(events, self.narrator))

    def push_state(self) -> None:
        """Show the store's state on the console."""
        store, console = self.store, self.live_screen
        if store is None or console is None:
            return
        now = self.settings.clock.now()
        console.rows_added()
        console.show(store.state, now)
        for screen in self.screen_stack:
            if isinstance(screen, ChecklistScreen):
                screen.show_state(store.state)
        self._alerts(now)

    def tick(self) -> None:
        """The one app-wide second: countdowns move on, expired timeboxes raise an alert."""
        console = self.live_screen
        if console is None:
            return
        now = self.settings.clock.now()
        console.tick(now)
        self._alerts(now)

    def poll(self) -> None:
        """Another terminal may have appended: one stat call, and a read only when it grew."""
        follower = self.follower
        if follower is None or self._follow_failed:
            return
        try:
            result = follower.poll()
        except (StoreError, OSError) as error:
            self._follow_failed = True
            self.leave_presence()
            self.notify(literal(str(error)), severity="error", timeout=30)
            return
        for notice in result.notices:
            self.notify(literal(notice.message), severity="error" if notice.severe else "warning")
        if result.events or result.reloaded:
            screen = self.live_screen
            if result.reloaded and screen is not None:
                screen.set_rows(self.rows)
            self.push_state()

    def _alerts(self, now: datetime) -> None:
        """Toast (and bell) once per expired timebox and due update; for the Deputy, also once
        per ten-minute mark, each with the sentence to say."""
        store = self.store
        if store is None:
            return
        state = store.state
        watch = self.settings.watch
        say: dict[str, str] = {}
        marks: list[str] = []
        if watch:
            situations = current_situations(
                state, now, cadence=self.settings.cadence, me=self.settings.actor
            )
            for situation in situations:
                sentences = self.phrasebook.render(situation)[:1]
                if situation.id == "task-expired" and sentences:
                    say[situation.values.get("task_number", "")] = sentences[0]
                elif situation.id == "clock-mark" and sentences:
                    marks.append(situation.values.get("mark", ""))
                    say[f"mark-{situation.values.get('mark', '')}"] = sentences[0]
        fresh: list[str] = []
        for task in state.overdue_tasks(now):
            key = ("task", task.number, task.deadline)
            if key not in self._alerted:
                self._alerted.add(key)
                sentence = say.get(str(task.number))
                if sentence:
                    fresh.append(
                        f"#{task.number} {literal(task.owner)}: the timebox is up. "
                        f"Say: “{literal(sentence)}”"
                    )
                else:
                    fresh.append(
                        f"#{task.number} {literal(task.owner)}: the timebox is up. "
                        f"Ask {literal(task.owner)} for an update on {literal(task.text)}."
                    )
        for mark in marks:
            declared = state.declared_at or now
            key = ("mark", int(mark or 0), declared)
            if key not in self._alerted:
                self._alerted.add(key)
                fresh.append(f"Say: “{literal(say[f'mark-{mark}'])}”")
        due = state.next_update_due(self.settings.cadence)
        if due is not None and now >= due and ("update", 0, due) not in self._alerted:
            self._alerted.add(("update", 0, due))
            fresh.append(
                "A stakeholder update is due: remind the Commander and the liaisons."
                if watch
                else "A stakeholder update is due: press u to post one."
            )
        for message in fresh:
            self.notify(message, title="Follow up", severity="warning", timeout=8)
        if fresh and self.settings.bell:
            self.bell()

    # -- checklists and runbooks ---------------------------------------------------------------

    def action_checklists(self) -> None:
        store = self.store
        if store is None:
            return
        self.push_screen(
            ChecklistScreen(
                self.settings.checklists,
                store.state,
                me=self.settings.actor,
                zone=self.settings.zone,
            )
        )

    def action_runbooks(self, initial: str | None = None) -> None:
        if not self.settings.runbooks:
            self.notify("There are no runbooks: add Markdown files to your content directory.")
            return
        self.push_screen(RunbookScreen(self.settings.runbooks, initial=initial))

    @on(ChecklistScreen.Toggled)
    def _ticked(self, event: ChecklistScreen.Toggled) -> None:
        self.execute(
            TickChecklistItem(checklist=event.checklist_id, item=event.item_id, ticked=event.ticked)
        )

    def extra_palette_commands(self) -> list[PaletteCommand]:
        """Checklists and runbooks, one entry per runbook."""
        commands = [
            PaletteCommand(
                "Checklists",
                "For this phase, severity and your roles",
                self.action_checklists,
                writes=False,
            ),
            PaletteCommand("Runbooks", "Search the runbooks", self.action_runbooks, writes=False),
        ]
        for runbook in self.settings.runbooks:
            commands.append(
                PaletteCommand(
                    f"Runbook: {literal(runbook.title)}",
                    "Open this runbook",
                    partial(self.action_runbooks, runbook.id),
                    writes=False,
                )
            )
        return commands


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
