"""Textual's Footer, recomposed only when what it shows changed.

Textual's Footer rebuilds all its keys every time the bindings may have changed: each focus
change, screen push and reactive with bindings. The console's footer holds some twenty-five
keys, and opening an incident moves the focus and the screens several times, so the same keys
were mounted and styled again and again before the first useful frame (about a tenth of a
second at open). The keys only change when a binding is shown, hidden, enabled or disabled.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.widgets import Footer


class QuietFooter(Footer):
    """A Footer that skips a recompose when the keys it would show are the ones on screen."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: tuple[Hashable, ...] | None = None

    def _keys(self) -> tuple[Hashable, ...]:
        """Everything the footer's keys are built from: each active binding and its state."""
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
                for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            ),
        )

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._shown and self.children:
            return
        await super().recompose()
        if self.children:
            self._shown = keys
