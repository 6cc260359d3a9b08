"""The forms for running a large incident: forming and changing sub-teams, exit criteria, and
the handover that shows the state at a glance and asks whether the successor said yes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from ic_console.domain import commands as cmd
from ic_console.domain import glance
from ic_console.domain import scale as s
from ic_console.domain.durations import DURATION_HELP, format_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.exit_criteria import criteria, find_criterion, unmet
from ic_console.domain.model import Role
from ic_console.domain.situations import BLANK_NAME
from ic_console.domain.state import IncidentState
from ic_console.domain.teams import (
    active_teams,
    clean_team_name,
    direct_reports,
    find_team,
    led_by,
    next_team_name,
)
from ic_console.domain.text import clean_name
from ic_console.live.pinned import pin
from ic_console.tui.screens.command_forms import command_recheck, open_work_recheck
from ic_console.tui.screens.form_fields import Values, roster_names, text_field
from ic_console.tui.screens.forms import CommandForm, FormField
from ic_console.tui.screens.scale_edit_forms import handover_team_note
from ic_console.tui.screens.task_forms import DEFAULT_TIMEBOX, _duration_or, _spoken

#: What a face passes for showing times in its zone.
TimeText = Callable[[datetime], str]


def _names(text: str) -> tuple[str, ...]:
    """ "Kim, Jo" -> ("Kim", "Jo"); each checked as one person's name."""
    return tuple(clean_name(part) for part in text.split(",") if part.strip())


def _team_field(state: IncidentState, team: str = "", label: str = "Which team?") -> FormField:
    names = [t.name for t in active_teams(state)]

    def parse(text: str) -> str:
        return find_team(state, text).name

    return FormField(
        "team", label, parse, value=team, placeholder=names[0] if names else "", suggestions=names
    )


def _free_people(state: IncidentState) -> list[str]:
    """Whom to offer as a lead or member: people reporting to the IC directly, not leads."""
    return [name for name in direct_reports(state) if led_by(state, name) is None]


def form_team(state: IncidentState) -> CommandForm:
    default = next_team_name(state)
    free = _free_people(state)
    experts = [name for name in free if name in state.smes]
    lead_hint = (experts or free or [""])[0]

    def sentence(typed: Values) -> str:
        name = typed.get("name", "").strip() or default
        lead = typed.get("lead", "").strip() or lead_hint or BLANK_NAME
        goal = typed.get("goal", "").strip() or "[the goal]"
        return (
            f'Say: "{lead}, I would like you to lead team {name}. Your goal is {goal}. '
            'The team reports to you, and you report to me for it. Understood?"'
        )

    return CommandForm(
        "Form a sub-team",
        [
            FormField(
                "name",
                f"Team name (empty: {default})",
                lambda text: clean_team_name(text) if text.strip() else default,
                placeholder=default,
            ),
            FormField(
                "lead",
                # The sentence above names the hint while the field is empty: Enter takes it, so
                # the person asked aloud is the one recorded (it once said "Priya, I would like
                # you to lead..." and then refused the empty field).
                "Lead: one named person, who reports for the team"
                + (f" (empty: {lead_hint})" if lead_hint else ""),
                lambda text: clean_name(text if text.strip() or not lead_hint else lead_hint),
                placeholder=lead_hint or "a name",
                value="",
                suggestions=free,
            ),
            FormField(
                "members",
                "Members besides the lead, separated by commas (may be empty)",
                _names,
                placeholder="e.g. Kim, Jo",
            ),
            FormField(
                "goal",
                "Goal (may be empty)",
                lambda text: text.strip(),
                placeholder="e.g. restore the replica",
            ),
        ],
        lambda v: s.FormTeam(name=v["name"], lead=v["lead"], members=v["members"], goal=v["goal"]),
        sentence=sentence,
        form_id="form-team",
    )


def add_team_member(state: IncidentState, team: str = "") -> CommandForm:
    return CommandForm(
        "Add someone to a team",
        [
            _team_field(state, team),
            FormField(
                "name",
                "Who? (they leave the team they were in)",
                clean_name,
                placeholder="a name",
                suggestions=[n for n in roster_names(state) if n != state.ic],
            ),
        ],
        lambda v: s.AddTeamMember(team=v["team"], name=v["name"]),
        form_id="form-team-add",
    )


def disband_team(state: IncidentState, team: str = "") -> CommandForm:
    return CommandForm(
        "Disband a team",
        [_team_field(state, team)],
        lambda v: s.DisbandTeam(name=v["team"]),
        intro="Its people report to you directly again.",
        form_id="form-team-disband",
    )


def team_task(state: IncidentState, team: str = "") -> CommandForm:
    """The team's task, given to its lead."""
    timebox = format_duration(DEFAULT_TIMEBOX)

    def sentence(typed: Values) -> str:
        try:
            chosen = find_team(state, typed.get("team", "") or team)
            name, lead = chosen.name, chosen.lead
        except DomainError:
            name, lead = "[team]", BLANK_NAME
        what = typed.get("text", "").strip() or "[the task]"
        when = _spoken(typed.get("timebox", ""), DEFAULT_TIMEBOX)
        return (
            f"Say: \"{lead}, team {name}'s task: {what}. I will come back to you in {when} "
            'for the team. Understood?"'
        )

    return CommandForm(
        "Give a team a task",
        [
            _team_field(state, team),
            FormField("text", "What?", text_field("task"), placeholder="e.g. restore the replica"),
            FormField(
                "timebox",
                f"Timebox (empty: {timebox})",
                _duration_or(DEFAULT_TIMEBOX),
                placeholder=f"{timebox}, the default",
                help=f"Give {DURATION_HELP}.",
            ),
        ],
        lambda v: s.AssignTeamTask(team=v["team"], text=v["text"], timebox=v["timebox"]),
        sentence=sentence,
        form_id="form-team-task",
    )


