"""The header line: which incident, how bad, which phase, how long, who leads, next update."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from ic_console.domain.durations import format_duration
from ic_console.domain.model import Status, severity_label
from ic_console.domain.state import IncidentState
from ic_console.tui.text import TimeFormat, countdown, literal


class IncidentHeader(Horizontal):
    """One line at the top of the console; countdowns move on at each tick."""

    def __init__(self, times: TimeFormat, *, id: str | None = None) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id)
        self.times = times
        self._state: IncidentState | None = None
        self._cadence: dict[int, timedelta | None] | None = None

    def compose(self) -> ComposeResult:
        yield Label(id="header-id")
        yield Label(id="header-title")
        yield Label(id="header-severity")
        yield Label(id="header-phase")
        yield Label(id="header-elapsed")
        yield Label(id="header-ic")
        yield Label(id="header-update")

    def show(
        self,
        state: IncidentState,
        now: datetime,
        cadence: dict[int, timedelta | None] | None = None,
    ) -> None:
        self._state = state
        self._cadence = cadence
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
        self.tick(now)

    def tick(self, now: datetime) -> None:
        state = self._state
        if state is None:
            return
        zone = self.times.zone_name(now)
        self.query_one("#header-elapsed", Label).update(
            Text(f"{format_duration(state.elapsed(now))} ({zone})")
        )
        due = state.next_update_due(self._cadence)
        update = self.query_one("#header-update", Label)
        if due is None:
            update.update(Text("no updates scheduled"))
            update.set_class(False, "-due")
        else:
            left = due - now
            if left.total_seconds() > 0:
                update.update(Text(f"update in {countdown(left)}"))
            else:
                update.update(Text(f"update due {countdown(left)}"))
            update.set_class(left.total_seconds() <= 0, "-due")
