"""The drill's briefing, shown before its clock starts: what is happening, who will be on the
call, the speed, and what the trainee is there to do. The drill clock is held until it closes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from ic_console.content.scenarios import Scenario
from ic_console.domain.model import severity_label
from ic_console.tui.actions import bindings
from ic_console.tui.text import literal


class BriefingScreen(ModalScreen[None]):
    """Enter starts the drill's clock."""

    DEFAULT_CSS = """
    BriefingScreen {
        align: center middle;
    }
    BriefingScreen #briefing-body {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick magenta;
        background: $surface;
        padding: 0 1;
    }
    BriefingScreen .briefing-title {
        text-style: bold;
    }
    BriefingScreen Label {
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("briefing")

    def __init__(self, scenario: Scenario, trainee: str, speed: float) -> None:
        super().__init__(id="briefing")
        self.scenario = scenario
        self.trainee = trainee
        self.speed = speed

    def compose(self) -> ComposeResult:
        scenario = self.scenario
        with VerticalScroll(id="briefing-body"):
            yield Label(
                Text(
                    literal(f"DRILL: {scenario.title} ({severity_label(scenario.severity)})"),
                    style="bold",
                ),
                classes="briefing-title",
            )
            if scenario.briefing:
                yield Label(Text(literal(scenario.briefing)))
            yield Label(Text(""))
            yield Label(Text("Who may come on the call:"))
            for person in scenario.people:
                about = f" ({person.about})" if person.about else ""
                yield Label(Text(literal(f"  {person.name}{about}")))
            yield Label(Text(""))
            yield Label(
                Text(
                    literal(
                        f"You are {self.trainee}. Take command and run the call with the usual "
                        f"keys; the clock runs at {self.speed:g}x. Resolve the incident (R) to "
                        "end the drill and see your scorecard."
                    )
                )
            )
            yield Label(Text("Press Enter to start the clock.", style="bold"))

    def action_start(self) -> None:
        self.dismiss(None)
