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
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical

from ic_console.domain.state import IncidentState
from ic_console.tui.actions import bindings
from ic_console.tui.screens.incident import IncidentScreen
from ic_console.tui.widgets.chase_list import ChaseList
from ic_console.tui.widgets.deputy_clock import DeputyClock
from ic_console.tui.widgets.incident_header import IncidentHeader
from ic_console.tui.widgets.quiet_footer import QuietFooter
from ic_console.tui.widgets.task_board import TaskBoard


class WatchScreen(IncidentScreen):
    """`ic watch`: timers, follow-ups and the log, for the Deputy at a second terminal."""

    CSS_PATH = "watch.tcss"
    SCOPE = "watch"
    BINDINGS: ClassVar[list[BindingType]] = bindings("watch")

    def compose(self) -> ComposeResult:
        yield IncidentHeader(self.times, id="header", read_only=self.read_only)
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

    # -- state pushed down by the app ----------------------------------------------------------

    @property
    def clock(self) -> DeputyClock:
        return self.query_one(DeputyClock)

    @property
    def chase(self) -> ChaseList:
        return self.query_one(ChaseList)

    def _situations(self, state: IncidentState, now: datetime) -> None:
        super()._situations(state, now)
        self.clock.show(state, now, self.settings.cadence, self.situations)
        self.chase.show(state, now, self.situations)

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
