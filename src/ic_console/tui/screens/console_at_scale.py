"""The IC's console with what running a large incident needs (issue 15): sub-teams on the task
board and the roster, exit criteria, the state at a glance (`=`), and a handover that shows it
and records the successor's yes.

A subclass of `ConsoleScreen`, so the console's own module stays as it was; the app opens this
one. Its keys come from the registry (`tui/actions.py`, scope "console"), its palette entries
from `scale_commands` below, which `tui/palette.py` adds to the console's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from ic_console.domain import scale as s
from ic_console.domain.exit_criteria import criteria, unmet
from ic_console.domain.handover_ack import awaiting_acknowledgement
from ic_console.domain.model import Status
from ic_console.domain.situations import available_situations
from ic_console.domain.state import IncidentState
from ic_console.domain.teams import active_teams
from ic_console.live.drill import DrillClock
from ic_console.live.pinned import pin
from ic_console.tui.actions import write_actions
from ic_console.tui.screens import team_forms
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.screens.incident import IncidentScreen
from ic_console.tui.screens.watch import WatchScreen
from ic_console.tui.text import literal
from ic_console.tui.widgets.log_input import LogInput

if TYPE_CHECKING:
    from ic_console.tui.palette import PaletteCommand


def open_glance(screen: IncidentScreen) -> None:
    """Push the `=` screen, following `screen`'s state, with times in its zone."""
    from ic_console.tui.screens.glance import GlanceScreen

    screen.app.push_screen(
        GlanceScreen(
            lambda: (screen.state, screen.now), times=screen.times, cadence=screen.settings.cadence
        )
    )


#: The console's actions a resolved incident refuses whatever is typed into them: its exit
#: criteria were the call to resolve it (`AddExitCriterion`), its phase stays learn
#: (`ChangePhase`) and it is resolved already (`Resolve`). Neither keys, footer nor palette offer
#: them then; they come back when it is reopened (here or in another terminal).
REFUSED_WHEN_RESOLVED = frozenset({"exit_criterion", "phase", "resolve"})


def records_nothing(state: IncidentState | None) -> bool:
    """A closed incident: every command is refused, so the screen offers what only looks."""
    return state is not None and state.status is Status.CLOSED


def refused_when_resolved(state: IncidentState | None, action: str, scope: str = "console") -> bool:
    """Whether `state` refuses every command of `action` (of the screen `scope`): resolved,
    those of `REFUSED_WHEN_RESOLVED`; closed, all that record."""
    if state is None:
        return False
    if state.status is Status.CLOSED:
        return action in write_actions(scope)
    return state.status is Status.RESOLVED and action in REFUSED_WHEN_RESOLVED


def holds_kept_line(screen: IncidentScreen) -> bool:
    """The screen's log line holds what was typed as the incident closed (`LogInput`)."""
    lines = screen.query(LogInput)
    return bool(lines) and lines.first().holds_kept_line


def team_of_owner(state: IncidentState) -> dict[str, str]:
    """Each team member's team, the teams in the order they were formed: the task board groups
    by it when there are teams."""
    return {member: team.name for team in active_teams(state) for member in team.members}


def follow_drill_clock(screen: IncidentScreen, state: IncidentState) -> None:
    """A drill opened from its log while its briefing was open stands still until the log says
    its clock started (the trainee pressed Enter), then runs as the trainee's does."""
    clock = screen.settings.clock
    if isinstance(clock, DrillClock):
        clock.follow(state)


