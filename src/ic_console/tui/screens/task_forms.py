"""The forms for tasks and decisions: assign, extend, reassign; propose, object, accept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ic_console.domain import commands as cmd
from ic_console.domain.describe import go_ahead_sentence, plural
from ic_console.domain.durations import DURATION_HELP, format_duration, parse_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.situations import BLANK_NAME, BLANK_TASK, spoken_duration
from ic_console.domain.state import Decision, IncidentState, Task
from ic_console.domain.text import clean_name
from ic_console.live.pinned import held_to, number_of, ref_of
from ic_console.tui.screens.form_fields import (
    Values,
    confirm_form,
    decision_line,
    roster_names,
    text_field,
)
from ic_console.tui.screens.forms import CommandForm, FormField
from ic_console.tui.text import literal

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


def assign_task(state: IncidentState, owner: str = "") -> CommandForm:
    """The sentence to say follows the typing; with no name given, it names the suggested
    owner (the field completes to them first)."""
    suggested = owner or suggested_owner(state)
    names = roster_names(state)
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
            FormField(
                "text", "What?", text_field("task"), placeholder="e.g. investigate the latency"
            ),
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


def owner_recheck(
    form: CommandForm, task: Task, ref: str | None, retold: Callable[[Task], None]
) -> Callable[[IncidentState], str | None]:
    """For a form that names the task's owner aloud (extend, reassign): the task still has the
    owner the form named, else (once) the form speaks of the owner now (`retold`) and Enter
    records nothing. A task reassigned in another terminal is not extended or taken from its
    new owner while the IC is talking to the old one. The task is found by the event that
    created it (`ref`), not by its number: a task from another laptop that took the number
    (two laptops' tasks merged) is another task, and the form follows its own to its new
    number."""
    seen = task.owner
    number = task.number

    def recheck(state: IncidentState) -> str | None:
        nonlocal seen, number
        now_number = number_of(state, "task", ref) if ref is not None else task.number
        current = state.tasks.get(now_number) if now_number is not None else None
        if current is None or not current.is_open:
            return None  # a task closed meanwhile is refused by the incident
        if current.owner == seen:
            if current.number != number:
                number = current.number
                retold(current)  # the same task under its new number: said with that number
                form.restate(form.form_title, form.sentence(form.meant()) if form.sentence else "")
            return None
        before, seen = seen, current.owner
        number = current.number
        retold(current)
        form.restate(form.form_title, form.sentence(form.meant()) if form.sentence else "")
        return (
            f"Not recorded: task {current.number} went from {literal(before)} to "
            f"{literal(current.owner)} while this was open (above). Enter goes ahead; Esc goes "
            "back."
        )

    return recheck


def extend_task(task: Task, state: IncidentState | None = None) -> CommandForm:
    """Asks the owner by name; an empty field gives the same timebox again. With `state`, the
    form is held to its task whatever number another laptop's tasks give it (`pinned`)."""
    again = format_duration(task.timebox)
    shown = task
    ref = ref_of(state, "task", task.number) if state is not None else None

    def sentence(typed: Values) -> str:
        when = _spoken(typed.get("timebox", ""), shown.timebox)
        return (
            f'Ask: "{shown.owner}, how much time do you need for task {shown.number} '
            f'({shown.text})?"\nThen: "All right. I will come back to you in {when}."'
        )

    def retold(current: Task) -> None:
        nonlocal shown
        shown = current

    form = CommandForm(
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
        lambda v: held_to(ref, "task", cmd.ExtendTask(number=shown.number, timebox=v["timebox"])),
        sentence=sentence,
        form_id="form-extend-task",
    )
    form.recheck = owner_recheck(form, task, ref, retold)
    return form


def reassign_task(state: IncidentState, task: Task) -> CommandForm:
    before = format_duration(task.timebox)
    shown = task
    ref = ref_of(state, "task", task.number)

    def sentence(typed: Values) -> str:
        who = typed.get("owner", "").strip() or BLANK_NAME
        when = _spoken(typed.get("timebox", ""), shown.timebox)
        return (
            f"Task {shown.number} ({shown.text}) is {shown.owner}'s. Thank {shown.owner}, then "
            f'say:\n"{who}, please take over task {shown.number}: {shown.text}. '
            f'I will come back to you in {when}. Understood?"'
        )

    def retold(current: Task) -> None:
        nonlocal shown
        shown = current

    form = CommandForm(
        "Reassign the task",
        [
            FormField(
                "owner",
                "To whom?",
                clean_name,
                placeholder="a name",
                suggestions=[n for n in roster_names(state) if n != task.owner],
            ),
            FormField(
                "timebox",
                f"Timebox (empty: {before}, the same length)",
                _optional_duration,
                placeholder=f"{before}, as before",
            ),
        ],
        lambda v: held_to(
            ref,
            "task",
            cmd.ReassignTask(number=shown.number, owner=v["owner"], timebox=v["timebox"]),
        ),
        sentence=sentence,
        form_id="form-reassign-task",
    )
    form.recheck = owner_recheck(form, task, ref, retold)
    return form


def propose_decision() -> CommandForm:
    return CommandForm(
        "Propose a decision",
        [
            FormField(
                "text",
                "I propose ...",
                text_field("proposal"),
                placeholder="e.g. roll back deploy 4411",
            )
        ],
        lambda v: cmd.ProposeDecision(text=v["text"]),
        intro='Then ask: "Are there any strong objections?"',
        form_id="form-propose",
    )


def raise_objection(state: IncidentState, decision: Decision) -> CommandForm:
    ref = ref_of(state, "decision", decision.number)
    return CommandForm(
        "Record a strong objection",
        [
            FormField("by", "Who objects?", clean_name, suggestions=roster_names(state)),
            FormField("text", "The objection", text_field("objection")),
        ],
        lambda v: held_to(
            ref,
            "decision",
            cmd.RaiseObjection(number=decision.number, by=v["by"], text=v["text"]),
        ),
        intro=f"{decision_line(decision)} (proposed by {literal(decision.proposed_by)})",
        form_id="form-objection",
    )


def _accept_words(decision: Decision) -> tuple[str, str]:
    """The accept form's title and text: every objection heard, and the sentence to say."""
    objections = decision.objections
    heard = "".join(f"{literal(o.by)} objects: {literal(o.text)}\n" for o in objections)
    sentence = go_ahead_sentence(o.by for o in objections)
    title = (
        f"Accept over {plural(len(objections), 'objection')}?"
        if objections
        else "Hearing no strong objections?"
    )
    return title, f'{decision_line(decision)}\n{heard}Enter accepts: "{sentence}"'


def accept_decision(decision: Decision, state: IncidentState | None = None) -> CommandForm:
    """Accepting names every objection heard, and never says "hearing none" over one: an
    objection raised in another terminal while the form is open stops the Enter that follows,
    and the form shows it before the next Enter accepts over it. With `state`, the form is held
    to its decision whatever number another laptop's proposals give it (`pinned`)."""
    title, intro = _accept_words(decision)
    ref = ref_of(state, "decision", decision.number) if state is not None else None
    accept = held_to(ref, "decision", cmd.AcceptDecision(number=decision.number))
    form = confirm_form(title, intro, accept, "form-accept")
    seen = len(decision.objections)

    def recheck(state: IncidentState) -> str | None:
        nonlocal seen
        number = number_of(state, "decision", ref) if ref is not None else decision.number
        current = state.decisions.get(number) if number is not None else None
        if current is None or len(current.objections) == seen:
            return None  # unchanged; a decision no longer open is refused by the incident
        new = current.objections[seen:]
        seen = len(current.objections)
        form.restate(*_accept_words(current))
        names = ", ".join(dict.fromkeys(literal(o.by) for o in new))
        return (
            f"Not accepted: {names} objected while this was open (above). "
            "Enter accepts over it; Esc goes back."
        )

    form.recheck = recheck
    return form


def withdraw_decision(decision: Decision, state: IncidentState | None = None) -> CommandForm:
    ref = ref_of(state, "decision", decision.number) if state is not None else None
    return confirm_form(
        "Withdraw the proposal?",
        decision_line(decision),
        held_to(ref, "decision", cmd.WithdrawDecision(number=decision.number)),
        "form-withdraw",
    )
