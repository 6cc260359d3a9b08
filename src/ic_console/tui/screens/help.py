"""The keys, grouped by what they do: drawn from the registry of keys, so it cannot drift."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ic_console.tui.actions import SCOPES, KeyAction, bindings, in_scope, key_label
from ic_console.tui.widgets.late_banner import LateBanner

#: The scopes shown after the screen's own, in this order.
SHARED_SCOPES = ("app", "log", "list", "form")


def help_table(scope: str, keymap: dict[str, str], *, read_only: bool = False) -> Table:
    """Every key of `scope` and the shared ones, by group, with the user's keymap applied."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for where in (scope, *SHARED_SCOPES):
        groups: dict[str, list[KeyAction]] = {}
        for action in in_scope(where):
            if read_only and action.writes:
                continue
            if action.id.startswith("digit-"):
                continue
            groups.setdefault(action.group, []).append(action)
        for group, actions in groups.items():
            heading = (
                group
                if where == scope
                else f"{SCOPES[where]}: {group}".replace(
                    f"{SCOPES[where]}: {SCOPES[where]}", SCOPES[where]
                )
            )
            table.add_row(Text(""), Text(""))
            table.add_row(Text(heading, style="underline"), Text(""))
            for action in actions:
                keys = keymap.get(action.id, action.key)
                shown = ", ".join(key_label(key.strip()) for key in keys.split(","))
                table.add_row(Text(shown), Text(action.description))
    return table


class HelpScreen(ModalScreen[None]):
    """`?`: every key of this screen, then the keys that work everywhere."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("help")

    def __init__(self, scope: str, keymap: dict[str, str], *, read_only: bool = False) -> None:
        super().__init__(id="help")
        self.scope = scope
        self.keymap = keymap
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        self.late_banner = LateBanner()  # at 80x24 this screen covers the header and its LATE
        yield self.late_banner
        with VerticalScroll(id="help-body"):
            yield Label(Text(f"Keys: {SCOPES[self.scope]}"), id="help-title")
            yield Static(help_table(self.scope, self.keymap, read_only=self.read_only))
            yield Label(Text("Esc or ? closes this. ctrl+p finds any action by name."))

    def action_close(self) -> None:
        self.dismiss(None)
