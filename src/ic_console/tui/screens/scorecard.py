"""The drill's scorecard, shown when the drill ends: one row per part of the method, the
original response beside it in a replay. The same card `ic drill score` prints."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ic_console.domain.durations import format_duration
from ic_console.review.scorecard import Scorecard, rows
from ic_console.tui.actions import bindings
from ic_console.tui.text import literal


def _mark(ok: bool | None) -> Text:
    if ok is None:
        return Text("-", style="dim")
    return Text("yes", style="bold green") if ok else Text("NO", style="bold red")


def scorecard_table(card: Scorecard) -> Table:
    table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
    table.add_column("Measure")
    table.add_column("Drill")
    table.add_column("Met", no_wrap=True)
    mine = rows(card.drill)
    theirs = rows(card.original) if card.original is not None else None
    if theirs is not None:
        table.add_column("Original")
        table.add_column("Met", no_wrap=True)
    for index, (what, value, ok) in enumerate(mine):
        cells: list[Text] = [Text(what), Text(literal(value)), _mark(ok)]
        if theirs is not None:
            cells += [Text(literal(theirs[index][1])), _mark(theirs[index][2])]
        table.add_row(*cells)
    return table


class ScorecardScreen(ModalScreen[None]):
    """The scorecard over the console; Esc or q goes back to the drill's console."""

    DEFAULT_CSS = """
    ScorecardScreen {
        align: center middle;
    }
    ScorecardScreen #scorecard-body {
        width: 96;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ScorecardScreen #scorecard-title {
        text-style: bold;
    }
    ScorecardScreen Label {
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("scorecard")

    def __init__(self, card: Scorecard) -> None:
        super().__init__(id="scorecard")
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        met, of = card.drill.met
        with VerticalScroll(id="scorecard-body"):
            yield Label(Text(literal(f"Drill over: {card.scenario}")), id="scorecard-title")
            yield Label(
                Text(
                    f"{literal(card.trainee)} met {met} of {of} parts of the method in "
                    f"{format_duration(card.drill.duration)} of drill time."
                ),
                id="scorecard-summary",
            )
            yield Static(scorecard_table(card), id="scorecard-table")
            for note in card.notes:
                yield Label(Text(f"Note: {note}.", style="dim"))
            yield Label(
                Text(f"Esc closes this; `ic drill score {literal(card.incident_id)}` prints it.")
            )

    def action_close(self) -> None:
        self.dismiss(None)
