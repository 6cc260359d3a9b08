"""The forms of the IC's loop, built from the current state (names complete from the roster)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from ic_console.domain import commands as cmd
from ic_console.domain.describe import go_ahead_sentence, plural
from ic_console.domain.durations import DURATION_HELP, format_duration, parse_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.model import (
    ROLE_LABELS,
    Audience,
    Phase,
    Role,
    severity_label,
)
from ic_console.domain.parse import parse_audience, parse_phase, parse_severity, severity_help
from ic_console.domain.situations import BLANK_NAME, BLANK_TASK, spoken_duration
from ic_console.domain.state import Decision, IncidentState, Task
from ic_console.domain.text import clean_name, clean_text
from ic_console.tui.screens.forms import CommandForm, FormField
from ic_console.tui.text import literal

Values = Mapping[str, Any]


def _names(state: IncidentState) -> list[str]:
    return [p.name for p in state.on_call()]


def parse_role(text: str) -> Role:
    return Role.parse(text)


def _on_call(state: IncidentState) -> Callable[[str], str]:
    def parse(text: str) -> str:
        name = clean_name(text)
        person = state.find_participant(name)
        if person is None or not person.on_call:
            on_call = ", ".join(_names(state)) or "nobody yet"
            raise DomainError(f"{name} is not on the call. On the call: {on_call}.")
        return person.name

    return parse


def _text(what: str) -> Callable[[str], str]:
    return lambda text: clean_text(text, what=what)


#: The timebox of a new task when the field is left empty.
DEFAULT_TIMEBOX = timedelta(minutes=5)


def _optional_duration(text: str) -> Any:
    return parse_duration(text) if text.strip() else None


def _duration_or(default: timedelta) -> Callable[[str], timedelta]:
    """An empty timebox field means `default`, which its label and hint name."""
    return lambda text: parse_duration(text) if text.strip() else default


def _spoken(text: str, default: timedelta) -> str:
    """The timebox typed so far as said aloud ("7 minutes"), else the default's."""
    try:
        return spoken_duration(parse_duration(text) if text.strip() else default)
    except DomainError:
        return "[minutes]"


def suggested_owner(state: IncidentState) -> str | None:
    """Whom to give the next task: someone on the call other than the commander with the
    fewest open tasks (ideally none), experts first; None when only the commander is on."""
    load = {p.name: 0 for p in state.on_call() if p.name != state.ic}
    for task in state.open_tasks():
        if task.owner in load:
            load[task.owner] += 1
    if not load:
        return None
    order = list(load)
    return min(order, key=lambda n: (load[n], n not in state.smes, order.index(n)))


def _open_count(state: IncidentState, name: str) -> int:
    return sum(1 for task in state.open_tasks() if task.owner == name)


def _task_line(task: Task) -> str:
    return f"#{task.number} {literal(task.owner)}: {literal(task.text)}"


def _decision_line(decision: Decision) -> str:
    return f"D{decision.number}: {literal(decision.text)}"


def assign_task(state: IncidentState, owner: str = "") -> CommandForm:
    """The sentence to say follows the typing; with no name given, it names the suggested
    owner (the field completes to them first)."""
    suggested = owner or suggested_owner(state)
    names = _names(state)
    if suggested in names:
        names = [suggested, *(n for n in names if n != suggested)]
    timebox = format_duration(DEFAULT_TIMEBOX)

    def sentence(typed: Values) -> str:
        who = typed.get("owner", "").strip() or suggested or BLANK_NAME
        what = typed.get("text", "").strip() or BLANK_TASK
        when = _spoken(typed.get("timebox", ""), DEFAULT_TIMEBOX)
        lead = ""
        if suggested and not owner:
            count = _open_count(state, suggested)
            lead = f"Suggested owner: {suggested}, " + (
                "who has no open task.\n" if not count else f"with {plural(count, 'open task')}.\n"
            )
        return (
            f'{lead}Then say it: "{who}, I would like you to take this task: {what}. '
            f'I will come back to you in {when}. Understood?"'
        )

    return CommandForm(
        "Assign a task",
        [
            FormField(
                "owner",
                "Who? One named person (a new name joins the call)",
                clean_name,
                placeholder=f"a name, e.g. {suggested}" if suggested else "a name",
                value=owner,
                suggestions=names,
            ),
            FormField("text", "What?", _text("task"), placeholder="e.g. investigate the latency"),
            FormField(
                "timebox",
                f"Timebox: when will you come back to them? (empty: {timebox})",
                _duration_or(DEFAULT_TIMEBOX),
                placeholder=f"{timebox}, the default",
                help=f"Give {DURATION_HELP}.",
            ),
        ],
        lambda v: cmd.AssignTask(owner=v["owner"], text=v["text"], timebox=v["timebox"]),
        sentence=sentence,
        form_id="form-assign-task",
    )


