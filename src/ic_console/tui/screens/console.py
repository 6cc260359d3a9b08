"""The IC's console: header, roster, task board, scribe log and phrasebook on one screen.

Below 120x34 the panes are shown one at a time under tabs (keys 1-4) and the focus follows the
pane on screen, so the arrows never move a list the IC cannot see. What the shared
`IncidentScreen` does not cover is here: decisions, roles, severity, phase, updates, the
phrasebook and the panes. The palette's entries come from `tui/palette.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Tab, Tabs

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.model import Audience, Role
from ic_console.domain.situations import Situation, available_situations
from ic_console.domain.state import Decision, IncidentState, Task
from ic_console.live.incident import LiveSettings
from ic_console.tui.actions import bindings
from ic_console.tui.screens import command_forms as forms
from ic_console.tui.screens import task_forms
from ic_console.tui.screens.incident import IncidentScreen
from ic_console.tui.text import TimeFormat, literal
from ic_console.tui.widgets.incident_header import IncidentHeader, late_count
from ic_console.tui.widgets.phrasebook_pane import PhrasebookPane
from ic_console.tui.widgets.quiet_footer import QuietFooter
from ic_console.tui.widgets.roster import Roster
from ic_console.tui.widgets.say_line import SayLine
from ic_console.tui.widgets.task_board import TaskBoard

#: Below this size the panes are shown one at a time, under tabs.
NARROW_WIDTH = 120
NARROW_HEIGHT = 34

PANES = (
    ("tasks", "Tasks"),
    ("log", "Scribe log"),
    ("roster", "Roster"),
    ("phrases", "Phrasebook"),
)


def _is_narrow(width: int, height: int) -> bool:
    return width < NARROW_WIDTH or height < NARROW_HEIGHT


#: Seconds within which a digit typed after a pane key (1-4) joins it in one number, as the
#: digits of a number are typed; after a longer pause the pane key was only a pane key.
NUMBER_BURST = 1.0


def _typed_at(screen: IncidentScreen) -> float:
    """When the key being handled was typed (the app's clock for keys)."""
    return float(getattr(screen.app, "key_typed_at", 0.0))


#: The widget that takes the focus when its pane is shown (None: nothing to move in it).
PANE_FOCUS = {"tasks": "#tasks", "log": "#log", "roster": None, "phrases": None}


class ConsoleScreen(IncidentScreen):
    """Everything the IC looks at during the call."""

    SCOPE = "console"
    BINDINGS: ClassVar[list[BindingType]] = bindings("console")

    def __init__(
        self,
        times: TimeFormat,
        phrasebook: Phrasebook,
        settings: LiveSettings,
        *,
        runbooks: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(times, phrasebook, settings, runbooks=runbooks)
        self.active_pane = "tasks"
        #: The pane shown before digits were typed, restored when they named a task instead.
        self._pane_before_number: str | None = None
        #: When the last digit, if it was a pane key (1-4), was typed.
        self._pane_key_at: float | None = None
        #: The task tab's label without its digit ("Tasks (2 late)"), for tabs made later.
        self._tasks_label = "Tasks"
        #: The newest open decision at the last redraw, and one that became the newest by
        #: being proposed elsewhere (a script, another console): the next y, o or w without a
        #: number may have been meant for the one before it.
        self._newest_decision: int | None = None
        self._decision_arrived: int | None = None
        self.add_class("-tab-tasks")

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield IncidentHeader(self.times, id="header", read_only=self.read_only)
        # The sentence to say now, on every tab: the toasts (bottom right) never cover it.
        yield SayLine(self.phrasebook, id="say")
        if _is_narrow(self.app.size.width, self.app.size.height):
            yield self._pane_tabs()
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

    def _mounted(self) -> None:
        titles = {
            "roster": "Roster and roles",
            "phrases": "Phrasebook",
            "tasks": "Tasks",
            "log": "Scribe log",
        }
        for key, title in titles.items():
            self.query_one(f"#pane-{key}").border_title = title
        # Now, not after the next refresh (`focus()`): the first frame has it, and the footer
        # is not composed and the screen drawn again for it once the console is on screen.
        self.set_focus(self.query_one(TaskBoard))
        self._layout()

    def on_resize(self) -> None:
        self._layout()

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def _layout(self) -> None:
        narrow = _is_narrow(*self.size)
        self.set_class(narrow, "-narrow")
        if narrow and not list(self.query("#pane-tabs")):
            # Composed only for a small screen (a wide one never shows them: five widgets
            # mounted, styled and laid out for nothing, ~15 ms of the first frame); a screen
            # made small later gets them here, on the pane shown.
            self.mount(self._pane_tabs(), before=self.query_one("#panes"))

    def _pane_tabs(self) -> Tabs:
        labels = dict(PANES, tasks=self._tasks_label)
        return Tabs(
            *(Tab(f"{n} {labels[key]}", id=f"tab-{key}") for n, (key, _) in enumerate(PANES, 1)),
            id="pane-tabs",
            active=f"tab-{self.active_pane}",
        )

    def action_pane(self, key: str, focus: bool = True) -> None:
        self._show_pane(key, focus=focus)
        for tabs in self.query("#pane-tabs").results(Tabs):
            tabs.active = f"tab-{key}"

    @on(Tabs.TabActivated, "#pane-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        key = (event.tab.id or "tab-tasks").removeprefix("tab-")
        if key != self.active_pane:
            self._show_pane(key)

    def _show_pane(self, key: str, focus: bool = True) -> None:
        """Show pane `key` (a small screen shows one at a time) and give it the focus."""
        self.active_pane = key
        for pane in self.query(".pane"):
            pane.set_class(pane.id == f"pane-{key}", "-active")
        for other, _label in PANES:
            self.set_class(other == key, f"-tab-{other}")
        target = PANE_FOCUS.get(key)
        if not focus:
            return
        if target is not None:
            self.set_focus(self.query_one(target))
        elif self.narrow:
            # Nothing to move in this pane: a hidden list must not keep the arrows.
            self.set_focus(None)

    def action_digit(self, digit: int) -> None:
        """1-4 show a pane at once; any digits also name the task for the next key ("3d").

        Digits typed together are one number ("21d": task 21). A lone pane key followed by a
        pause was a pane key: "2", a look at the log, then "1d" is task 1 (it was task 21)."""
        if self._lone_pane_key() is not None:
            self.forget_number()
        if not self.number:
            self._pane_before_number = self.active_pane
        super().action_digit(digit)
        pane = PANES[digit - 1][0] if 1 <= digit <= len(PANES) else None
        self._pane_key_at = _typed_at(self) if pane is not None else None
        if pane is not None:
            self.action_pane(pane)

    def _lone_pane_key(self) -> int | None:
        """The number waiting, when it is one pane key (1-4) and the key in hand came a pause
        after it: that digit showed a pane, and may not have been meant as a number."""
        if len(self.number) != 1 or self._pane_key_at is None:
            return None
        if _typed_at(self) - self._pane_key_at <= NUMBER_BURST:
            return None
        return int(self.number)

    def _pane_key_or_number(self, what: str, chosen: int | None, where: str) -> bool:
        """Whether a lone pane key before a pause leaves it unclear which `what` the key in hand
        is for: its digit, or `chosen` (`where`: under the cursor, the newest). Unclear: nothing
        is done and the IC is told how to say which; the digit is forgotten either way."""
        digit = self._lone_pane_key()
        if digit is None:
            return False
        self.forget_number()
        self._pane_before_number = None
        if chosen == digit:
            return False
        key = str(getattr(self.app, "key_in_hand", "")) or "the key"
        other = f"; for {what} {chosen} {where}, press {key} again" if chosen is not None else ""
        self.notify(
            f"Not done: {digit} came a moment before {key}, so it may have been the pane key. "
            f"For {what} {digit}, type {digit}{key} together{other}.",
            severity="warning",
            timeout=8,
        )
        return True

    def take_number(self) -> int | None:
        before = self._pane_before_number
        number = super().take_number()
        if number is not None and before is not None and before != self.active_pane:
            # The digits named a task, not a pane: go back to what was on screen.
            self.action_pane(before)
        self._pane_before_number = None
        return number

    def find_task(self, number: int | None = None) -> Task | None:
        """At a small size with the task board hidden, the cursor is not the IC's choice."""
        on_board = not self.narrow or self.active_pane == "tasks"
        if number is None:
            selected = self.tasks.selected_task if on_board else None
            chosen = selected.number if selected else None
            if self._pane_key_or_number("task", chosen, "under the cursor"):
                return None
        if number is None and not self.number and self.narrow and self.active_pane != "tasks":
            self.notify(
                "Type the task number first (3d), or press 1 to see the task board.",
                severity="warning",
            )
            return None
        return super().find_task(number)

    # -- state pushed down by the app ----------------------------------------------------------

    @property
    def phrases(self) -> PhrasebookPane:
        return self.query_one(PhrasebookPane)

    def show_others(self, labels: list[str]) -> None:
        self.query_one(Roster).show_others(labels)

    def show(self, state: IncidentState, now: datetime) -> None:
        self.query_one(Roster).show(state, now)
        first = self.state is None
        super().show(state, now)
        newest = state.open_decisions()[-1:]
        number = newest[0].number if newest else None
        if number != self._newest_decision:
            mine = not newest or newest[0].proposed_by == self.settings.actor
            self._decision_arrived = None if first or mine else number
            self._newest_decision = number

    def tick(self, now: datetime) -> None:
        self.query_one(Roster).tick(now)
        super().tick(now)

    def _situations(self, state: IncidentState, now: datetime) -> None:
        super()._situations(state, now)
        self.phrases.show(self.situations)
        self.query_one(SayLine).show(self.situations)
        late = late_count(state, now)
        self._tasks_label = f"Tasks ({late} late)" if late else "Tasks"
        label = f"1 {self._tasks_label}"
        # The tabs compose their own children once they are mounted, which can come after the
        # screen's first state on a busy machine: the label then waits for the next tick.
        for tab in self.query("#tab-tasks").results(Tab):
            if str(tab.label) != label:
                tab.label = label

    # -- the log -------------------------------------------------------------------------------

    def action_log(self) -> None:
        if self.narrow and self.active_pane != "log":
            self.action_pane("log", focus=False)
        # At once, not at the next refresh: the letters typed right after `l` are the line.
        self.log_input.focus_input()

    def focus_after_log(self) -> None:
        """On a small screen the focus stays with the pane on screen: given to the task board
        hidden under the log's tab, the arrows moved its cursor out of sight."""
        if self.narrow and self.active_pane != "tasks":
            target = PANE_FOCUS.get(self.active_pane)
            self.set_focus(self.query_one(target) if target is not None else None)
            return
        super().focus_after_log()

    # -- people and tasks ----------------------------------------------------------------------

    def action_join(self, name: str = "") -> None:
        if self.state is not None:
            self.form(forms.join(self.state, name))

    def action_assign_task(self, owner: str = "") -> None:
        if self.state is not None:
            self.form(task_forms.assign_task(self.state, owner))

    # -- decisions -----------------------------------------------------------------------------

    def find_decision(self, number: int | None = None) -> Decision | None:
        """The decision named by the typed number, else the newest open one."""
        if self.state is None:
            return None
        if number is None:
            newest = self.state.open_decisions()[-1:]
            chosen = newest[0].number if newest else None
            if self._pane_key_or_number("decision", chosen, "(the newest open)"):
                return None
            if newest and not self.number and self._decision_arrived == chosen:
                # Proposed elsewhere a moment ago: "y, Enter" accepted it unread.
                self._decision_arrived = None
                key = str(getattr(self.app, "key_in_hand", "")) or "the key"
                self.notify(
                    f"Not opened: D{chosen} ({literal(newest[0].text)}) was just proposed by "
                    f"{literal(newest[0].proposed_by)}. Press {key} again for D{chosen}, or type "
                    f"the number of the one you mean first (like 1{key}).",
                    severity="warning",
                    timeout=8,
                )
                return None
        number = self.take_number() if number is None else number
        if number is not None:
            decision = self.state.decisions.get(number)
            if decision is None:
                self.notify(f"There is no decision {number}.", severity="warning")
            return decision
        decisions = self.state.open_decisions()
        if not decisions:
            self.notify("No decision is open. Press p to propose one.", severity="warning")
            return None
        return decisions[-1]

    def action_propose(self) -> None:
        self.form(task_forms.propose_decision())

    def action_object(self, number: int | None = None) -> None:
        decision = self.find_decision(number)
        if decision is not None and self.state is not None:
            self.form(task_forms.raise_objection(self.state, decision))

    def action_accept(self, number: int | None = None) -> None:
        decision = self.find_decision(number)
        if decision is not None:
            self.form(task_forms.accept_decision(decision, self.state))

    def action_withdraw(self, number: int | None = None) -> None:
        decision = self.find_decision(number)
        if decision is not None:
            self.form(task_forms.withdraw_decision(decision, self.state))

    # -- the incident --------------------------------------------------------------------------

    def action_severity(self) -> None:
        if self.state is not None:
            self.form(forms.change_severity(self.state))

    def action_phase(self) -> None:
        if self.state is not None:
            self.form(forms.change_phase(self.state))

    def action_role(self, role: str = "") -> None:
        if self.state is not None:
            self.form(forms.assign_role(self.state, Role(role) if role else None))

    def action_handover(self, name: str = "") -> None:
        if self.state is not None:
            self.form(forms.handover(self.state, name))

    def action_update(self, audience: str = "") -> None:
        self.form(forms.post_update(Audience(audience) if audience else None))

    def action_release(self, name: str = "") -> None:
        if self.state is not None:
            self.form(forms.release(self.state, name))

    def action_resolve(self) -> None:
        if self.state is not None:
            self.form(forms.resolve(self.state))

    # -- the phrasebook ------------------------------------------------------------------------

    def action_next_phrase(self) -> None:
        self.phrases.next()

    def action_responses(self) -> None:
        from ic_console.tui.screens.responses import ResponsesScreen

        if self.state is None or self.now is None:
            return
        situations = available_situations(self.state, self.now, me=self.settings.actor)
        self.app.push_screen(ResponsesScreen(self.phrasebook, situations), self._pin_response)

    def _pin_response(self, chosen: object) -> None:
        if isinstance(chosen, Situation):
            self.phrases.pin(chosen)
            if self.narrow:
                self.action_pane("phrases")

    def action_copy_phrase(self) -> None:
        self.copy_sentences(self.phrases.sentences, "There is no sentence to copy.", "Phrasebook")
