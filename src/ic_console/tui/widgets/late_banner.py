"""A line for the screens that cover the console's header (the runbooks, the checklists, the
glance, the keys): what is late.

Those screens hide the header and its `N LATE`: a timebox that ran out while the IC read a
runbook showed a toast for 8 seconds and then nothing until Esc. The line is there for as long
as a task is late, names the latest ones with how late they are, and says how to get back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import Label

from ic_console.domain.state import Task
from ic_console.tui.text import countdown, literal

#: The most tasks named; the rest are counted in the number.
NAMED = 3


def late_words(tasks: Sequence[Task], now: datetime) -> str:
    """ "2 LATE: #3 Sam +01:20, #5 Kim +00:10 · Esc: back to the console" ("" when none)."""
    if not tasks:
        return ""
    named = ", ".join(
        f"#{task.number} {literal(task.owner)} {countdown(task.remaining(now))}"
        for task in tasks[:NAMED]
    )
    more = f" and {len(tasks) - NAMED} more" if len(tasks) > NAMED else ""
    return f"{len(tasks)} LATE: {named}{more} · Esc: back to the console"


class LateBanner(Label):
    """Hidden while nothing is late; the app keeps it current each second. A screen that has
    one keeps it as `late_banner`, which is how the app finds it."""

    DEFAULT_CSS = """
    LateBanner {
        dock: top;
        width: 1fr;
        height: 1;
        padding: 0 1;
        display: none;
        background: $error;
        color: $text;
        text-style: bold;
    }
    LateBanner.-late {
        display: block;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="late-banner")
        self._shown = ""

    def show_late(self, tasks: Sequence[Task], now: datetime) -> None:
        words = late_words(tasks, now)
        if words == self._shown:
            return
        self._shown = words
        self.set_class(bool(words), "-late")
        self.update(Text(words, no_wrap=True, overflow="ellipsis"))
