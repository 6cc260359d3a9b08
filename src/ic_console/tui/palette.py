"""The command palette: every action of the console, following the current state.

The entries are built here from the screen's state (one per open task, decision and person on
the call), and each shows its key. The provider only matches them. Titles are shown as plain
text, never as markup, because they carry user text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ic_console.domain import commands as cmd
from ic_console.domain.describe import accept_hint
from ic_console.domain.exit_criteria import criteria
from ic_console.domain.model import SEVERITIES, Phase, Status, severity_label
from ic_console.domain.state import IncidentState
from ic_console.domain.teams import active_teams
from ic_console.live.pinned import Kind, number_of
from ic_console.tui.actions import key_label
from ic_console.tui.screens import scale_edit_forms
from ic_console.tui.screens.console import ConsoleScreen
from ic_console.tui.screens.console_at_scale import (
    records_nothing,
    refused_when_resolved,
    scale_commands,
)
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.screens.incident import IncidentScreen
from ic_console.tui.screens.watch import WatchScreen
from ic_console.tui.text import literal, one_line, truncate


@dataclass(frozen=True)
class PaletteCommand:
    """One entry of the command palette."""

    title: str
    help: str
    run: Callable[[], object]
    #: False for commands that only look (phrasebook, runbooks): a read-only console keeps them.
    writes: bool = True
    #: The action it runs, to show its key ("acknowledge" -> "a").
    action: str = ""


#: Each screen's keys by action while its palette entries are built (see `_keys_once`).
_KEYS_BY_ACTION: dict[int, dict[str, str]] = {}


@contextmanager
def _keys_once(screen: IncidentScreen) -> Iterator[None]:
    """Look the screen's keys up once for a whole build of its entries. Each entry asked
    `active_bindings` again (a walk of every binding, longer under the palette): at 2,000 open
    tasks that was 0.25 s a keystroke, and 500 characters pasted into the palette kept the
    console's keys waiting (Esc took 14 s)."""
    keys: dict[str, str] = {}
    try:
        for key, binding in screen.active_bindings.items():
            keys.setdefault(binding.binding.action, key)
    except Exception:  # the screen is not mounted: no keys to show
        pass
    _KEYS_BY_ACTION[id(screen)] = keys
    try:
        yield
    finally:
        _KEYS_BY_ACTION.pop(id(screen), None)


def _keyed(screen: IncidentScreen, action: str, help_text: str) -> str:
    """`help_text`, with the key that does the same thing, when there is one."""
    known = _KEYS_BY_ACTION.get(id(screen))
    if known is not None:
        return f"{help_text} · key {key_label(known[action])}" if action in known else help_text
    try:
        active = screen.active_bindings
    except Exception:  # the screen is not mounted: no keys to show
        return help_text
    for key, binding in active.items():
        if binding.binding.action == action:
            return f"{help_text} · key {key_label(key)}"
    return help_text


def _console_actions(screen: ConsoleScreen) -> list[PaletteCommand]:
    """The console's own actions, each with its key."""
    entries: list[tuple[str, str, Callable[[], object], str, bool]] = [
        ("Log a line", "Start typing in the scribe log", screen.action_log, "log", True),
        ("Add someone to the call", "No role or task yet", screen.action_join, "join", True),
        (
            "Assign a task",
            "Owner, task and timebox",
            screen.action_assign_task,
            "assign_task",
            True,
        ),
        ("Propose a decision", "Then poll for objections", screen.action_propose, "propose", True),
        ("Change severity", "Raise or lower it", screen.action_severity, "severity", True),
        ("Change phase", "Detect, mobilize, diagnose, resolve", screen.action_phase, "phase", True),
        ("Assign a role", "Deputy, scribe, liaisons, experts", screen.action_role, "role", True),
        ("Hand over command", "Name the new IC", screen.action_handover, "handover", True),
        (
            "Post an internal update",
            "To executives, support, sales",
            partial(screen.action_update, "internal"),
            "update",
            True,
        ),
        (
            "Post an external update",
            "To customers, in plain words",
            partial(screen.action_update, "external"),
            "update",
            True,
        ),
        ("Release someone", "Let them leave the call", screen.action_release, "release", True),
        ("Next phrase", "What else to say now", screen.action_next_phrase, "next_phrase", False),
        (
            "Responses",
            "Executive takeover, severity argument ...",
            screen.action_responses,
            "responses",
            False,
        ),
        ("Copy the phrase", "To the clipboard", screen.action_copy_phrase, "copy_phrase", False),
    ]
    return [
        PaletteCommand(title, _keyed(screen, action, help_text), run, writes, action)
        for title, help_text, run, action, writes in entries
        if not refused_when_resolved(screen.state, action)  # "Change phase" once resolved
    ]


