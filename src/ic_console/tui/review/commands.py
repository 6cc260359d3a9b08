"""The review's command palette: filters, jumps and views, following what the timeline holds.

Titles carry names people typed, so they are shown as plain text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from ic_console.tui.review.screen import ReviewScreen


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]


class ReviewCommands(Provider):
    """Commands of the review screen (none on other screens)."""

    def _commands(self) -> list[PaletteCommand]:
        from ic_console.tui.review.screen import ReviewScreen

        screen: ReviewScreen | object = self.screen
        if isinstance(screen, ReviewScreen):
            return screen.palette_commands()
        return []

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(Text(command.title), command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score, Text(command.title), command.run, text=command.title, help=command.help
                )
