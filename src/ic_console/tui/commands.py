"""The command palette: every action of the console, following the current state.

The screen lists its commands (with one entry per open task, decision and person); this provider
only matches them. Titles are shown as plain text, never as markup, because they carry user text.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ic_console.tui.screens.console import ConsoleScreen, PaletteCommand


class ConsoleCommands(Provider):
    """Commands of the console screen (none on other screens)."""

    def _commands(self) -> list[PaletteCommand]:
        screen = self.screen
        if not isinstance(screen, ConsoleScreen):
            return []
        commands = screen.palette_commands()
        if screen.read_only:
            return [command for command in commands if not command.writes]
        return commands

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(Text(command.title), partial(command.run), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    Text(command.title),
                    partial(command.run),
                    text=command.title,
                    help=command.help,
                )
