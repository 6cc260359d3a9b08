"""Keys in a burst go where the person meant them.

A terminal delivers a burst of keys at once, and Textual routes each key to the widget that has
the focus when the app reads it. A key that moves the focus (Enter to the next field, Esc out of
the log line) or opens a screen takes effect a few messages later, so the keys after it would
land in the old place: "t" then "dana" would mark a task done and acknowledge another. So while
the focus is moving, keys are held, and given to whatever has the focus once it has moved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

#: Keys that move the focus out of a text field, so the keys after them wait for the move.
FOCUS_MOVERS = frozenset({"enter", "escape", "tab", "shift+tab"})


class KeyBurstApp(App[int]):
    """An app whose keys typed during a screen change or a focus move are never lost or
    misdirected."""

    def __init__(self) -> None:
        super().__init__()
        #: Keys held while the focus moves, given to the new focus once it has moved.
        self._typeahead: list[events.Key] | None = None
        #: Held keys include those that bubbled up unhandled (a screen is opening), not only
        #: new ones from the terminal (the focus is moving within a screen).
        self._hold_bubbled = False

    def holds_keys(self) -> bool:
        """Whether a new screen holds the keys typed before it has the focus."""
        return True

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().push_screen(screen, *args, **kwargs)
        if isinstance(screen, Screen) and self.holds_keys():
            self._hold_keys(lambda: self.screen is screen and screen.focused is not None)
            # Keys that reach the app unhandled from now on were meant for the new screen.
            self._hold_bubbled = True
        return result

    def _hold_keys(self, moved: Callable[[], bool], patience: int = 8) -> None:
        """Hold keys until `moved()`, or for `patience` frames if nothing takes the focus."""
        if self._typeahead is None:
            self._typeahead = []
            self._hold_bubbled = False
        self.call_after_refresh(self._release_keys, moved, patience)

    async def _release_keys(self, moved: Callable[[], bool], patience: int) -> None:
        if self._typeahead is None:
            return
        if not moved() and patience > 0:
            self.call_after_refresh(self._release_keys, moved, patience - 1)
            return
        keys, self._typeahead = self._typeahead, None
        while keys:
            key = keys.pop(0)
            if key.is_forwarded:
                # It went unhandled by the widget it was first given to and bubbled up while
                # keys were held: the widget that has the focus now gets it, as typed.
                key = events.Key(key.key, key.character)
            await self._route_key(key)
            if self._typeahead is not None:
                # That key moved the focus again: the rest wait for it.
                self._typeahead.extend(keys)
                return

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            if self._typeahead is not None and (self._hold_bubbled or not event.is_forwarded):
                self._typeahead.append(event)
                return
            if not event.is_forwarded:
                await self._route_key(event)
                return
        await super().on_event(event)

    async def _route_key(self, key: events.Key) -> None:
        """A key from the terminal. Outside a text field, a key bound to an action runs it now,
        in the order typed (Textual would first hand it to the focused widget and run the
        binding when it bubbles back, after the keys behind it were already handed out), and
        the keys behind it wait until any focus move it started has happened. In a text field
        it is typed; Enter or Esc there hold the keys behind them until the focus has moved."""
        focused, screen = self.focused, self.screen
        if not isinstance(focused, Input):
            active = screen.active_bindings.get(key.key)
            if (
                active is not None
                and active.enabled
                and not active.binding.priority
                and await self.run_action(active.binding.action, active.node)
            ):
                if self.focused is focused and self.screen is screen:
                    self._hold_keys(lambda: self.focused is not focused, patience=2)
                return
        await super().on_event(key)
        if isinstance(focused, Input) and key.key in FOCUS_MOVERS:
            self._hold_keys(lambda: self.focused is not focused)
