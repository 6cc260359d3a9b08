"""The forms of the IC's loop, built from the current state (names complete from the roster)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ic_console.domain import commands as cmd
from ic_console.domain.describe import go_ahead_sentence, plural
from ic_console.domain.durations import DURATION_HELP, parse_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.model import (
    Audience,
    Phase,
    Role,
    severity_label,
)
from ic_console.domain.parse import parse_audience, parse_phase, parse_severity, severity_help
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


def _optional_duration(text: str) -> Any:
    return parse_duration(text) if text.strip() else None


def _task_line(task: Task) -> str:
    return f"#{task.number} {literal(task.owner)}: {literal(task.text)}"


def _decision_line(decision: Decision) -> str:
    return f"D{decision.number}: {literal(decision.text)}"


def assign_task(state: IncidentState, owner: str = "") -> CommandForm:
    return CommandForm(
        "Assign a task",
        [
            FormField(
                "owner",
                "Who? One named person (a new name joins the call)",
                clean_name,
                placeholder="Sam",
                value=owner,
                suggestions=_names(state),
            ),
            FormField("text", "What?", _text("task"), placeholder="investigate the latency"),
            FormField(
                "timebox",
                "Timebox: when will you come back to them?",
                parse_duration,
                placeholder="5m",
                value="5m",
                help=f"Give {DURATION_HELP}.",
            ),
        ],
        lambda v: cmd.AssignTask(owner=v["owner"], text=v["text"], timebox=v["timebox"]),
        intro="Then say it: \"Sam, I'd like you to ... I'll come back to you in 5 minutes.\"",
        form_id="form-assign-task",
    )


def extend_task(task: Task) -> CommandForm:
    return CommandForm(
        "How much time do you need?",
        [
            FormField(
                "timebox",
                "New timebox, from now",
                parse_duration,
                placeholder="10m",
                help=f"Give {DURATION_HELP}.",
            )
        ],
        lambda v: cmd.ExtendTask(number=task.number, timebox=v["timebox"]),
        intro=_task_line(task),
        form_id="form-extend-task",
    )


def reassign_task(state: IncidentState, task: Task) -> CommandForm:
    return CommandForm(
        "Reassign the task",
        [
            FormField(
                "owner",
                "To whom?",
                clean_name,
                suggestions=[n for n in _names(state) if n != task.owner],
            ),
            FormField(
                "timebox",
                "Timebox (empty keeps the same length)",
                _optional_duration,
                placeholder="5m",
            ),
        ],
        lambda v: cmd.ReassignTask(number=task.number, owner=v["owner"], timebox=v["timebox"]),
        intro=_task_line(task),
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
                placeholder="roll back deploy 4411",
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
        intro=_decision_line(decision),
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
                placeholder="diagnose",
                suggestions=[phase.value for phase in Phase],
                help="detect, mobilize, diagnose, resolve (learn starts when resolved)",
            )
        ],
        lambda v: cmd.ChangePhase(phase=v["phase"]),
        form_id="form-phase",
    )


def assign_role(state: IncidentState, role: Role | None = None) -> CommandForm:
    return CommandForm(
        "Assign a role",
        [
            FormField(
                "role",
                "Role",
                parse_role,
                value=role.value if role else "",
                placeholder="deputy",
                suggestions=[r.value for r in Role if r is not Role.IC or state.ic is None],
                help="deputy, scribe, internal-liaison, customer-liaison, sme (ic if nobody is)",
            ),
            FormField("name", "Who?", clean_name, suggestions=_names(state)),
        ],
        lambda v: cmd.AssignRole(role=v["role"], name=v["name"]),
        form_id="form-role",
    )


def handover(state: IncidentState, name: str = "") -> CommandForm:
    return CommandForm(
        "Hand over command",
        [
            FormField(
                "name",
                "The new Incident Commander",
                clean_name,
                value=name,
                suggestions=[n for n in _names(state) if n != state.ic],
            )
        ],
        lambda v: cmd.Handover(name=v["name"]),
        intro='Ask first: "You\'re now the Incident Commander, okay?" Wait for a clear yes.',
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
    return CommandForm(
        "Release someone from the call",
        [
            FormField(
                "name",
                "Who can go?",
                _on_call(state),
                value=name,
                suggestions=[n for n in _names(state) if n != state.ic],
            )
        ],
        lambda v: cmd.Release(name=v["name"]),
        intro="Thank them, and let them go.",
        form_id="form-release",
    )


def resolve() -> CommandForm:
    return confirm(
        "Resolve the incident?",
        "Customer impact has ended and the fix is verified. Enter resolves.",
        cmd.Resolve(),
        "form-resolve",
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