def console_commands(screen: ConsoleScreen) -> list[PaletteCommand]:
    """Every action of the IC's console, plus one entry per task, decision and person."""
    state = screen.state
    commands = _console_actions(screen)
    commands += reference_commands(screen)
    if state is None:
        return commands
    if state.status is Status.ACTIVE:
        commands.append(
            PaletteCommand(
                "Resolve the incident",
                _keyed(screen, "resolve", "Impact ended and verified"),
                screen.action_resolve,
            )
        )
    commands += task_commands(screen, state)
    commands += _decision_commands(screen, state)
    for level in SEVERITIES:
        if level != state.severity:
            commands.append(
                PaletteCommand(
                    f"Severity {severity_label(level)}",
                    "Change severity",
                    partial(screen.run, cmd.ChangeSeverity(severity=level)),
                )
            )
    for phase in Phase:
        if phase is not state.phase and phase is not Phase.LEARN and state.status is Status.ACTIVE:
            commands.append(
                PaletteCommand(
                    f"Phase {phase.label}",
                    "Change phase",
                    partial(screen.run, cmd.ChangePhase(phase=phase)),
                )
            )
    commands += _people_commands(screen, state)
    commands += scale_commands(screen)  # teams, exit criteria, the glance (issue 15)
    commands += _changing_scale_commands(screen, state)
    return commands


def _changing_scale_commands(screen: ConsoleScreen, state: IncidentState) -> list[PaletteCommand]:
    """A team's new lead, and dropping an exit criterion (issue 15)."""
    commands = [
        PaletteCommand(
            f"Change the lead of team {literal(team.name)}",
            f"Now {literal(team.lead)}, who stays in the team",
            partial(_open_form, screen, scale_edit_forms.change_team_lead, state, team),
        )
        for team in active_teams(state)
    ]
    commands += [
        PaletteCommand(
            f"Drop exit criterion {criterion.number}. {literal(criterion.text)}",
            "It no longer counts; the review shows it dropped",
            partial(_open_form, screen, scale_edit_forms.drop_exit_criterion, criterion, state),
        )
        for criterion in criteria(state)
    ]
    return commands


def _open_form(screen: ConsoleScreen, make: Callable[..., CommandForm], *args: object) -> None:
    """Build the form when the entry is chosen, not each time the palette lists it."""
    screen.form(make(*args))


def _decision_commands(screen: ConsoleScreen, state: IncidentState) -> list[PaletteCommand]:
    commands: list[PaletteCommand] = []
    refs = {number: ref for ref, number in state.decision_refs.items()}
    for decision in state.open_decisions():
        line = f"D{decision.number}: {_short(decision.text)}"
        n = decision.number
        commands += _acting_on(
            screen,
            line,
            n,
            # Follows the decision if another laptop's proposal takes its number meanwhile.
            ("decision", refs.get(n)),
            # Over an objection, never "hearing no strong objections" (domain/describe.py).
            (
                "Accept",
                "accept",
                accept_hint(o.by for o in decision.objections),
                screen.action_accept,
            ),
            ("Object to", "object", "Record a strong objection", screen.action_object),
            ("Withdraw", "withdraw", "Drop the proposal", screen.action_withdraw),
        )
    return commands


def _people_commands(screen: ConsoleScreen, state: IncidentState) -> list[PaletteCommand]:
    commands: list[PaletteCommand] = []
    for person in state.on_call():
        name = person.name
        shown = literal(name)
        commands.append(
            PaletteCommand(
                f"Assign a task to {shown}",
                "Owner filled in",
                partial(screen.action_assign_task, name),
            )
        )
        if name != state.ic:
            commands += [
                PaletteCommand(
                    f"Release {shown}",
                    "Thank them and let them go",
                    partial(screen.action_release, name),
                ),
                PaletteCommand(
                    f"Hand over command to {shown}",
                    "They become the IC",
                    partial(screen.action_handover, name),
                ),
            ]
    return commands


def watch_commands(screen: WatchScreen) -> list[PaletteCommand]:
    """The Deputy's actions, plus one entry per open task."""
    commands = [
        PaletteCommand(
            "Log a line", _keyed(screen, "log", "Start typing in the scribe log"), screen.action_log
        ),
        PaletteCommand(
            "Add a follow-up item",
            _keyed(screen, "followup", "An action item for the postmortem"),
            screen.action_followup,
        ),
        PaletteCommand(
            "Copy the chase sentence",
            _keyed(screen, "copy_phrase", "What to say to the owner of an expired timebox"),
            screen.action_copy_phrase,
            writes=False,
        ),
    ]
    commands += reference_commands(screen)
    commands += scale_commands(screen)  # the glance (issue 15)
    if screen.state is not None:
        commands += task_commands(screen, screen.state)
    return commands


