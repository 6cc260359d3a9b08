"""`=`: the state of the incident at a glance, for a newcomer to the call or an executive, in
the order the method gives it. It follows the incident while open (redrawn each second from the
console's state), and `c` copies it as plain text for the stakeholder update."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from ic_console.domain import glance
from ic_console.domain.state import IncidentState
from ic_console.tui.actions import bindings
from ic_console.tui.text import TimeFormat, literal
from ic_console.tui.widgets.late_banner import LateBanner
from ic_console.tui.widgets.quiet_footer import QuietFooter

#: Where `c` puts the text, as the notification says it.
CLIPBOARD_WHERE = (
    "the clipboard, through the terminal (OSC 52; a terminal that does not pass it on "
    "leaves the clipboard as it was)"
)


class GlanceScreen(Screen[None]):
    """The seven sections of the glance, scrollable, kept current."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("glance")
    DEFAULT_CSS = """
    GlanceScreen #glance-title {
        width: 1fr;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    GlanceScreen #glance-body {
        height: 1fr;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        source: Callable[[], tuple[IncidentState | None, datetime | None]],
        *,
        times: TimeFormat,
        cadence: dict[int, timedelta | None] | None = None,
    ) -> None:
        """`source` gives the incident's state and the time now (the console's, pushed by the
        app); `times` are the console's (its zone)."""
        super().__init__(id="glance")
        self.source = source
        self.times = times
        self.cadence = cadence
        self.text = ""

    def compose(self) -> ComposeResult:
        # This screen covers the console's header and its LATE; at 80x24 the glance's late
        # tasks are below the fold.
        self.late_banner = LateBanner()
        yield self.late_banner
        yield Label(Text("The incident at a glance"), id="glance-title")
        with VerticalScroll(id="glance-body"):
            yield Static(id="glance-text")
        yield QuietFooter(compact=True)

    def on_mount(self) -> None:
        self.refresh_glance()
        self.set_interval(1.0, self.refresh_glance, name="glance")
        self.query_one("#glance-body").focus()

    def plain(self) -> str:
        """The glance as plain text, the way `c` copies it; "" before there is an incident."""
        state, now = self.source()
        if state is None or now is None:
            return ""
        return glance.plain_text(state, now, at=self.at(now), cadence=self.cadence)

    def at(self, now: datetime) -> Callable[[datetime], str]:
        """Times in the console's zone, named, with the date when it is not `now`'s day there:
        a glance a month on said "declared 01:30 EDT", as if it were this morning. Dates are
        the console's own (`TimeFormat.clock`: "11-01 01:30"), the day being today, not the
        declaration's: the glance is read (and pasted) now."""
        today = TimeFormat(self.times.zone)
        today.reference_for(now)

        def text(when: datetime) -> str:
            return f"{today.clock(when, seconds=False)} {today.zone_name(when)}"

        return text

    def refresh_glance(self) -> None:
        text = self.plain()
        if text == self.text:
            return
        self.text = text
        shown = "\n".join(literal(line) for line in text.splitlines()) or "No incident is open."
        self.query_one("#glance-text", Static).update(Text(shown))

    def action_copy(self) -> None:
        text = self.plain()
        if not text:
            self.notify("There is nothing to copy yet.", severity="warning")
            return
        safe = "\n".join(literal(line) for line in text.splitlines())
        self.app.copy_to_clipboard(safe)
        lines = len(safe.splitlines())
        self.notify(
            f"Copied the state at a glance ({lines} lines, plain text) to {CLIPBOARD_WHERE}.",
            title="Copied",
            timeout=6,
        )

    def action_close(self) -> None:
        self.dismiss(None)
