"""The Deputy's view: the same incident, laid out around time.

The Deputy keeps time for the IC: the incident clock and its ten-minute marks, who to chase and
the sentence to chase them with, the update cadence, a large task board and the log tail. The
Deputy may log, add follow-ups, acknowledge, extend, reassign and close tasks from here; every
other action stays with the IC's console. Everything the screen runs goes through the app, like
the IC's console, so both terminals obey the same rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical

from ic_console.domain.situations import current_situations
from ic_console.domain.state import IncidentState
from ic_console.tui.screens.console import ConsoleScreen, PaletteCommand
from ic_console.tui.widgets.chase_list import ChaseList
from ic_console.tui.widgets.deputy_clock import DeputyClock
from ic_console.tui.widgets.incident_header import IncidentHeader
from ic_console.tui.widgets.quiet_footer import QuietFooter
from ic_console.tui.widgets.task_board import TaskBoard


class WatchScreen(ConsoleScreen, inherit_bindings=False):
    """`ic watch`: timers, follow-ups and the log, for the Deputy at a second terminal."""

    CSS_PATH = "watch.tcss"
    SCREEN_ID = "watch"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log", "Log", id="log"),
        Binding("f", "followup", "Follow-up", id="followup"),
        Binding("a", "acknowledge", "Ack", id="ack"),
        Binding("x", "extend", "Extend", id="extend"),
        Binding("r", "reassign", "Reassign", id="reassign"),
        Binding("d", "done", "Done", id="done"),
        Binding("c", "copy_phrase", "Copy chase", id="copy-phrase"),
        Binding("k", "app.checklists", "Checklists", id="checklists"),
        Binding("b", "app.runbooks", "Runbooks", id="runbooks"),
    ]

    def compose(self) -> ComposeResult:
        yield IncidentHeader(self.times, id="header")
        yield DeputyClock(self.times, self.phrasebook, id="deputy-clock")
        with Horizontal(id="watch-main"):
            with Vertical(id="pane-tasks", classes="pane"):
                yield TaskBoard(id="tasks")
            with Vertical(id="pane-chase", classes="pane"):
                yield ChaseList(self.phrasebook, id="chase")
        yield from self.compose_log_pane()
        yield QuietFooter(compact=True)

    def _mounted(self) -> None:
        titles = {"tasks": "Tasks by deadline", "chase": "Chase now", "log": "Scribe log"}
        for key, title in titles.items():
            self.query_one(f"#pane-{key}").border_title = title
        self.query_one(TaskBoard).focus()

    def _layout(self) -> None:
        """One layout at every size: the task board and the chase list share the middle."""

    # -- state pushed down by the app ----------------------------------------------------------

    @property
    def clock(self) -> DeputyClock:
        return self.query_one(DeputyClock)

    @property
    def chase(self) -> ChaseList:
        return self.query_one(ChaseList)

    def show(self, state: IncidentState, now: datetime) -> None:
        self.state = state
        self.now = now
        self.times.reference_for(state.declared_at)
        settings = self.console_app.settings
        self.header.show(state, now, settings.cadence)
        self.tasks.show(state.open_tasks(), now)
        self._situations(state, now)

    def tick(self, now: datetime) -> None:
        self.now = now
        self.header.tick(now)
        self.tasks.tick(now)
        if self.state is not None:
            self._situations(self.state, now)

    def _situations(self, state: IncidentState, now: datetime) -> None:
        settings = self.console_app.settings
        situations = current_situations(state, now, cadence=settings.cadence, me=settings.actor)
        self.clock.show(state, now, settings.cadence, situations)
        self.chase.show(state, now, situations)

    def show_others(self, labels: list[str]) -> None:
        self.clock.show_others(labels)
        if self.state is not None and self.now is not None:
            self._situations(self.state, self.now)

    # -- actions -------------------------------------------------------------------------------

    def action_followup(self) -> None:
        """A follow-up item for the postmortem: the log line starts as a follow-up."""
        self.log_input.focus_input("f: ")

    def action_copy_phrase(self) -> None:
        """Copy the call-out for a mark just passed, else the first chase sentence."""
        sentences = self.clock.callout
        if not sentences and self.chase.chase:
            sentences = self.phrasebook.render(self.chase.chase[0])[:1]
        self.copy_sentences(sentences, "Nobody to chase and no mark to call out.", "Deputy")

    def palette_commands(self) -> list[PaletteCommand]:
        commands = [
            PaletteCommand("Log a line", "Start typing in the scribe log", self.action_log),
            PaletteCommand(
                "Add a follow-up item", "An action item for the postmortem", self.action_followup
            ),
            PaletteCommand(
                "Copy the chase sentence",
                "What to say to the owner of an expired timebox",
                self.action_copy_phrase,
                writes=False,
            ),
        ]
        commands += self.console_app.extra_palette_commands()
        if self.state is not None:
            commands += self.task_commands(self.state)
        return commands