def reference_commands(screen: IncidentScreen) -> list[PaletteCommand]:
    """Checklists, runbooks (one entry each) and the keys."""
    commands = [
        PaletteCommand(
            "Checklists",
            _keyed(screen, "app.checklists", "For this phase, severity and your roles"),
            partial(screen.run_action, "app.checklists"),
            writes=False,
        ),
        PaletteCommand(
            "Runbooks",
            _keyed(screen, "app.runbooks", "Search the runbooks"),
            partial(screen.run_action, "app.runbooks"),
            writes=False,
        ),
        PaletteCommand(
            "Keys",
            "Every key, by what it does · key ?",
            partial(screen.run_action, "app.help"),
            writes=False,
        ),
    ]
    for runbook_id, title in screen.runbooks:
        commands.append(
            PaletteCommand(
                f"Runbook: {literal(title)}",
                "Open this runbook",
                partial(screen.run_action, f"app.runbooks({runbook_id!r})"),
                writes=False,
            )
        )
    return commands


def task_commands(screen: IncidentScreen, state: IncidentState) -> list[PaletteCommand]:
    """One entry per thing that can be done to each open task."""
    commands: list[PaletteCommand] = []
    refs = {number: ref for ref, number in state.task_refs.items()}
    for task in state.open_tasks():
        line = f"#{task.number} {literal(task.owner)}: {_short(task.text)}"
        n = task.number
        # Follows the task if another laptop's task takes its number meanwhile.
        following: tuple[Kind, str | None] = ("task", refs.get(n))
        if task.acknowledged_at is None:
            commands.append(
                PaletteCommand(
                    f"Acknowledge {line}",
                    _keyed(screen, "acknowledge", "They said: understood"),
                    partial(_following, screen, following, screen.action_acknowledge, n),
                )
            )
        commands += _acting_on(
            screen,
            line,
            n,
            following,
            ("Extend", "extend", "How much time do you need?", screen.action_extend),
            ("Reassign", "reassign", "Give it to someone else", screen.action_reassign),
            ("Done", "done", "The task is finished", screen.action_done),
            ("Cancel", "cancel_task", "Nobody needs to do it now", screen.action_cancel_task),
        )
    return commands


def _acting_on(
    screen: IncidentScreen,
    line: str,
    number: int,
    following: tuple[Kind, str | None],
    *verbs: tuple[str, str, str, Callable[[int], object]],
) -> list[PaletteCommand]:
    """One entry per verb for task or decision `number`: "Done #3 Jordan: check replica lag"."""
    return [
        PaletteCommand(
            f"{verb} {line}",
            _keyed(screen, action, help_text),
            partial(_following, screen, following, run, number),
        )
        for verb, action, help_text, run in verbs
    ]


def _following(
    screen: IncidentScreen,
    following: tuple[Kind, str | None],
    run: Callable[[int], object],
    number: int,
) -> object:
    """Run `run` on the task or decision the entry named, at the number it has now: the
    entries are built as the query is typed, and a merge of another laptop's tasks can give
    "#2" to another task before Enter (Kim's task was closed from "Done #2 Sam: ...")."""
    kind, ref = following
    if ref is not None and screen.state is not None:
        number = number_of(screen.state, kind, ref) or number
    return run(number)


class ConsoleCommands(Provider):
    """Commands of the console and the Deputy's view (none on other screens)."""

    def _commands(self) -> list[PaletteCommand]:
        screen = self.screen
        if isinstance(screen, ConsoleScreen):
            with _keys_once(screen):
                commands = console_commands(screen)
        elif isinstance(screen, WatchScreen):
            with _keys_once(screen):
                commands = watch_commands(screen)
        else:
            return []
        if screen.read_only or records_nothing(screen.state):  # closed: every write refused
            return [command for command in commands if not command.writes]
        return commands

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(Text(command.title), partial(command.run), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        named = numbers_named(query)
        for command in self._commands():
            if named and not names_item(command.title, named):
                continue  # "Done #1" never reaches "Done #10" nor "Done #3 Mei: task 1"
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    Text(command.title),
                    partial(command.run),
                    text=command.title,
                    help=command.help,
                )


#: A number typed in the palette: alone, or as "#3" or "D2" (what the entries show).
_TYPED_NUMBER = re.compile(r"(?:^|(?<=\s))(?:#|[dD])?(\d+)(?=\s|:|$)")
#: The task or decision an entry acts on: "Done #3 Jordan: ...", "Accept D2: ...".
_ITEM_NUMBER = re.compile(r"(?:^|\s)(?:#|D)(\d+)[\s:]")


def numbers_named(query: str) -> set[int]:
    """The task or decision numbers typed in the palette's query ("done #1", "ack 10")."""
    return {int(number) for number in _TYPED_NUMBER.findall(query)}


def names_item(title: str, numbers: set[int]) -> bool:
    """Whether an entry may match a query naming `numbers`: an entry for a task or decision
    only when its number is one of them. The match is fuzzy, so "Done #1" matched "Done #10"
    and "Done #3 Mei: task 1" too, and Enter took whichever ranked first."""
    found = _ITEM_NUMBER.search(title)
    return found is None or int(found.group(1)) in numbers


#: The most characters of a task's or decision's text an entry carries.
ENTRY_TEXT = 80


def _short(text: str) -> str:
    """The start of `text` on one line: a task of 3,000 characters made each of its entries
    fill the palette at 80x24, hiding every other one."""
    return truncate(one_line(text), ENTRY_TEXT)
