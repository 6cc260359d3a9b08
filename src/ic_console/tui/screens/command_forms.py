"""The forms about the incident and its people: severity, phase, roles, handover, updates,
release, resolve, join. Tasks and decisions are in `task_forms`."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ic_console.domain import commands as cmd
from ic_console.domain.describe import plural
from ic_console.domain.errors import DomainError
from ic_console.domain.model import (
    ROLE_LABELS,
    Audience,
    Phase,
    Role,
    severity_label,
)
from ic_console.domain.parse import parse_audience, parse_phase, parse_severity, severity_help
from ic_console.domain.situations import BLANK_NAME
from ic_console.domain.state import IncidentState
from ic_console.domain.text import clean_name
from ic_console.tui.screens.form_fields import (
    Values,
    confirm_form,
    decision_line,
    on_call,
    parse_role,
    roster_names,
    task_line,
    text_field,
)
from ic_console.tui.screens.forms import CommandForm, FormField
from ic_console.tui.text import literal


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


#: The roles the role form lists as "Now: ...", in that order.
_SEATS = (Role.IC, Role.DEPUTY, Role.SCRIBE, Role.INTERNAL_LIAISON, Role.CUSTOMER_LIAISON)


def _holders(state: IncidentState) -> dict[Role, str | None]:
    return {role: state.holder(role) for role in _SEATS}


def _now_line(holders: Mapping[Role, str | None]) -> str:
    return "Now: " + "; ".join(
        f"{ROLE_LABELS[role]}: {literal(name or 'nobody')}" for role, name in holders.items()
    )


def assign_role(state: IncidentState, role: Role | None = None) -> CommandForm:
    """Lists who holds each role now. A role given or taken in another terminal while the
    form is open stops the Enter that follows, once: the form shows who holds what now, so
    nobody is stood down from a seat the IC did not know they held."""
    seen = _holders(state)
    form = _assign_role_form(state, role, _now_line(seen))

    def recheck(now: IncidentState) -> str | None:
        nonlocal seen
        current = _holders(now)
        if current == seen:
            return None
        changed = [
            f"{ROLE_LABELS[r]}: {literal(current[r] or 'nobody')}, "
            f"was {literal(seen[r] or 'nobody')}"
            for r in _SEATS
            if current[r] != seen[r]
        ]
        seen = current
        form.restate(form.form_title, _now_line(current))
        return (
            f"Not recorded: the roles changed while this was open ({'; '.join(changed)}). "
            "Enter assigns it anyway; Esc goes back."
        )

    form.recheck = recheck
    return form


def command_recheck(
    form: CommandForm, state: IncidentState, shown: Callable[[IncidentState], None]
) -> Callable[[IncidentState], str | None]:
    """For a handover form: who is in command is still the one the form named, else (once)
    the form is shown again for the one in command now (`shown` updates what it says) and
    Enter records nothing. Command taken in another terminal is never handed on unread."""
    seen = state.ic

    def recheck(now: IncidentState) -> str | None:
        nonlocal seen
        if now.ic == seen:
            return None
        seen = now.ic
        shown(now)
        form.restate(form.form_title, form.sentence(form.meant()) if form.sentence else "")
        who = literal(now.ic) if now.ic else "Nobody"
        return (
            f"Not recorded: command changed while this was open: {who} is the Incident "
            "Commander now. Enter hands over anyway; Esc goes back."
        )

    return recheck


def _assign_role_form(state: IncidentState, role: Role | None, now_line: str) -> CommandForm:
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
            FormField(
                "name", "Who?", clean_name, placeholder="a name", suggestions=roster_names(state)
            ),
        ],
        lambda v: cmd.AssignRole(role=v["role"], name=v["name"]),
        intro=now_line,
        form_id="form-role",
    )


def handover(state: IncidentState, name: str = "") -> CommandForm:
    """Names the commander handing over, and the Deputy (the hot standby) as the successor."""
    others = [n for n in roster_names(state) if n != state.ic]
    deputy = state.holder(Role.DEPUTY)
    if deputy in others:
        others = [deputy, *(n for n in others if n != deputy)]
    current = state.ic or "Nobody"

    def sentence(typed: Values) -> str:
        who = typed.get("name", "").strip() or (deputy if deputy != current else None)
        who = who or BLANK_NAME
        return (
            f'{current} is the Incident Commander now. Ask first: "{who}, you are now the '
            'Incident Commander. Okay?" Wait for a clear yes, then announce it to the call.'
        )

    def shown(now: IncidentState) -> None:
        nonlocal current
        current = now.ic or "Nobody"

    form = CommandForm(
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
    form.recheck = command_recheck(form, state, shown)
    return form


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
                text_field("update"),
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
                on_call(state),
                value=name,
                placeholder="a name",
                suggestions=[n for n in roster_names(state) if n != state.ic],
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


def open_work_recheck(state: IncidentState | None) -> Callable[[IncidentState], str | None]:
    """For a form that resolves: the open tasks and decisions it listed (None: it listed
    none) are still the open ones, else what opened or closed since, to read before resolving
    (a task assigned in another terminal was cancelled or kept as a follow-up unseen)."""
    seen_tasks = {t.number for t in state.open_tasks()} if state is not None else set()
    seen_decisions = {d.number for d in state.open_decisions()} if state is not None else set()

    def recheck(now: IncidentState) -> str | None:
        tasks = {t.number: t for t in now.open_tasks()}
        decisions = {d.number: d for d in now.open_decisions()}
        opened = [task_line(tasks[n]) for n in sorted(tasks.keys() - seen_tasks)]
        opened += [decision_line(decisions[n]) for n in sorted(decisions.keys() - seen_decisions)]
        closed = len(seen_tasks - tasks.keys()) + len(seen_decisions - decisions.keys())
        if not opened and not closed:
            return None
        what = "; ".join(opened) if opened else f"{plural(closed, 'item')} closed"
        return (
            f"Not resolved: the open work changed while this was open ({what}). "
            "Press Esc, then R again to see it."
        )

    return recheck


def resolve(state: IncidentState | None = None) -> CommandForm:
    """With open tasks or decisions, lists them and asks what becomes of them; Esc goes back.
    Enter resolves only while the open work is what the form listed."""
    form = _resolve_form(state)
    form.recheck = open_work_recheck(state)
    return form


def _resolve_form(state: IncidentState | None = None) -> CommandForm:
    """With open tasks or decisions, lists them and asks what becomes of them; Esc goes back."""
    tasks = state.open_tasks() if state is not None else []
    decisions = state.open_decisions() if state is not None else []
    verified = "Customer impact has ended and the fix is verified."
    if not tasks and not decisions:
        return confirm_form(
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
    lines = [task_line(task) for task in tasks] + [decision_line(d) for d in decisions]
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
        [FormField("name", "Who joined?", text_field("name"), value=name)],
        lambda v: cmd.Join(name=v["name"]),
        intro="They are on the roster; give them a role (g) or a task (t) when you need them.",
        form_id="form-join",
    )