# -- exit criteria -----------------------------------------------------------------------------


def _criteria_intro(state: IncidentState) -> str:
    lines = [f"{'[x]' if c.met else '[ ]'} {c.number}. {c.text}" for c in criteria(state)]
    return "\n".join(lines) if lines else "What must be true for us to call this resolved?"


def add_exit_criterion(state: IncidentState) -> CommandForm:
    return CommandForm(
        "Add an exit criterion",
        [
            FormField(
                "text",
                "What must be true to call this resolved?",
                text_field("exit criterion"),
                placeholder="e.g. checkout errors below 1% for 10 minutes",
            )
        ],
        lambda v: s.AddExitCriterion(text=v["text"]),
        intro=_criteria_intro(state),
        form_id="form-exit-add",
    )


def _number(state: IncidentState, met: bool) -> Callable[[str], int]:
    def parse(text: str) -> int:
        raw = text.strip().lstrip("#")
        if not raw.isdigit():
            raise DomainError("Give the criterion's number, like 2.")
        criterion = find_criterion(state, int(raw))
        if criterion.met is met:
            state_word = "already met" if met else "not met"
            raise DomainError(f"Exit criterion {criterion.number} is {state_word}.")
        return criterion.number

    return parse


def meet_exit_criterion(state: IncidentState, *, met: bool = True) -> CommandForm:
    """Tick one off (`met`), or take a tick back. The number typed is held to the criterion it
    names in `state`, the one the form was opened on (`live.pinned`): a merge that renumbers
    folds into a new state object (a refold, or a going back to a mark), never into this one."""
    choices = [str(c.number) for c in criteria(state) if c.met is not met]
    build: Callable[[int], cmd.Command]
    if met:
        title, build = (
            "An exit criterion is met",
            lambda n: pin(state, s.MeetExitCriterion(number=n)),
        )
    else:
        title = "An exit criterion is not met after all"
        build = lambda n: pin(state, s.UnmeetExitCriterion(number=n))  # noqa: E731
    return CommandForm(
        title,
        [
            FormField(
                "number",
                "Which one? (its number)",
                _number(state, not met),
                value=choices[0] if len(choices) == 1 else "",
                suggestions=choices,
            )
        ],
        lambda v: build(v["number"]),
        intro=_criteria_intro(state),
        form_id="form-exit-met" if met else "form-exit-unmet",
    )


# -- resolve and hand over ---------------------------------------------------------------------


def _yes(what: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        if text.strip().casefold() in ("y", "yes"):
            return True
        raise DomainError(f"{what} Esc goes back.")

    return parse


def resolve_over_criteria(state: IncidentState) -> CommandForm:
    """Resolving with exit criteria unmet: list them, ask for "yes", and record the override.
    Open tasks and decisions are kept as follow-ups (cancel them first to drop them)."""
    left = unmet(state)
    listed = "\n".join(f"[ ] {c.number}. {c.text}" for c in left)
    open_work = len(state.open_tasks()) + len(state.open_decisions())
    kept = f"\n{open_work} open tasks and decisions stay open as follow-ups." if open_work else ""
    form = CommandForm(
        "Resolve with exit criteria unmet?",
        [
            FormField(
                "override",
                'Type "yes" to resolve anyway (the override is recorded)',
                _yes("Type yes to resolve anyway, or mark the criteria met first."),
                placeholder="yes",
            )
        ],
        lambda _v: cmd.Resolve(open_work=cmd.OpenWork.KEEP, override_exit_criteria=True),
        intro=f"Still unmet:\n{listed}{kept}",
        form_id="form-resolve-override",
    )
    form.recheck = open_work_recheck(state)
    return form


def handover(
    state: IncidentState,
    now: datetime,
    name: str = "",
    *,
    at: TimeText | None = None,
    cadence: Mapping[int, timedelta | None] | None = None,
) -> CommandForm:
    """The state at a glance for the incoming commander, the question to ask, and Enter as the
    outgoing commander's word that the answer was yes: the handover and the yes are recorded
    together (a handover without the yes stays possible from `ic handover`)."""
    others = [n for n in roster_names(state) if n != state.ic]
    deputy = state.holder(Role.DEPUTY)
    if deputy in others:
        others = [deputy, *(n for n in others if n != deputy)]
    summary = "\n".join(glance.brief(state, now, at=at, cadence=cadence))
    current = state.ic or "Nobody"
    shown_state = state

    def sentence(typed: Values) -> str:
        who = typed.get("name", "").strip() or (deputy if deputy != shown_state.ic else None)
        who = who or BLANK_NAME
        return (
            f"{summary}\n{current} is the Incident Commander now. Brief them (= shows it all), "
            f'then ask: "{who}, you are now the Incident Commander. Okay?"\n'
            "Press Enter only once they have said yes: their yes is recorded with the handover."
            + handover_team_note(shown_state, who)  # a lead hands the team on first (issue 15)
        )

    def shown(changed: IncidentState) -> None:
        """Command changed in another terminal: the form speaks of the incident as it is."""
        nonlocal summary, current, shown_state
        shown_state = changed
        summary = "\n".join(glance.brief(changed, now, at=at, cadence=cadence))
        current = changed.ic or "Nobody"

    form = CommandForm(
        "Hand over command",
        [
            FormField(
                "name",
                "The new Incident Commander, who said yes",
                clean_name,
                value=name,
                placeholder=f"a name, e.g. {others[0]}" if others else "a name",
                suggestions=others,
            ),
        ],
        lambda v: s.HandoverAcknowledgedNow(name=v["name"]),
        sentence=sentence,
        form_id="form-handover",
    )
    form.recheck = command_recheck(form, state, shown)
    return form