def extend_task(task: Task) -> CommandForm:
    """Asks the owner by name; an empty field gives the same timebox again."""
    again = format_duration(task.timebox)

    def sentence(typed: Values) -> str:
        when = _spoken(typed.get("timebox", ""), task.timebox)
        return (
            f'Ask: "{task.owner}, how much time do you need for task {task.number} '
            f'({task.text})?"\nThen: "All right. I will come back to you in {when}."'
        )

    return CommandForm(
        "How much time do you need?",
        [
            FormField(
                "timebox",
                f"New timebox, from now (empty: {again} again)",
                _duration_or(task.timebox),
                placeholder=f"{again}, as before",
                help=f"Give {DURATION_HELP}.",
            )
        ],
        lambda v: cmd.ExtendTask(number=task.number, timebox=v["timebox"]),
        sentence=sentence,
        form_id="form-extend-task",
    )


def reassign_task(state: IncidentState, task: Task) -> CommandForm:
    before = format_duration(task.timebox)

    def sentence(typed: Values) -> str:
        who = typed.get("owner", "").strip() or BLANK_NAME
        when = _spoken(typed.get("timebox", ""), task.timebox)
        return (
            f"Task {task.number} ({task.text}) is {task.owner}'s. Thank {task.owner}, then say:\n"
            f'"{who}, please take over task {task.number}: {task.text}. '
            f'I will come back to you in {when}. Understood?"'
        )

    return CommandForm(
        "Reassign the task",
        [
            FormField(
                "owner",
                "To whom?",
                clean_name,
                placeholder="a name",
                suggestions=[n for n in _names(state) if n != task.owner],
            ),
            FormField(
                "timebox",
                f"Timebox (empty: {before}, the same length)",
                _optional_duration,
                placeholder=f"{before}, as before",
            ),
        ],
        lambda v: cmd.ReassignTask(number=task.number, owner=v["owner"], timebox=v["timebox"]),
        sentence=sentence,
        form_id="form-reassign-task",
    )


def propose_decision() -> CommandForm:
    return CommandForm(
        "Propose a decision",
        [
            FormField(
                "text",
                "I propose ...",
                _text("proposal"),
                placeholder="e.g. roll back deploy 4411",
            )
        ],
        lambda v: cmd.ProposeDecision(text=v["text"]),
        intro='Then ask: "Are there any strong objections?"',
        form_id="form-propose",
    )


def raise_objection(state: IncidentState, decision: Decision) -> CommandForm:
    return CommandForm(
        "Record a strong objection",
        [
            FormField("by", "Who objects?", clean_name, suggestions=_names(state)),
            FormField("text", "The objection", _text("objection")),
        ],
        lambda v: cmd.RaiseObjection(number=decision.number, by=v["by"], text=v["text"]),
        intro=f"{_decision_line(decision)} (proposed by {literal(decision.proposed_by)})",
        form_id="form-objection",
    )


def confirm(title: str, intro: str, command: cmd.Command, form_id: str) -> CommandForm:
    return CommandForm(title, [], lambda _v: command, intro=intro, form_id=form_id)


def accept_decision(decision: Decision) -> CommandForm:
    """Accepting names every objection heard, and never says "hearing none" over one."""
    objections = decision.objections
    heard = "".join(f"{literal(o.by)} objects: {literal(o.text)}\n" for o in objections)
    sentence = go_ahead_sentence(o.by for o in objections)
    return confirm(
        f"Accept over {plural(len(objections), 'objection')}?"
        if objections
        else "Hearing no strong objections?",
        f'{_decision_line(decision)}\n{heard}Enter accepts: "{sentence}"',
        cmd.AcceptDecision(number=decision.number),
        "form-accept",
    )


def withdraw_decision(decision: Decision) -> CommandForm:
    return confirm(
        "Withdraw the proposal?",
        _decision_line(decision),
        cmd.WithdrawDecision(number=decision.number),
        "form-withdraw",
    )


def change_severity(state: IncidentState, names: Mapping[int, str] | None = None) -> CommandForm:
    """`names` are the configured severity names, which the field also accepts."""
    return CommandForm(
        f"Change severity (now {severity_label(state.severity)})",
        [
            FormField(
                "severity",
                "New severity, 1 (most severe) to 5",
                lambda text: parse_severity(text, names),
                placeholder="1 to 5",
                help=severity_help(names),
            )
        ],
        lambda v: cmd.ChangeSeverity(severity=v["severity"]),
        intro=(
            f"We are treating this as {severity_label(state.severity)}. Don't argue severity "
            "on the call: when unsure, take the higher one."
        ),
        form_id="form-severity",
    )


def change_phase(state: IncidentState) -> CommandForm:
    return CommandForm(
        f"Change phase (now {state.phase.label})",
        [
            FormField(
                "phase",
                "New phase",
                parse_phase,
                placeholder="e.g. diagnose",
                suggestions=[phase.value for phase in Phase],
                help="detect, mobilize, diagnose, resolve (learn starts when resolved)",
            )
        ],
        lambda v: cmd.ChangePhase(phase=v["phase"]),
        form_id="form-phase",
    )


