"""The IC's console: header, roster, task board, scribe log and phrasebook on one screen.

The screen turns key presses and widget messages into domain commands, asks the app to run them,
and shows whatever state the app pushes down. It reads nothing from disk itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static, Tab, Tabs

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.model import SEVERITIES, Audience, Phase, Role, Status, severity_label
from ic_console.domain.situations import available_situations, current_situations
from ic_console.domain.state import Decision, IncidentState, Task
from ic_console.tui.log_rows import LogRow
from ic_console.tui.screens import command_forms as forms
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.text import TimeFormat, copyable, literal, literal_lines
from ic_console.tui.widgets.incident_header import IncidentHeader
from ic_console.tui.widgets.log_input import LogInput
from ic_console.tui.widgets.phrasebook_pane import PhrasebookPane
from ic_console.tui.widgets.quiet_footer import QuietFooter
from ic_console.tui.widgets.roster import Roster
from ic_console.tui.widgets.scribe_log import ScribeLog
from ic_console.tui.widgets.task_board import TaskBoard

if TYPE_CHECKING:
    from ic_console.tui.app import ConsoleApp

#: Actions that record something; a read-only console disables and hides them.
WRITE_ACTIONS = frozenset(
    {
        "log",
        "followup",
        "assign_task",
        "acknowledge",
        "extend",
        "reassign",
        "done",
        "cancel_task",
        "propose",
        "object",
        "accept",
        "withdraw",
        "severity",
        "phase",
        "role",
        "handover",
        "update",
        "release",
        "resolve",
    }
)

#: Below this size the panes are shown one at a time, under tabs.
NARROW_WIDTH = 120
NARROW_HEIGHT = 34

PANES = (
    ("tasks", "Tasks"),
    ("log", "Scribe log"),
    ("roster", "Roster"),
    ("phrases", "Phrasebook"),
)


@dataclass(frozen=True)
class PaletteCommand:
    """One entry of the command palette, following the current state."""

    title: str
    help: str
    run: Callable[[], object]
    #: False for commands that only look (phrasebook, runbooks): a read-only console keeps them.
    writes: bool = True


class ConsoleScreen(Screen[None]):
    """Everything the IC looks at during the call."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log", "Log", id="log"),
        Binding("t", "assign_task", "Task", id="assign"),
        Binding("a", "acknowledge", "Ack", id="ack"),
        Binding("x", "extend", "Extend", id="extend"),
        Binding("r", "reassign", "Reassign", id="reassign"),
        Binding("d", "done", "Done", id="done"),
        Binding("p", "propose", "Propose", id="propose"),
        Binding("o", "object", "Object", id="object"),
        Binding("y", "accept", "Accept", id="accept"),
        Binding("w", "withdraw", "Withdraw", id="withdraw"),
        Binding("s", "severity", "Severity", id="severity"),
        Binding("h", "phase", "Phase", id="phase"),
        Binding("g", "role", "Role", id="role"),
        Binding("i", "handover", "Handover", id="handover"),
        Binding("u", "update", "Update", id="update"),
        Binding("e", "release", "Release", id="release"),
        Binding("R", "resolve", "Resolve", id="resolve"),
        Binding("n", "next_phrase", "Next phrase", id="next-phrase"),
        Binding("v", "responses", "Responses", id="responses"),
        Binding("c", "copy_phrase", "Copy", id="copy-phrase"),
        Binding("k", "app.checklists", "Checklists", id="checklists"),
        Binding("b", "app.runbooks", "Runbooks", id="runbooks"),
        Binding("1", "pane('tasks')", "Tasks pane", show=False, id="pane-tasks"),
        Binding("2", "pane('log')", "Log pane", show=False, id="pane-log"),
        Binding("3", "pane('roster')", "Roster pane", show=False, id="pane-roster"),
        Binding("4", "pane('phrases')", "Phrasebook pane", show=False, id="pane-phrases"),
    ]

    #: The screen's id (the Deputy's view has its own).
    SCREEN_ID: ClassVar[str] = "console"

    def __init__(self, times: TimeFormat, phrasebook: Phrasebook) -> None:
        super().__init__(id=self.SCREEN_ID)
        self.times = times
        self.phrasebook = phrasebook
        self.state: IncidentState | None = None
        self.now: datetime | None = None
        self.active_pane = "tasks"
        self.add_class("-tab-tasks")

    @property
    def console_app(self) -> ConsoleApp:
        from ic_console.tui.app import ConsoleApp

        app = self.app
        assert isinstance(app, ConsoleApp)
        return app

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield IncidentHeader(self.times, id="header")
        yield Tabs(
            *(Tab(f"{n} {label}", id=f"tab-{key}") for n, (key, label) in enumerate(PANES, 1)),
            id="pane-tabs",
        )
        with Vertical(id="panes"):
            # Grid order: roster | tasks on top, phrasebook | log below.
            with Vertical(id="pane-roster", classes="pane"):
                yield Roster(id="roster")
            with Vertical(id="pane-tasks", classes="pane -active"):
                yield TaskBoard(id="tasks")
            with Vertical(id="pane-phrases", classes="pane"):
                yield PhrasebookPane(self.phrasebook, id="phrasebook")
            yield from self.compose_log_pane()
        yield QuietFooter(compact=True)

    def compose_log_pane(self) -> ComposeResult:
        """The scribe log, the full text of the selected entry, and the log line to type in."""
        with Vertical(id="pane-log", classes="pane"):
            yield ScribeLog(self.times, id="log")
            yield Static(id="log-detail")
            if not self.read_only:
                yield LogInput(self.console_app.settings.clock, self.times.zone, id="log-input")

    @property
    def read_only(self) -> bool:
        return self.console_app.settings.read_only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A read-only console neither offers nor runs anything that records."""
        return not (self.read_only and action in WRITE_ACTIONS)

    def on_mount(self) -> None:
        # Textual runs every class's on_mount; subclasses lay out their panes in `_mounted`.
        self._mounted()

    def _mounted(self) -> None:
        titles = {
            "roster": "Roster and roles",
            "phrases": "Phrasebook",
            "tasks": "Tasks",
            "log": "Scribe log",
        }
        for key, title in titles.items():
            self.query_one(f"#pane-{key}").border_title = title
        self.query_one(TaskBoard).focus()
        self._layout()

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        width, height = self.size
        self.set_class(width < NARROW_WIDTH or height < NARROW_HEIGHT, "-narrow")

    def action_pane(self, key: str) -> None:
        self._show_pane(key)
        self.query_one("#pane-tabs", Tabs).active = f"tab-{key}"

    @on(Tabs.TabActivated, "#pane-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        key = (event.tab.id or "tab-tasks").removeprefix("tab-")
        if key != self.active_pane:
            self._show_pane(key)
            focus = {"tasks": "#tasks", "log": "#log"}.get(key)
            if focus and self.has_class("-narrow"):
                self.query_one(focus).focus()

    def _show_pane(self, key: str) -> None:
        """Which pane a small screen shows (a wide one shows them all)."""
        self.active_pane = key
        for pane in self.query(".pane"):
            pane.set_class(pane.id == f"pane-{key}", "-active")
        for other, _label in PANES:
            self.set_class(other == key, f"-tab-{other}")

    # -- state pushed down by the app ----------------------------------------------------------

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

    @property
    def phrases(self) -> PhrasebookPane:
        return self.query_one(PhrasebookPane)

    def set_rows(self, rows: list[LogRow]) -> None:
        self.scribe.set_rows(rows)

    def show_others(self, labels: list[str]) -> None:
        """The other consoles that have this incident open (from their presence files)."""
        self.query_one(Roster).show_others(labels)

    def rows_added(self) -> None:
        self.scribe.rows_added()

    def show(self, state: IncidentState, now: datetime) -> None:
        """The incident changed: redraw every pane from `state`."""
        self.state = state
        self.now = now
        self.times.reference_for(state.declared_at)
        settings = self.console_app.settings
        self.header.show(state, now, settings.cadence)
        self.query_one(Roster).show(state, now)
        self.tasks.show(state.open_tasks(), now)
        self._situations(state, now)

    def tick(self, now: datetime) -> None:
        """The app-wide second: countdowns and times on the call move on."""
        self.now = now
        self.header.tick(now)
        self.tasks.tick(now)
        self.query_one(Roster).tick(now)
        if self.state is not None:
            self._situations(self.state, now)

    def _situations(self, state: IncidentState, now: datetime) -> None:
        settings = self.console_app.settings
        self.phrases.show(
            current_situations(state, now, cadence=settings.cadence, me=settings.actor)
        )

    # -- running commands ----------------------------------------------------------------------

    def _run(self, command: cmd.Command) -> bool:
        return self.console_app.execute(command)

    def _form(self, form: CommandForm) -> None:
        self.app.push_screen(form)

    def _selected_task(self) -> Task | None:
        task = self.tasks.selected_task
        if task is None:
            self.notify("There are no open tasks. Press t to assign one.", severity="warning")
        return task

    def _open_decision(self) -> Decision | None:
        if self.state is None:
            return None
        decisions = self.state.open_decisions()
        if not decisions:
            self.notify("No decision is open. Press p to propose one.", severity="warning")
            return None
        return decisions[-1]

    @on(LogInput.Submitted)
    def _log_line(self, event: LogInput.Submitted) -> None:
        line = event.line
        ok = self.console_app.execute(
            cmd.AddLogEntry(text=line.text, kind=line.kind, occurred_at=line.occurred_at),
            on_refused=event.log_input.refused,
        )
        if ok:
            event.log_input.saved()

    @on(ScribeLog.Selected)
    def _log_row(self, event: ScribeLog.Selected) -> None:
        """The full entry under the cursor: the list shows one line of each."""
        row = event.row
        detail = self.query_one("#log-detail", Static)
        # Hidden (the IC is typing, not reading), its size cannot move anything: skip the
        # layout of the whole screen that each new row would otherwise cost. Showing it lays
        # the screen out anyway.
        layout = detail.display
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
        self.tasks.focus()

    def action_log(self) -> None:
        if self.has_class("-narrow") and self.active_pane != "log":
            self.action_pane("log")
            # The pane is shown at the next refresh; only a shown input takes the focus.
            self.call_after_refresh(self.log_input.focus_input)
        else:
            self.log_input.focus_input()

    def action_assign_task(self, owner: str = "") -> None:
        if self.state is not None:
            self._form(forms.assign_task(self.state, owner))

    def action_acknowledge(self, number: int | None = None) -> None:
        task = self._find_task(number)
        if task is not None:
            self._run(cmd.AcknowledgeTask(number=task.number))

    def action_extend(self, number: int | None = None) -> None:
        task = self._find_task(number)
        if task is not None:
            self._form(forms.extend_task(task))

    def action_reassign(self, number: int | None = None) -> None:
        task = self._find_task(number)
        if task is not None and self.state is not None:
            self._form(forms.reassign_task(self.state, task))

    def action_done(self, number: int | None = None) -> None:
        task = self._find_task(number)
        if task is not None:
            self._run(cmd.CompleteTask(number=task.number))

    def action_cancel_task(self, number: int | None = None) -> None:
        task = self._find_task(number)
        if task is not None:
            self._run(cmd.CancelTask(number=task.number))

    def _find_task(self, number: int | None) -> Task | None:
        if number is not None and self.state is not None:
            return self.state.tasks.get(number)
        return self._selected_task()

    def _find_decision(self, number: int | None) -> Decision | None:
        if number is not None and self.state is not None:
            return self.state.decisions.get(number)
        return self._open_decision()

    def action_propose(self) -> None:
        self._form(forms.propose_decision())

    def action_object(self, number: int | None = None) -> None:
        decision = self._find_decision(number)
        if decision is not None and self.state is not None:
            self._form(forms.raise_objection(self.state, decision))

    def action_accept(self, number: int | None = None) -> None:
        decision = self._find_decision(number)
        if decision is not None:
            self._form(forms.accept_decision(decision))

    def action_withdraw(self, number: int | None = None) -> None:
        decision = self._find_decision(number)
        if decision is not None:
            self._form(forms.withdraw_decision(decision))

    def action_severity(self) -> None:
        if self.state is not None:
            self._form(forms.change_severity(self.state))

    def action_phase(self) -> None:
        if self.state is not None:
            self._form(forms.change_phase(self.state))

    def action_role(self, role: str = "") -> None:
        if self.state is not None:
            self._form(forms.assign_role(self.state, Role(role) if role else None))

    def action_handover(self, name: str = "") -> None:
        if self.state is not None:
            self._form(forms.handover(self.state, name))

    def action_update(self, audience: str = "") -> None:
        self._form(forms.post_update(Audience(audience) if audience else None))

    def action_release(self, name: str = "") -> None:
        if self.state is not None:
            self._form(forms.release(self.state, name))

    def action_resolve(self) -> None:
        self._form(forms.resolve())

    # -- the phrasebook ------------------------------------------------------------------------

    def action_next_phrase(self) -> None:
        self.phrases.next()

    def action_responses(self) -> None:
        from ic_console.tui.screens.responses import ResponsesScreen

        if self.state is None or self.now is None:
            return
        settings = self.console_app.settings
        situations = available_situations(self.state, self.now, me=settings.actor)
        self.app.push_screen(ResponsesScreen(self.phrasebook, situations), self._pin_response)

    def _pin_response(self, chosen: object) -> None:
        from ic_console.domain.situations import Situation

        if isinstance(chosen, Situation):
            self.phrases.pin(chosen)
            if self.has_class("-narrow"):
                self.action_pane("phrases")

    def action_copy_phrase(self) -> None:
        self.copy_sentences(self.phrases.sentences, "There is no sentence to copy.", "Phrasebook")

    def copy_sentences(self, sentences: list[str], nothing: str, title: str) -> None:
        """Put the sentences on the clipboard, or say why there is nothing to copy."""
        if not sentences:
            self.notify(nothing, severity="warning")
            return
        self.app.copy_to_clipboard(copyable(sentences))
        self.notify("Copied to the clipboard.", title=title, timeout=2)

    # -- the command palette -------------------------------------------------------------------

    def palette_commands(self) -> list[PaletteCommand]:
        """Every action, plus one entry per open task, open decision and person on the call."""
        state = self.state
        commands = [
            PaletteCommand("Log a line", "Start typing in the scribe log", self.action_log),
            PaletteCommand(
                "Assign a task", "Owner, task and timebox", lambda: self.action_assign_task()
            ),
            PaletteCommand("Propose a decision", "Then poll for objections", self.action_propose),
            PaletteCommand("Change severity", "Raise or lower it", self.action_severity),
            PaletteCommand(
                "Change phase", "Detect, mobilize, diagnose, resolve", self.action_phase
            ),
            PaletteCommand("Assign a role", "Deputy, scribe, liaisons, experts", self.action_role),
            PaletteCommand("Hand over command", "Name the new IC", lambda: self.action_handover()),
            PaletteCommand(
                "Post an internal update",
                "To executives, support, sales",
                lambda: self.action_update("internal"),
            ),
            PaletteCommand(
                "Post an external update",
                "To customers, in plain words",
                lambda: self.action_update("external"),
            ),
            PaletteCommand("Release someone", "Let them leave the call", self.action_release),
            PaletteCommand(
                "Next phrase", "What else to say now", self.action_next_phrase, writes=False
            ),
            PaletteCommand(
                "Responses",
                "Executive takeover, severity argument ...",
                self.action_responses,
                writes=False,
            ),
            PaletteCommand(
                "Copy the phrase", "To the clipboard", self.action_copy_phrase, writes=False
            ),
        ]
        commands += self.console_app.extra_palette_commands()
        if state is None:
            return commands
        if state.status is Status.ACTIVE:
            commands.append(
                PaletteCommand(
                    "Resolve the incident", "Impact ended and verified", self.action_resolve
                )
            )
        commands += self.task_commands(state)
        for decision in state.open_decisions():
            line = f"D{decision.number}: {literal(decision.text)}"
            n = decision.number
            commands.append(
                PaletteCommand(
                    f"Accept {line}",
                    "Hearing no strong objections",
                    partial(self.action_accept, n),
                )
            )
            commands.append(
                PaletteCommand(
                    f"Object to {line}",
                    "Record a strong objection",
                    partial(self.action_object, n),
                )
            )
            commands.append(
                PaletteCommand(
                    f"Withdraw {line}", "Drop the proposal", partial(self.action_withdraw, n)
                )
            )
        for level in SEVERITIES:
            if level != state.severity:
                commands.append(
                    PaletteCommand(
                        f"Severity {severity_label(level)}",
                        "Change severity",
                        partial(self._run, cmd.ChangeSeverity(severity=level)),
                    )
                )
        for phase in Phase:
            if phase is not state.phase and phase is not Phase.LEARN:
                commands.append(
                    PaletteCommand(
                        f"Phase {phase.label}",
                        "Change phase",
                        partial(self._run, cmd.ChangePhase(phase=phase)),
                    )
                )
        for person in state.on_call():
            name = person.name
            shown = literal(name)
            commands.append(
                PaletteCommand(
                    f"Assign a task to {shown}",
                    "Owner filled in",
                    partial(self.action_assign_task, name),
                )
            )
            if name != state.ic:
                commands.append(
                    PaletteCommand(
                        f"Release {shown}",
                        "Thank them and let them go",
                        partial(self.action_release, name),
                    )
                )
                commands.append(
                    PaletteCommand(
                        f"Hand over command to {shown}",
                        "They become the IC",
                        partial(self.action_handover, name),
                    )
                )
        return commands

    def task_commands(self, state: IncidentState) -> list[PaletteCommand]:
        """One entry per thing that can be done to each open task."""
        commands: list[PaletteCommand] = []
        for task in state.open_tasks():
            line = f"#{task.number} {literal(task.owner)}: {literal(task.text)}"
            n = task.number
            if task.acknowledged_at is None:
                commands.append(
                    PaletteCommand(
                        f"Acknowledge {line}",
                        "They said: understood",
                        partial(self.action_acknowledge, n),
                    )
                )
            commands.append(
                PaletteCommand(
                    f"Extend {line}",
                    "How much time do you need?",
                    partial(self.action_extend, n),
                )
            )
            commands.append(
                PaletteCommand(
                    f"Reassign {line}",
                    "Give it to someone else",
                    partial(self.action_reassign, n),
                )
            )
            commands.append(
                PaletteCommand(f"Done {line}", "The task is finished", partial(self.action_done, n))
            )
            commands.append(
                PaletteCommand(
                    f"Cancel {line}",
                    "Nobody needs to do it now",
                    partial(self.action_cancel_task, n),
                )
            )
        return commands
