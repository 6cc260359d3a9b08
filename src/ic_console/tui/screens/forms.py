"""Small forms for the IC's commands. They check each field as it is typed, using the domain's
own parsers, and say what is wrong. A form never writes anything: it posts the command it built
and stays open until the app says it was recorded, so a refusal keeps everything typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from ic_console.domain.commands import Command
from ic_console.domain.errors import DomainError
from ic_console.domain.state import IncidentState
from ic_console.domain.text import name_key
from ic_console.tui.actions import bindings
from ic_console.tui.text import literal
from ic_console.tui.widgets.undoable_input import UndoableInput


class Completions(Suggester):
    """Completes a field from a list, and is also asked directly when Enter is pressed, so the
    completion shown is the one Enter takes, even when Enter comes before the suggestion was
    drawn (keys in a burst). An exact match (in any case) wins over a longer completion: "Sam"
    stays Sam when Samantha is on the call too."""

    def __init__(self, choices: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.choices = list(choices)

    def complete(self, value: str) -> str | None:
        """The choice `value` stands for (the first one it begins, in any case), or None."""
        typed = name_key(value)  # "ｓａ" and "sa" both begin Sam, as the domain matches names
        if not typed:
            return None
        keys = [(choice, name_key(choice)) for choice in self.choices]
        for choice, key in keys:
            if key == typed:
                return choice
        for choice, key in keys:
            if key.startswith(typed):
                return choice
        return None

    async def get_suggestion(self, value: str) -> str | None:
        return self.complete(value)


@dataclass(frozen=True)
class FormField:
    """One input: how to read it (raising DomainError), and what to show around it."""

    name: str
    label: str
    parse: Callable[[str], Any]
    placeholder: str = ""
    value: str = ""
    suggestions: Sequence[str] = ()
    help: str = ""


class CommandForm(ModalScreen[bool]):
    """A modal form that builds one domain command from its fields."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("form")

    class Submitted(Message):
        """The form holds a valid `command`; the app runs it, then calls `done` or `refused`."""

        def __init__(self, form: CommandForm, command: Command) -> None:
            super().__init__()
            self.form = form
            self.command = command

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        build: Callable[[Mapping[str, Any]], Command],
        *,
        intro: str = "",
        sentence: Callable[[Mapping[str, str]], str] | None = None,
        form_id: str = "",
    ) -> None:
        """`intro` is shown above the fields; `sentence`, given what is typed in each field,
        gives an intro that follows the typing (the sentence to say, with the name in it)."""
        super().__init__(id=form_id or None)
        self.form_title = title
        self.fields = list(fields)
        self.build = build
        self.sentence = sentence
        self.intro = sentence({f.name: f.value for f in self.fields}) if sentence else intro
        #: How many times Enter was answered without moving the focus (a field refused, the
        #: command refused or recorded): keys typed behind Enter wait for the focus or this.
        self.answers = 0
        #: For a form that shows part of the incident (the objections to a decision, the open
        #: work): given the incident as it is when Enter is pressed, what changed since the
        #: form showed it (the form is restated with it), or None. A change made in another
        #: terminal while the form is open is then read before the command is run.
        self.recheck: Callable[[IncidentState], str | None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Label(Text(self.form_title), id="form-title")
            if self.intro:
                yield Label(Text(self._literal(self.intro)), id="form-intro")
            for field in self.fields:
                yield Label(Text(field.label), classes="field-label")
                suggester = Completions(field.suggestions) if field.suggestions else None
                yield UndoableInput(  # ctrl+z takes back typing, never the incident's change
                    value=field.value,
                    placeholder=field.placeholder,
                    id=f"field-{field.name}",
                    suggester=suggester,
                    compact=True,
                )
                yield Label(Text(field.help), id=f"error-{field.name}", classes="field-help")
            yield Label(id="form-error")
            keys = "Enter: next field, then save" if self.fields else "Enter: confirm"
            yield Label(Text(f"{keys} · Esc: cancel"), id="form-keys")

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}", Input).focus()

    @staticmethod
    def _literal(text: str) -> str:
        return "\n".join(literal(line) for line in text.split("\n"))

    def typed(self) -> dict[str, str]:
        """What is in each field now, as typed."""
        return {field.name: self._input(field).value for field in self.fields}

    def unsaved(self) -> bool:
        """Whether a field holds something typed that the form did not open with."""
        return any(
            typed.strip() and typed.strip() != field.value.strip()
            for field, typed in zip(self.fields, self.typed().values(), strict=True)
        )

    def meant(self) -> dict[str, str]:
        """What each field stands for now: its completion where it shows one ("Sa" is Sam),
        as Enter will take it. The sentence to say names Sam, never "Sa"."""
        meant = self.typed()
        for field in self.fields:
            suggester = self._input(field).suggester
            if isinstance(suggester, Completions):
                meant[field.name] = (
                    suggester.complete(meant[field.name].strip()) or meant[field.name]
                )
        return meant

    def _input(self, field: FormField) -> Input:
        return self.query_one(f"#field-{field.name}", Input)

    def _complete(self, field: FormField) -> None:
        """Take the completion shown in the field (Enter means "yes, that one")."""
        field_input = self._input(field)
        suggester = field_input.suggester
        if not isinstance(suggester, Completions):
            return
        completion = suggester.complete(field_input.value.strip())
        if completion is not None and completion != field_input.value:
            field_input.value = completion
            field_input.cursor_position = len(completion)

    def _check(self, field: FormField) -> tuple[bool, Any]:
        """Parse one field; show its problem (or its help) under it."""
        label = self.query_one(f"#error-{field.name}", Label)
        try:
            value = field.parse(self._input(field).value)
        except DomainError as problem:
            label.update(Text(literal(problem.message)))
            label.add_class("-error")
            return False, None
        label.update(Text(field.help))
        label.remove_class("-error")
        return True, value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        for field in self.fields:
            if event.input.id == f"field-{field.name}":
                if event.value:
                    self._check(field)
                break
        self.query_one("#form-error", Label).update("")
        if self.sentence is not None:
            self.intro = self.sentence(self.meant())
            self.query_one("#form-intro", Label).update(Text(self._literal(self.intro)))

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        names = [f"field-{field.name}" for field in self.fields]
        position = names.index(event.input.id or "")
        self._complete(self.fields[position])
        if position < len(names) - 1:
            ok, _ = self._check(self.fields[position])
            if ok:
                self._input(self.fields[position + 1]).focus()
            else:
                self.answers += 1
            return
        self.action_submit()

    def action_submit(self) -> None:
        values: dict[str, Any] = {}
        first_bad: FormField | None = None
        for field in self.fields:
            self._complete(field)
            ok, value = self._check(field)
            if not ok and first_bad is None:
                first_bad = field
            values[field.name] = value
        if first_bad is not None:
            self._input(first_bad).focus()
            self.answers += 1
            return
        try:
            command = self.build(values)
        except DomainError as problem:
            self.refused(problem.message)
            return
        self.post_message(self.Submitted(self, command))

    def restate(self, title: str, intro: str) -> None:
        """Show a new title and text above the fields (what the form asks about changed)."""
        self.form_title = title
        self.intro = intro
        self.query_one("#form-title", Label).update(Text(title))
        for label in self.query("#form-intro").results(Label):
            label.update(Text(self._literal(intro)))

    def refused(self, message: str) -> None:
        """The command was refused: say why and keep what was typed."""
        error = self.query_one("#form-error", Label)
        error.update(Text(literal(message)))
        error.add_class("-error")
        self.answers += 1

    def done(self) -> None:
        self.answers += 1
        self.dismiss(True)

    def action_undo_typing(self) -> None:
        """ctrl+z in a field takes back its typing (the incident's undo is not reached from
        a form)."""
        focused = self.focused
        if isinstance(focused, UndoableInput):
            focused.undo(float(getattr(self.app, "key_typed_at", 0.0)))

    def action_cancel(self) -> None:
        self.dismiss(False)