def assign_role(state: IncidentState, role: Role | None = None) -> CommandForm:
    holders = [
        f"{ROLE_LABELS[r]}: {literal(state.holder(r) or 'nobody')}"
        for r in (Role.IC, Role.DEPUTY, Role.SCRIBE, Role.INTERNAL_LIAISON, Role.CUSTOMER_LIAISON)
    ]
    return CommandForm(
        "Assign a role",
        [
            FormField(
                "role",
                "Role",
                parse_role,
                value=role.value if role else "",
                placeholder="e.g. deputy",
                suggestions=[r.value for r in Role if r is not Role.IC or state.ic is None],
                help="deputy, scribe, internal-liaison, customer-liaison, sme (ic if nobody is)",
            ),
            FormField("name", "Who?", clean_name, placeholder="a name", suggestions=_names(state)),
        ],
        lambda v: cmd.AssignRole(role=v["role"], name=v["name"]),
        intro="Now: " + "; ".join(holders),
        form_id="form-role",
    )


def handover(state: IncidentState, name: str = "") -> CommandForm:
    """Names the commander handing over, and the Deputy (the hot standby) as the successor."""
    others = [n for n in _names(state) if n != state.ic]
    deputy = state.holder(Role.DEPUTY)
    if deputy in others:
        others = [deputy, *(n for n in others if n != deputy)]
    current = state.ic or "Nobody"

    def sentence(typed: Values) -> str:
        who = typed.get("name", "").strip() or (deputy if deputy != state.ic else None)
        who = who or BLANK_NAME
        return (
            f'{current} is the Incident Commander now. Ask first: "{who}, you are now the '
            'Incident Commander. Okay?" Wait for a clear yes, then announce it to the call.'
        )

    return CommandForm(
        "Hand over command",
        [
            FormField(
                "name",
                "The new Incident Commander",
                clean_name,
                value=name,
                placeholder=f"a name, e.g. {others[0]}" if others else "a name",
                suggestions=others,
            )
        ],
        lambda v: cmd.Handover(name=v["name"]),
        sentence=sentence,
        form_id="form-handover",
    )


def post_update(audience: Audience | None = None) -> CommandForm:
    return CommandForm(
        "Post a stakeholder update",
        [
            FormField(
                "audience",
                "For whom: internal or external",
                parse_audience,
                value=audience.value if audience else "internal",
                suggestions=[a.value for a in Audience],
            ),
            FormField(
                "text",
                "The update (what happened, its impact, what is being done, next update at)",
                _text("update"),
            ),
        ],
        lambda v: cmd.PostUpdate(audience=v["audience"], text=v["text"]),
        form_id="form-update",
    )


def release(state: IncidentState, name: str = "") -> CommandForm:
    def sentence(typed: Values) -> str:
        who = typed.get("name", "").strip() or BLANK_NAME
        return f'Say: "{who}, thank you for your help. You are free to leave the call."'

    return CommandForm(
        "Release someone from the call",
        [
            FormField(
                "name",
                "Who can go?",
                _on_call(state),
                value=name,
                placeholder="a name",
                suggestions=[n for n in _names(state) if n != state.ic],
            )
        ],
        lambda v: cmd.Release(name=v["name"]),
        sentence=sentence,
        form_id="form-release",
    )


def parse_open_work(text: str) -> cmd.OpenWork:
    choice = text.strip().casefold()
    for work in cmd.OpenWork:
        if choice and work.value.startswith(choice):
            return work
    raise DomainError('Type "keep" (they stay open as follow-ups) or "cancel"; Esc goes back.')


def resolve(state: IncidentState | None = None) -> CommandForm:
    """With open tasks or decisions, lists them and asks what becomes of them; Esc goes back."""
    tasks = state.open_tasks() if state is not None else []
    decisions = state.open_decisions() if state is not None else []
    verified = "Customer impact has ended and the fix is verified."
    if not tasks and not decisions:
        return confirm(
            "Resolve the incident?", f"{verified} Enter resolves.", cmd.Resolve(), "form-resolve"
        )
    still = " and ".join(
        part
        for part in (
            plural(len(tasks), "task") if tasks else "",
            plural(len(decisions), "decision") if decisions else "",
        )
        if part
    )
    lines = [_task_line(task) for task in tasks] + [_decision_line(d) for d in decisions]
    shown = lines[:6] + ([f"... and {len(lines) - 6} more"] if len(lines) > 6 else [])
    return CommandForm(
        "Resolve the incident?",
        [
            FormField(
                "open",
                "keep: they stay open as follow-ups · cancel: cancel the open tasks and "
                "withdraw the open decisions",
                parse_open_work,
                placeholder="keep or cancel",
                suggestions=[work.value for work in cmd.OpenWork],
                help="Esc goes back to the incident without resolving.",
            )
        ],
        lambda v: cmd.Resolve(open_work=v["open"]),
        intro=f"{verified}\n{still} still open:\n" + "\n".join(shown),
        form_id="form-resolve",
    )


def join(state: IncidentState, name: str = "") -> CommandForm:
    """Someone joined the bridge: on the roster, with no role or task yet."""
    return CommandForm(
        "Add someone to the call",
        [FormField("name", "Who joined?", _text("name"), value=name)],
        lambda v: cmd.Join(name=v["name"]),
        intro="They are on the roster; give them a role (g) or a task (t) when you need them.",
        form_id="form-join",
    )