class ConsoleAtScale(ConsoleScreen):
    """The console, with teams, exit criteria and the glance."""

    def at(self, when: datetime) -> str:
        """A time as the console shows it: its zone, named."""
        return f"{self.times.clock(when, seconds=False)} {self.times.zone_name(when)}"

    def show(self, state: IncidentState, now: datetime) -> None:
        self.tasks.teams = team_of_owner(state)
        follow_drill_clock(self, state)
        super().show(state, now)
        if state.status is not getattr(self, "_status_shown", None):
            # The store folds into the same state object: its status before this call is
            # already the new one, so the footer's is kept apart to compare with.
            self._status_shown = state.status
            self.refresh_bindings()  # resolved or reopened: the footer follows `check_action`

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A resolved incident neither shows nor runs what it would refuse."""
        if action == "log" and holds_kept_line(self):
            return True  # back to the line typed as the incident closed, to copy it
        if refused_when_resolved(self.state, action, self.SCOPE):
            return False
        return super().check_action(action, parameters)

    # -- the state at a glance -----------------------------------------------------------------

    def action_glance(self) -> None:
        open_glance(self)

    def pin_situation(self, situation_id: str) -> None:
        """Put one of the always-available sentences in the phrasebook pane, filled in."""
        if self.state is None or self.now is None:
            return
        for situation in available_situations(self.state, self.now, me=self.settings.actor):
            if situation.id == situation_id:
                self._pin_response(situation)
                return

    # -- teams and exit criteria ---------------------------------------------------------------

    def _form_with_state(self, make: Callable[[IncidentState], CommandForm]) -> None:
        if self.state is not None:
            self.form(make(self.state))

    def action_team(self) -> None:
        self._form_with_state(team_forms.form_team)

    def action_add_team_member(self, team: str = "") -> None:
        self._form_with_state(lambda state: team_forms.add_team_member(state, team))

    def action_disband_team(self, team: str = "") -> None:
        self._form_with_state(lambda state: team_forms.disband_team(state, team))

    def action_team_task(self, team: str = "") -> None:
        self._form_with_state(lambda state: team_forms.team_task(state, team))

    def action_exit_criterion(self) -> None:
        self._form_with_state(team_forms.add_exit_criterion)

    def action_exit_met(self, met: bool = True) -> None:
        self._form_with_state(lambda state: team_forms.meet_exit_criterion(state, met=met))

    # -- handing over and resolving ------------------------------------------------------------

    def action_handover(self, name: str = "") -> None:
        if self.state is not None and self.now is not None:
            self.form(
                team_forms.handover(
                    self.state, self.now, name, at=self.at, cadence=self.settings.cadence
                )
            )

    def action_resolve(self) -> None:
        state = self.state
        if state is not None and state.status is Status.ACTIVE and unmet(state):
            self.form(team_forms.resolve_over_criteria(state))
            return
        super().action_resolve()


class WatchAtScale(WatchScreen):
    """The Deputy's (or a liaison's) view, with the tasks grouped by team and the glance."""

    def show(self, state: IncidentState, now: datetime) -> None:
        self.tasks.teams = team_of_owner(state)
        follow_drill_clock(self, state)
        super().show(state, now)
        if state.status is not getattr(self, "_status_shown", None):
            # The store folds into the same state object: its status before this call is
            # already the new one, so the footer's is kept apart to compare with.
            self._status_shown = state.status
            self.refresh_bindings()  # closed: the footer follows `check_action`

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A closed incident neither shows nor runs what would record."""
        if action == "log" and holds_kept_line(self):
            return True  # back to the line typed as the incident closed, to copy it
        if refused_when_resolved(self.state, action, self.SCOPE):
            return False
        return super().check_action(action, parameters)

    def action_glance(self) -> None:
        open_glance(self)


def scale_commands(screen: IncidentScreen) -> list[PaletteCommand]:
    """The palette's entries for teams, exit criteria, the glance and the handover's yes."""
    from ic_console.tui.palette import PaletteCommand, _keyed

    if isinstance(screen, WatchAtScale):
        return [
            PaletteCommand(
                "The state at a glance",
                _keyed(screen, "glance", "For a newcomer or an executive; c copies it"),
                screen.action_glance,
                writes=False,
            )
        ]
    if not isinstance(screen, ConsoleAtScale):
        return []
    commands = [
        PaletteCommand(
            "The state at a glance",
            _keyed(screen, "glance", "For a newcomer or an executive; c copies it"),
            screen.action_glance,
            writes=False,
        ),
        PaletteCommand(
            "Form a sub-team",
            _keyed(screen, "team", "A lead, members and a goal (Alpha, Bravo...)"),
            screen.action_team,
        ),
    ]
    if not refused_when_resolved(screen.state, "exit_criterion"):
        commands.append(
            PaletteCommand(
                "Add an exit criterion",
                _keyed(screen, "exit_criterion", "What must be true to call this resolved"),
                screen.action_exit_criterion,
            )
        )
    state = screen.state
    if state is None:
        return commands
    for team in active_teams(state):
        name = literal(team.name)
        commands += [
            PaletteCommand(
                f"Add someone to team {name}",
                f"Led by {literal(team.lead)}",
                partial(screen.action_add_team_member, team.name),
            ),
            PaletteCommand(
                f"Give team {name} a task",
                f"It goes to its lead, {literal(team.lead)}",
                partial(screen.action_team_task, team.name),
            ),
            PaletteCommand(
                f"Ask {literal(team.lead)} for team {name}'s status",
                "The sentence, in the phrasebook pane",
                partial(screen.pin_situation, "team-status"),
                writes=False,
            ),
            PaletteCommand(
                f"Disband team {name}",
                "Its people report to you directly again",
                partial(screen.action_disband_team, team.name),
            ),
        ]
    for criterion in criteria(state):
        line = f"{criterion.number}. {literal(criterion.text)}"
        if criterion.met:
            commands.append(
                PaletteCommand(
                    f"Exit criterion not met after all: {line}",
                    "Take the tick back",
                    partial(screen.run, pin(state, s.UnmeetExitCriterion(number=criterion.number))),
                )
            )
        else:
            commands.append(
                PaletteCommand(
                    f"Exit criterion met: {line}",
                    "Tick it off",
                    partial(screen.run, pin(state, s.MeetExitCriterion(number=criterion.number))),
                )
            )
    if awaiting_acknowledgement(state) and state.ic is not None:
        commands.append(
            PaletteCommand(
                f"{literal(state.ic)} said yes to taking command",
                "Record the handover's acknowledgement",
                partial(screen.run, s.AcknowledgeHandover()),
            )
        )
    return commands
