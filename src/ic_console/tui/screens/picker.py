"""Which incident? Shown when `ic` finds none or several active incidents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from ic_console.domain.commands import Declare
from ic_console.domain.model import severity_label
from ic_console.domain.parse import parse_severity
from ic_console.domain.text import clean_title
from ic_console.store.catalog import IncidentInfo
from ic_console.tui.actions import bindings
from ic_console.tui.screens.forms import CommandForm, FormField
from ic_console.tui.text import literal

NEW = "new"


def declare_form() -> CommandForm:
    """Title and severity; the app picks the id and creates the incident."""

    def build(values: Mapping[str, Any]) -> Declare:
        # The id is chosen by the app from the title when it creates the incident.
        return Declare(incident_id="new", title=values["title"], severity=values["severity"])

    return CommandForm(
        "Declare a new incident",
        [
            FormField("title", "What is wrong?", clean_title, placeholder="Checkout errors in EU"),
            FormField(
                "severity",
                "Severity, 1 (most severe) to 5",
                parse_severity,
                value="2",
                help="When unsure, take the higher severity and move on.",
            ),
        ],
        build,
        form_id="form-declare",
    )


class PickerScreen(Screen[None]):
    """A list of incidents to open, and a way to declare a new one."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("picker")

    class Chosen(Message):
        """Open `incident_id`."""

        def __init__(self, incident_id: str) -> None:
            super().__init__()
            self.incident_id = incident_id

    def __init__(self, incidents: list[IncidentInfo], reason: str) -> None:
        super().__init__(id="picker")
        self.incidents = incidents
        self.reason = reason

    def compose(self) -> ComposeResult:
        options: list[Option] = [Option(Text("+ Declare a new incident", style="bold"), id=NEW)]
        for info in self.incidents:
            label = Text(f"{severity_label(info.severity)}  ", style="bold")
            label.append(f"{literal(info.incident_id)}  {literal(info.title)}")
            label.append(f"  {info.status}, IC {literal(info.ic or 'none')}", style="dim")
            options.append(Option(label, id=info.incident_id))
        with Vertical(id="picker-body"):
            yield Label(Text(self.reason), id="picker-reason")
            yield OptionList(*options, id="picker-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.incidents:
            # Enter opens the first incident listed: asked "which one?", an IC who presses
            # Enter means an incident, and declaring a new one is a choice of its own.
            options.highlighted = 1

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NEW:
            self.action_declare()
        elif event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def action_declare(self) -> None:
        self.app.push_screen(declare_form())
