"""The Deputy's clock: how long the incident has run, the next ten-minute mark to call out,
when the next stakeholder update is due, and which other consoles have the incident open."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.durations import format_countdown
from ic_console.domain.situations import MARK_EVERY_MINUTES, Situation
from ic_console.domain.state import IncidentState
from ic_console.tui.text import TimeFormat, countdown, literal, literal_lines

MARK = timedelta(minutes=MARK_EVERY_MINUTES)


def next_mark(state: IncidentState, now: datetime) -> tuple[int, timedelta] | None:
    """The next ten-minute mark of the incident clock (in minutes) and the time until it."""
    if state.declared_at is None:
        return None
    elapsed = max(timedelta(0), now - state.declared_at)
    passed = int(elapsed / MARK)
    upcoming = (passed + 1) * MARK
    return int(upcoming.total_seconds() // 60), upcoming - elapsed


class DeputyClock(Static):
    """A few lines at the top of the Deputy's view, redrawn at every tick."""

    def __init__(
        self,
        times: TimeFormat,
        phrasebook: Phrasebook,
        *,
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.times = times
        self.phrasebook = phrasebook
        self._state: IncidentState | None = None
        self._cadence: dict[int, timedelta | None] | None = None
        self._callout: Situation | None = None
        self.others: list[str] = []

    def show(
        self,
        state: IncidentState,
        now: datetime,
        cadence: dict[int, timedelta | None] | None,
        situations: list[Situation],
    ) -> None:
        self._state = state
        self._cadence = cadence
        self.tick(now, situations)

    def show_others(self, labels: list[str]) -> None:
        self.others = labels

    def tick(self, now: datetime, situations: list[Situation]) -> None:
        state = self._state
        if state is None or state.declared_at is None:
            return
        self._callout = next((s for s in situations if s.id == "clock-mark"), None)
        self.update(self._render_clock(state, now))

    @property
    def callout(self) -> list[str]:
        """The sentence to say for a mark just passed (empty between marks)."""
        return self.phrasebook.render(self._callout) if self._callout else []

    def _render_clock(self, state: IncidentState, now: datetime) -> Group:
        assert state.declared_at is not None
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, justify="right", ratio=1)
        elapsed = format_countdown(state.elapsed(now))
        declared = f"declared {self.times.clock(state.declared_at, seconds=False)}"
        zone = self.times.zone_name(now)
        clock = Text.assemble(("Incident clock ", "bold"), (elapsed, "bold reverse"))
        upcoming = next_mark(state, now)
        if upcoming is None or state.resolved_at is not None:
            mark = Text("")
        else:
            minutes, left = upcoming
            mark = Text(f"{minutes} minute mark in {format_countdown(left)}")
        grid.add_row(clock, mark, Text(f"{declared} ({zone})", style="dim"))
        due = state.next_update_due(self._cadence)
        if due is None:
            update = Text("No stakeholder updates scheduled", style="dim")
        elif now >= due:
            update = Text(f"Stakeholder update overdue {countdown(due - now)}", style="bold")
        else:
            update = Text(f"Stakeholder update due in {countdown(due - now)}")
        others = (
            Text("Also open: " + ", ".join(literal(label) for label in self.others), style="dim")
            if self.others
            else Text("No other console has this incident open", style="dim")
        )
        grid.add_row(update, Text(""), others)
        parts: list[Text | Table] = [grid]
        for sentence in self.callout:
            for line in literal_lines(sentence):
                parts.append(Text(f"Say now: “{line}”", style="bold"))
        return Group(*parts)
