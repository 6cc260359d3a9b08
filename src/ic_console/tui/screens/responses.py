"""The responses the IC may need at any moment (executive takeover, a severity argument ...)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.situations import Situation
from ic_console.tui.actions import bindings
from ic_console.tui.text import literal, truncate
from ic_console.tui.widgets.late_banner import LateBanner


class ResponsesScreen(ModalScreen[Situation | None]):
    """Pick a response; it is shown in the phrasebook pane, ready to say or copy."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("responses")

    def __init__(self, phrasebook: Phrasebook, situations: list[Situation]) -> None:
        super().__init__(id="responses")
        self.phrasebook = phrasebook
        self.situations = situations

    def compose(self) -> ComposeResult:
        options = []
        for index, situation in enumerate(self.situations):
            sentences = self.phrasebook.render(situation)
            label = Text(self.phrasebook.title(situation), style="bold")
            if sentences:
                label.append("\n  " + truncate(literal(sentences[0]), 70), style="dim")
            options.append(Option(label, id=str(index)))
        self.late_banner = LateBanner()  # the list is tall: at 80x24 it covers the header
        yield self.late_banner
        with Vertical(id="form"):
            yield Label("Responses: pick one to show it in the phrasebook", id="form-title")
            yield OptionList(*options, id="responses-list")
            yield Label("Enter shows it · Esc: cancel", id="form-keys")

    @on(OptionList.OptionSelected, "#responses-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.situations[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)
