"""What the console's forms share: who is on the call, checked names and texts, task lines."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ic_console.domain import commands as cmd
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Role
from ic_console.domain.state import Decision, IncidentState, Task
from ic_console.domain.text import clean_name, clean_text
from ic_console.tui.screens.forms import CommandForm
from ic_console.tui.text import literal

Values = Mapping[str, Any]


def roster_names(state: IncidentState) -> list[str]:
    return [p.name for p in state.on_call()]


def parse_role(text: str) -> Role:
    return Role.parse(text)


def on_call(state: IncidentState) -> Callable[[str], str]:
    def parse(text: str) -> str:
        name = clean_name(text)
        person = state.find_participant(name)
        if person is None or not person.on_call:
            on_call = ", ".join(roster_names(state)) or "nobody yet"
            raise DomainError(f"{name} is not on the call. On the call: {on_call}.")
        return person.name

    return parse


def text_field(what: str) -> Callable[[str], str]:
    return lambda text: clean_text(text, what=what)


#: The timebox of a new task when the field is left empty.


def task_line(task: Task) -> str:
    return f"#{task.number} {literal(task.owner)}: {literal(task.text)}"


def decision_line(decision: Decision) -> str:
    return f"D{decision.number}: {literal(decision.text)}"


def confirm_form(title: str, intro: str, command: cmd.Command, form_id: str) -> CommandForm:
    return CommandForm(title, [], lambda _v: command, intro=intro, form_id=form_id)
