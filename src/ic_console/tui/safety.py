"""A bug must not cost the IC the console in the middle of a call.

An unexpected error in a key's action, a timer, a worker or a side screen is shown in one line
and written with its traceback to the crash log in the data root; the console and the incident
stay open. Only an error in the app's own loop, or before the incident is on screen, ends the
app, as Textual does (Textual stops a widget's message loop after its error, and that of the
app itself cannot be restarted).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual._context import active_message_pump
from textual.screen import Screen

from ic_console.live.crashlog import record_crash
from ic_console.tui.keys import KeyBurstApp
from ic_console.tui.text import literal

#: The same error is reported again only after this many seconds.
REPEAT_SECONDS = 60.0


class SafeApp(KeyBurstApp):
    """Reports unexpected errors and carries on once the main screen is up."""

    def __init__(self, crash_home: Path) -> None:
        super().__init__()
        #: Where the crash log goes (the data root).
        self.crash_home = crash_home
        #: When each error (type and message) was last reported: a timer failing every second
        #: is reported once a minute, not sixty times.
        self._reported: dict[tuple[str, str], float] = {}

    def main_screen(self) -> Screen[Any] | None:
        """The screen the person works in, once it is up (the console names its own); while
        there is none, an error ends the app as in any Textual app."""
        return None

    def report_error(self, error: Exception) -> None:
        """Show an unexpected error in one line and write it to the crash log; carry on."""
        key, now = (type(error).__name__, str(error)), time.monotonic()
        if now - self._reported.get(key, -REPEAT_SECONDS) < REPEAT_SECONDS:
            return
        self._reported[key] = now
        path = record_crash(self.crash_home, error, where=type(error).__name__)
        where = f" Details are in {path}." if path else ""
        self.notify(
            literal(
                f"Something went wrong ({type(error).__name__}: {error}); the incident is "
                f"safe and nothing was lost.{where}"
            ),
            title="Internal error",
            severity="error",
            timeout=15,
        )

    async def run_action(  # type: ignore[override]
        self, action: Any, default_namespace: Any = None
    ) -> bool:
        """Every key and palette entry runs here: a bug in one is reported, not fatal."""
        try:
            return await super().run_action(action, default_namespace)
        except Exception as error:
            if self.main_screen() is None:
                raise
            self.report_error(error)
            return True

    def _guarded(self, step: Callable[[], None]) -> Callable[[], None]:
        """A timer's callback that reports its errors instead of ending the app."""

        def run() -> None:
            if self.main_screen() is None:
                return
            try:
                step()
            except Exception as error:
                self.report_error(error)

        return run

    def _handle_exception(self, error: Exception) -> None:
        """The last resort for an error Textual caught in a widget or side screen: it is reported
        and the console goes on (that widget stops handling messages, so a failed side screen
        is taken off). An error in the app's own loop, or before the console is up, ends the
        app as Textual does, after writing the crash log."""
        pump = active_message_pump.get(None)
        if self.main_screen() is None or pump is self or pump is None:
            if self.main_screen() is not None:
                record_crash(self.crash_home, error, where=type(error).__name__)
            super()._handle_exception(error)
            return
        self.report_error(error)
        if isinstance(pump, Screen) and pump is not self.main_screen():
            self.call_later(self._back_to_console)

    def _back_to_console(self) -> None:
        console = self.main_screen()
        while console is not None and len(self.screen_stack) > 1 and self.screen is not console:
            # Not awaited: a screen whose handler failed no longer answers, so its removal
            # must not hold up the console.
            self.pop_screen()
