"""The header line: which incident, how bad, which phase, how long, who leads, next update.

It is on screen at every size and on every tab, so what must never be missed lives here too:
how many timeboxes have run out ("2 LATE", until each task is dealt with) and whether this
console can record anything (READ-ONLY).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label

from ic_console.domain.durations import format_duration
from ic_console.domain.exit_criteria import met_count, progress_label
from ic_console.domain.model import Status, severity_label
from ic_console.domain.situations import live_overdue
from ic_console.domain.state import IncidentState
from ic_console.tui.text import TimeFormat, countdown, literal

#: Below this width the incident id is hidden (the title says which incident).
NARROW = 100


def late_count(state: IncidentState, now: datetime) -> int:
    """How many open tasks are past their timebox at `now` (for the badge and the Tasks tab):
    from the situations' shared tracker, which keeps the console's late tasks each second."""
    return len(live_overdue(state, now))


def late_text(count: int) -> str:
    """The badge's words: "" when nothing is late, else "1 LATE", "3 LATE"."""
    return f"{count} LATE" if count else ""


class IncidentHeader(Horizontal):
    """One line at the top of the console; countdowns move on at each tick."""

    DEFAULT_CSS = """
    IncidentHeader #header-sync { padding: 0 1; color: $text-muted; }
    IncidentHeader #header-sync.-offline { color: $warning; text-style: bold; }
    """

    #: A read-only console (another terminal holds the incident) says so in the header.
    read_only: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        times: TimeFormat,
        *,
        read_only: bool = False,
        id: str | None = None,  # noqa: A002 (Textual's own name)
    ) -> None:
        super().__init__(id=id)
        self.times = times
        self._state: IncidentState | None = None
        self._cadence: dict[int, timedelta | None] | None = None
        self.set_reactive(IncidentHeader.read_only, read_only)
        #: Open tasks past their timebox at the last tick.
        self.late = 0
        #: The time of the last tick, to draw again at once on a resize.
        self._now: datetime | None = None
        #: What each ticking label shows now (by id): its width decides on a layout.
        self._shown: dict[str, str] = {}
        #: The last sync words given (long, short, offline), to pick again on a resize.
        self._sync: tuple[str, str, bool] | None = None

    def compose(self) -> ComposeResult:
        readonly = Label("READ-ONLY", id="header-readonly")
        readonly.display = self.read_only
        yield readonly
        # Practice must never be mistaken for the real thing (nor the other way round).
        drill = Label(Text(" DRILL ", style="bold black on magenta"), id="header-drill")
        drill.display = False
        yield drill
        yield Label(id="header-id")
        yield Label(id="header-title")
        yield Label(id="header-severity")
        yield Label(id="header-phase")
        yield Label(id="header-elapsed")
        yield Label(id="header-ic")
        late = Label(id="header-late")
        late.display = False
        yield late
        exit_criteria = Label(id="header-exit")  # "exit 1/3 met" once there are any (issue 15)
        exit_criteria.display = False
        yield exit_criteria
        yield Label(id="header-update")
        sync = Label(id="header-sync")
        sync.display = False
        yield sync

    def on_resize(self, event: events.Resize) -> None:
        # Under 100 columns the id gives its room to the title and the badges, and the sync
        # words are cut short (at 80 columns the long ones left the title two letters).
        narrow = event.size.width < NARROW
        if narrow == self.has_class("-narrow"):
            return
        self.set_class(narrow, "-narrow")
        if self._sync is not None:
            self.show_sync(*self._sync)
        if self._now is not None:
            self.tick(self._now)  # the elapsed time with or without its zone at once

    def watch_read_only(self, read_only: bool) -> None:
        self.query_one("#header-readonly", Label).display = read_only

    def show(
        self,
        state: IncidentState,
        now: datetime,
        cadence: dict[int, timedelta | None] | None = None,
    ) -> None:
        self._state = state
        self._cadence = cadence
        self.query_one("#header-drill", Label).display = bool(state.drill)
        self.query_one("#header-id", Label).update(Text(literal(state.incident_id)))
        self.query_one("#header-title", Label).update(Text(literal(state.title)))
        severity = self.query_one("#header-severity", Label)
        severity.update(Text(f" {severity_label(state.severity)} "))
        for level in range(1, 6):
            severity.set_class(state.severity == level, f"-sev{level}")
        status = state.phase.label if state.status is Status.ACTIVE else state.status.value.upper()
        self.query_one("#header-phase", Label).update(Text(status))
        ic = state.ic
        ic_label = self.query_one("#header-ic", Label)
        ic_label.update(Text(f"IC {literal(ic)}" if ic else "no IC"))
        ic_label.set_class(ic is None, "-missing")
        self._show_exit_criteria(state)
        self.tick(now)

    def _show_exit_criteria(self, state: IncidentState) -> None:
        met, total = met_count(state)
        label = self.query_one("#header-exit", Label)
        label.display = total > 0
        label.update(Text(progress_label(state)))
        label.set_class(met < total, "-unmet")

    def tick(self, now: datetime) -> None:
        state = self._state
        if state is None:
            return
        self._now = now
        self._tick_late(state, now)
        elapsed = format_duration(state.elapsed(now))
        if not self.has_class("-narrow"):  # narrow, the title needs the room more
            elapsed += f" ({self.times.zone_name(now)})"
        self._show(self.query_one("#header-elapsed", Label), elapsed)
        due = state.next_update_due(self._cadence)
        update = self.query_one("#header-update", Label)
        if due is None:
            self._show(update, "no updates scheduled")
            update.set_class(False, "-due")
        else:
            left = due - now
            if left.total_seconds() > 0:
                self._show(update, f"update in {countdown(left)}")
            else:
                self._show(update, f"update due {countdown(left)}")
            update.set_class(left.total_seconds() <= 0, "-due")

    def _show(self, label: Label, text: str) -> None:
        """Each second's new clock text. The header is laid out again only when the text's
        width changes (59m 59s to 1h 0m): a layout each second cost ~10 ms, and a key pressed
        during it waited for it."""
        from rich.cells import cell_len

        before = self._shown.get(label.id or "")
        self._shown[label.id or ""] = text
        label.update(Text(text), layout=before is None or cell_len(before) != cell_len(text))

    def _tick_late(self, state: IncidentState, now: datetime) -> None:
        count = late_count(state, now)
        if count == self.late:
            return
        self.late = count
        badge = self.query_one("#header-late", Label)
        badge.update(Text(late_text(count)))
        badge.display = count > 0

    def show_sync(self, text: str, short: str, offline: bool) -> None:
        """Sync with other laptops (only when a remote is configured): "synced 3s ago ·
        2 peers", or "offline since 14:02 · 12 events to send" in amber; the `short` words
        when the header is narrow."""
        self._sync = (text, short, offline)
        label = self.query_one("#header-sync", Label)
        label.update(Text(short if self.has_class("-narrow") else text))
        label.set_class(offline, "-offline")
        label.display = True
